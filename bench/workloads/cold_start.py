"""cold_start: `main.py --smoke` on a new data directory against a bare PySide6 window."""

from __future__ import annotations

import tempfile

from bench.harness import PYTHON, Command, Measurement, offscreen_env, time_interleaved, workload

BARE_WINDOW = (
    "from PySide6.QtWidgets import QApplication, QMainWindow; "
    "app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()"
)


@workload(
    "cold_start",
    "first start: main.py --smoke on a new empty data dir (create + migrate the database, "
    "build the main window, exit) vs. a bare PySide6 window in a fresh interpreter",
    goal=2.0,
)
def cold_start(repeat: int) -> Measurement:
    env = offscreen_env()
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-") as parent:

        def fresh_data_dir() -> list[str]:
            return ["--data-dir", tempfile.mkdtemp(prefix="data-", dir=parent)]

        floor = Command([PYTHON, "-c", BARE_WINDOW], env=env)
        subject = Command([PYTHON, "main.py", "--smoke"], env=env, setup=fresh_data_dir)
        measured = time_interleaved(floor, subject, repeat)
    return Measurement(
        measured.floor_s,
        measured.subject_s,
        measured.floor_label,
        f"{measured.subject_label} --data-dir <new empty directory>",
    )
