"""Background lanes: results, failures, cancel and progress reach the main thread."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from gkdesk.db.models import OrgUnitRow
from gkdesk.domain.errors import Cancelled
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner


@pytest.fixture
def runner():
    r = TaskRunner()
    yield r
    r.shutdown()


def test_db_job_result_and_progress(qtbot, runner, demo_services):
    progress = []

    def count(report, _cancelled):
        report(0, 2, "开始")
        n = OrgUnitRow.select().count()
        report(2, 2, "完成")
        return (n, threading.current_thread() is threading.main_thread())

    job = runner.run_db(count, "计数")
    job.progress.connect(lambda d, t, m: progress.append((d, t, m)))
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        pass
    n, on_main = blocker.args[0]
    assert n == OrgUnitRow.select().count() and not on_main
    assert progress[-1] == (2, 2, "完成")


def test_db_lane_writes_are_seen_by_main_thread(qtbot, runner, demo_services):
    def rename(_p, _c):
        OrgUnitRow.update(name="青山村（改）").where(OrgUnitRow.name == "青山村").execute()

    job = runner.run_db(rename)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert OrgUnitRow.select().where(OrgUnitRow.name == "青山村（改）").count() == 1


def test_failure_is_delivered(qtbot, runner):
    def boom(_p, _c):
        raise ValueError("坏数据")

    job = runner.run(boom)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError) and job.state == "failed"


def test_cancel_stops_a_running_job(qtbot, runner):
    started = threading.Event()

    def long_job(_p, cancelled):
        started.set()
        while not cancelled():
            time.sleep(0.01)
        raise Cancelled()

    job = runner.run(long_job)
    assert started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.cancel()
    assert job.state == "cancelled" and job.result is None


def test_db_lane_runs_one_job_at_a_time(qtbot, runner):
    active = []
    overlap = []

    def work(_p, _c):
        active.append(1)
        overlap.append(len(active))
        time.sleep(0.05)
        active.pop()

    jobs = [runner.run_db(work) for _ in range(4)]
    with qtbot.waitSignal(jobs[-1].finished, timeout=5000):
        pass
    assert runner.wait_for_idle(5000)
    assert max(overlap) == 1 and len(overlap) == 4


def test_progress_dialog_cancel_button_cancels_job(qtbot, runner):
    def long_job(report, cancelled):
        i = 0
        while not cancelled():
            report(i % 100, 100, f"第{i}步")
            i += 1
            time.sleep(0.005)
        raise Cancelled()

    job = runner.run(long_job)
    dialog = JobProgressDialog(job, "正在导入")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.labelText().startswith("第"), timeout=5000)
    (cancel_button,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "取消"]
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_a_job_that_finished_before_connecting_is_not_missed(qtbot, runner):
    job = runner.run(lambda _p, _c: 42)
    deadline = time.monotonic() + 5
    while job._outcome == "queued" and time.monotonic() < deadline:
        time.sleep(0.01)  # the worker is done; nothing has been delivered to the main thread yet
    got = []
    job.succeeded.connect(got.append)
    qtbot.waitUntil(lambda: got == [42], timeout=5000)
