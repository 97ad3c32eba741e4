"""demos/checks.py: temp files for downloads expire, and the folder is swept at most once a minute
(a stat of every file on every figure cost a busy server ~1 s per 19 figures with 3,448 files)."""

import os
import time

from demos import checks


def _old(path, age_s):
    path.write_bytes(b"x")
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def test_old_files_go_and_the_sweep_runs_at_most_once_a_minute(tmp_path, monkeypatch):
    clock = [time.time()]
    monkeypatch.setattr(checks.time, "time", lambda: clock[0])
    a = _old(tmp_path / "a.png", 7200)
    young = _old(tmp_path / "young.png", 10)
    new = checks.fresh_file(tmp_path, "fig-", ".png")
    assert not a.exists() and young.exists() and os.path.exists(new)
    b = _old(tmp_path / "b.png", 7200)
    checks.fresh_file(tmp_path, "fig-", ".png")  # within the minute: no sweep
    assert b.exists()
    clock[0] += checks.SWEEP_EVERY_S
    checks.fresh_file(tmp_path, "fig-", ".png")
    assert not b.exists() and young.exists()
