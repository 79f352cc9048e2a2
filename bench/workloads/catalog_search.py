"""catalog_search: searching a 3,000-item county directory against the bare LIKE query."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "catalog_search",
    "CatalogService.search over a county directory of 3,000 items, one term matching about "
    "half the items and one matching none (slower of the two per sample) vs. the same LIKE "
    "query with plain sqlite3 on the same file; in-process, one child interpreter",
    repeat=20,
    goal_s=0.1,
)
def catalog_search(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.catalog_driver", "search", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env())
