"""posting_reminders: the 首页 reminders over 50,000 postings against the bare SQL reads."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "posting_reminders",
    "PostingService.reminders(today) with 300 units x 200 items and 50,000 postings (the "
    "ledger, due-soon/overdue cells, 今日公示期满, 待审核, open objections) vs. plain sqlite3 "
    "reading the same rows as tuples; in-process, one child interpreter",
    repeat=10,
    goal_s=0.3,
)
def posting_reminders(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.posting_driver", "reminders", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
