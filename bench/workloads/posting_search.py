"""posting_search: full-text search over 50,000 postings against the bare SQL."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "posting_search",
    "PostingService.search over 50,000 postings: a six-character word (FTS5 trigram index) "
    "and a two-character word (LIKE), slower of the two per sample, vs. the same lookups "
    "with plain sqlite3 on the same file; in-process, one child interpreter",
    repeat=20,
    goal_s=0.1,
)
def posting_search(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.posting_driver", "search", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
