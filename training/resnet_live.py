"""Record the default "run it yourself" experiment of the ResNet tab, so the tab shows it instantly.

    .venv/bin/python -m training.resnet_live        # writes weights/resnet_live/default.json

The same function the tab runs live (`lab.resnet.degradation_run`, seeded), with the tab's
default settings; the wall-clock time is measured on this machine with two threads, and the record
says when and where (date, CPU model, cores, threads, load average): the tab shows it beside the time.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import time

import torch

from lab.resnet import LIVE_RECORD, degradation_run
from lab.tab_defaults import LIVE_DEFAULT


def cpu_model() -> str | None:
    """The CPU's model name as the kernel reports it (None where it cannot be read)."""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def main() -> None:
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    depth, steps = LIVE_DEFAULT["depth"], LIVE_DEFAULT["steps"]
    history = {"depth": depth, "steps": steps, "step": [], "loss": {}, "test_accuracy": None}
    t0 = time.perf_counter()
    for s in degradation_run(depth=depth, steps=steps, reference=20):
        history["step"].append(s.step)
        for name, v in s.loss.items():
            history["loss"].setdefault(name, []).append(round(v, 5))
        if s.test_accuracy is not None:
            history["test_accuracy"] = s.test_accuracy
    history["seconds"] = round(time.perf_counter() - t0, 1)
    history["threads"] = torch.get_num_threads()
    history["load_average_1min"] = round(os.getloadavg()[0], 2)  # other processes slow the clock
    history["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    history["cpu"] = cpu_model()
    history["cores"] = os.cpu_count()
    history["command"] = ".venv/bin/python -m training.resnet_live"
    LIVE_RECORD.parent.mkdir(parents=True, exist_ok=True)
    LIVE_RECORD.write_text(json.dumps(history, indent=1) + "\n", encoding="utf-8")
    final = {n: v[-1] for n, v in history["loss"].items()}
    print(f"{history['seconds']} s; final loss {final}; test accuracy {history['test_accuracy']}")


if __name__ == "__main__":
    main()
