"""posting_matrix: the 工作台账 of 300 units x 200 items against the bare SQL reads."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "posting_matrix",
    "LedgerService.ledger(today) of 300 units x 200 items over 50,000 postings (each cell's "
    "status this period) vs. plain sqlite3 reading the units, items, assignments and the "
    "postings' unit/item/kind/status/period as tuples; in-process, one child interpreter",
    repeat=10,
    goal_s=1.0,
)
def posting_matrix(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.posting_driver", "matrix", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
