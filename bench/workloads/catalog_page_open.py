"""catalog_page_open: the 公开目录 page on a 3,000-item county directory against bare Qt."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "catalog_page_open",
    "open the 公开目录 page (build CatalogPage, show, activate, process events) on a county "
    "directory of 3,000 items and 300 units vs. plain sqlite3 rows in a QStandardItemModel "
    "shown in a QTreeView; in-process, one child interpreter",
    repeat=7,
    goal_s=0.5,
)
def catalog_page_open(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.catalog_driver", "page", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env())
