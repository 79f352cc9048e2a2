"""package_export: the township's upward package of 100,000 roster entries against writing
the same rows as JSON lines into a zip and hashing it."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "package_export",
    "ExchangeService.export_upward of a township holding 100,000 unsent roster entries (a "
    "fresh copy of its data directory each run) vs. plain sqlite3 reading the same rows, "
    "json.dumps of each as a line into a zip at the package's compression level, sha256 of "
    "the zip; in-process, one child interpreter",
    goal=2.0,
    repeat=5,
)
def package_export(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.exchange_driver", "export", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
