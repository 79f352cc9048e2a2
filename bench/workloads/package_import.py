"""package_import: the county importing a township package of 100,000 roster entries against
reading the package's JSON lines and hashing it."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "package_import",
    "ExchangeService.apply of the township's package of 100,000 roster entries into a fresh "
    "copy of the county's data directory each run vs. zipfile reading the package's "
    "data/roster_entry.jsonl, json.loads of every line, sha256 of the package file; "
    "in-process, one child interpreter",
    goal=2.0,
    repeat=5,
)
def package_import(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.exchange_driver", "import", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
