"""roster_open: the 补贴名单 page on a 100,000-entry roster against a bare QTableView."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "roster_open",
    "open the 补贴名单 page (build RosterPage, show, activate, process events) with a "
    "100,000-entry roster vs. a bare QTableView over a 40 x 9 QStandardItemModel (a "
    "screenful); in-process, one child interpreter",
    repeat=7,
    goal_s=0.5,
)
def roster_open(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.roster_driver", "open", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=600)
