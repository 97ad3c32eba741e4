"""What the classroom's figure questions measure (issue #18): one pure function per question, over
the loaded models or the recorded data, no gradio. demos/classroom_questions.py turns each result
into an answer and its text; nothing here knows the answer in advance.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import NamedTuple

import torch


def final_errors(curves: Path) -> dict[str, tuple[float, float]]:
    """Fig. 6 as recorded (weights/resnet_curves/curves.json): net -> (final training error %,
    final test error %)."""
    runs = json.loads(curves.read_text(encoding="utf-8"))["runs"]
    return {n: (r["train_error"][-1], r["test_error"][-1]) for n, r in runs.items()}


class PathSharpness(NamedTuple):
    pairs: int  # seed pairs measured
    steps: int  # frames per path
    conf: dict[str, float]  # "lerp" / "slerp" -> mean top-class probability over the middle frames
    norm: dict[str, float]  # mean |z| at the middle frame
    ends: float  # mean top-class probability at the two ends (the same images for both paths)


@torch.inference_mode()
def path_sharpness(
    generator, classifier, seed_pairs: list[tuple[int, int]], steps: int = 16
) -> PathSharpness:
    """Draw the lerp and the slerp morph between the z of each seed pair and ask the MNIST classifier
    how sure it is of each frame's digit (its top-class probability): a sharp digit is one it is
    sure of. The middle half of each path is where the two paths differ (lerp's |z| dips there)."""
    from lab import gan as LG
    from models import gan as M

    z_dim = generator.config.z_dim
    lo, hi = steps // 4, steps - steps // 4
    conf, norm, ends = {}, {}, []
    for kind in ("lerp", "slerp"):
        z = torch.stack(
            [LG.latent_path(kind, a, b, steps, z_dim) for a, b in seed_pairs]
        )  # (P, steps, z_dim)
        images = M.generate(generator, z.reshape(-1, z_dim))  # (P * steps, 28, 28) in [0, 1]
        classifier.eval()
        p = (
            classifier(images[:, None]).softmax(-1).amax(-1).reshape(len(seed_pairs), steps)
        )  # (P, steps)
        conf[kind] = p[:, lo:hi].mean().item()
        norm[kind] = z[:, steps // 2].norm(dim=-1).mean().item()
        ends.append(p[:, [0, -1]].mean().item())
    return PathSharpness(len(seed_pairs), steps, conf, norm, sum(ends) / 2)


class MaskingShares(NamedTuple):
    tokens: int  # real tokens in the batch
    chosen: int  # positions chosen for prediction (~15%)
    masked: float  # share of the chosen that became [MASK]
    random: float  # ... a random token (other than the original)
    unchanged: float  # ... left as they were (the 10% rule, and random draws of the same token)


def masking_shares(cfg, input_ids: torch.Tensor, seed: int = 0) -> MaskingShares:
    """Run the model's own masking (models.bert.mask_tokens, §3.1) once over `input_ids` and count
    what happened to the chosen tokens."""
    from models import bert as B

    g = torch.Generator().manual_seed(seed)
    m = B.mask_tokens(input_ids, cfg, generator=g)
    chosen = m.chosen
    n = int(chosen.sum())
    same = (m.input_ids == input_ids) & chosen
    to_mask = (m.input_ids == cfg.mask_id) & chosen
    special = torch.zeros_like(input_ids, dtype=torch.bool)
    for i in (cfg.pad_id, cfg.unk_id, cfg.cls_id, cfg.sep_id, cfg.mask_id):
        special |= input_ids == i
    return MaskingShares(
        int((~special).sum()),
        n,
        int(to_mask.sum()) / n,
        int((chosen & ~same & ~to_mask).sum()) / n,
        int(same.sum()) / n,
    )


@functools.cache
def pe_shift(k: int = 5, d_model: int = 128, max_len: int = 100) -> float:
    """§3.5: max |PE[pos + k] - M_k PE[pos]| over every position, with one fixed M_k (the model's table)."""
    from lab import transformer as LT

    return LT.pe_shift_error(k, d_model, max_len)[1]
