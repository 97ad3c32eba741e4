"""Fig. 6 of He et al. 2015 as recorded by training/resnet_curves.py (weights/resnet_curves/
curves.json): the paper's findings, checked on the run's numbers. No torch: the page reads it at
start-up."""

from __future__ import annotations

FIG6_RESNET56_TEST_TARGET = 12.0  # issue #14: ResNet-56's final test error (%), all 50k images


def fig6_checks(runs: dict) -> dict[str, bool | None]:
    """What Fig. 6 shows, checked on a recorded run (`curves.json`'s "runs": net -> per-epoch
    "train_error" and "test_error" in %). None where the run lacks a net or the epochs.

    - degradation (§4.1): plain-56 ends with a higher training error than plain-20, and stays
      above it from epoch 5 on (the first epochs of any net are noise);
    - depth helps a ResNet: ResNet-56 ends with a lower training error than ResNet-20;
    - ResNet-56 ends at most FIG6_RESNET56_TEST_TARGET % test error (the budget is enough to
      compare with the paper's figure, 6-20 %), on the 1,000 lossless test images where the run
      recorded them ("test_error_lossless1k": the paper's test images, as the Classify target),
      else on its "test_error" set."""

    def curve(net: str, key: str = "train_error") -> list[float] | None:
        return runs[net][key] if net in runs else None

    p20, p56, r20, r56 = (curve(n) for n in ("plain20", "plain56", "resnet20", "resnet56"))
    plain, res = p20 and p56, r20 and r56
    return {
        "plain56_train_error_above_plain20": p56[-1] > p20[-1] if plain else None,
        "plain56_above_plain20_from_epoch_5": (
            all(a > b for a, b in zip(p56[4:], p20[4:])) if plain and len(p56) >= 5 else None
        ),
        "resnet56_train_error_below_resnet20": r56[-1] < r20[-1] if res else None,
        "resnet56_test_error_at_most_12": (
            final_test_error(runs["resnet56"]) <= FIG6_RESNET56_TEST_TARGET if r56 else None
        ),
    }


def final_test_error(run: dict) -> float:
    """A net's last test error: on the lossless 1,000 where recorded, else on the run's test set."""
    return (run.get("test_error_lossless1k") or run["test_error"])[-1]
