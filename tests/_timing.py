"""Time limits in tests, with the margin a busy machine needs (issue 16: `bash scripts/test.sh` must
pass while another process keeps the cores busy).

A limit in a test tells a hang, or a deadline that was not kept, from a slow machine; it does not
measure speed (bench/ does). On this project's 2-core machines a second process (a training run,
another test run) makes the tests 2-3x slower, so work that takes `quiet_s` on a quiet machine gets
SLOW times as long. A fixed wall-clock deadline under test (the Hub's 3 s) is added as it is: it
does not stretch with the load, only the work around it does.
"""

SLOW = 3.0  # a busy machine vs a quiet one, with room to spare


def within(quiet_s: float, deadline_s: float = 0.0) -> float:
    """The limit for work that takes `quiet_s` seconds on a quiet machine, after a fixed deadline."""
    return deadline_s + SLOW * quiet_s
