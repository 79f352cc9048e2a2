"""package_batch: 200 township packages imported by one import_folder call, in one process.

The issue asks that a county can import 200 township packages "in one batch without a
restart": it must finish, apply every package, and not slow down or grow as it goes. The
driver asserts that every package comes back applied and reports the time per package and
the process's RSS and open files along the way (a warm-up and three timed runs in the same
process by default: 800 packages without a restart).

The absolute goal, 30 s for the 200 packages (150 ms a package on average), is what a county
clerk can wait in front of a progress bar for a month's round of sticks; the floor (reading
and hashing the same packages) is shown for scale only: these packages are small, so the
ratio is large and not judged.
"""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "package_batch",
    "ExchangeService.import_folder of 200 upward packages (8 townships x 25 successive "
    "packages, each a 30-household roster and a few postings) into a fresh copy of the "
    "county's data directory each run, every package asserted applied; time per package "
    "and RSS growth in the notes. Floor, for scale only: reading every package's JSON lines "
    "and hashing each file; in-process, one child interpreter",
    goal_s=30.0,
    repeat=3,
)
def package_batch(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.exchange_driver", "batch", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
