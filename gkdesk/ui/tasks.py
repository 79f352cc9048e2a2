"""Background work: one lane for database jobs (serialised writes), one for everything else.

A job is a plain function ``fn(progress, is_cancelled) -> result`` (the same signature the
services take), so the CLI and the window run the same code. Results, failures and progress
come back to the main thread as signals; workers never touch widgets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from gkdesk.domain.errors import Cancelled, GkError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]
JobFn = Callable[[ProgressFn, CancelCheck], Any]

# Progress updates closer together than this are dropped: a 100,000-row import must not
# flood the event loop with signals the eye cannot follow.
_PROGRESS_INTERVAL_S = 0.05


class Job(QObject):
    """One piece of background work as seen from the main thread.

    The worker never emits the public signals itself: it posts to private relays that are
    connected (queued) when the job is made, and the main thread re-emits. So a caller that
    connects right after starting a job can never miss a job that finished very fast.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    _progress_relay = Signal(int, int, str)
    _end_relay = Signal()

    def __init__(self, label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.result: Any = None
        self.error: BaseException | None = None
        self.state = "queued"
        self._outcome = "queued"
        self._cancel = threading.Event()
        self._last_progress = 0.0
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_relay.connect(self._on_progress_relay, queued)
        self._end_relay.connect(self._on_end_relay, queued)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    def report_progress(self, done: int, total: int, message: str = "") -> None:
        """Called from the worker; cheap, and throttled so it cannot flood the event loop."""
        now = time.monotonic()
        if done < total and now - self._last_progress < _PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self._progress_relay.emit(int(done), int(total), message)

    def _run(self, fn: JobFn) -> None:
        self.state = "running"
        try:
            if self.is_cancelled():
                raise Cancelled()
            result = fn(self.report_progress, self.is_cancelled)
        except Cancelled:
            self._outcome = "cancelled"
        except BaseException as exc:  # handed to the main thread, which shows it
            if isinstance(exc, GkError):
                # A refusal the clerk is told about (bad file, unknown key): not a program fault.
                log.info("background job %r refused: %s", self.label, exc.message)
            else:
                log.exception("background job %r failed", self.label)
            self.error = exc
            self._outcome = "failed"
        else:
            self.result = result
            self._outcome = "done"
        self._end_relay.emit()

    @Slot(int, int, str)
    def _on_progress_relay(self, done: int, total: int, message: str) -> None:
        if not self.done:
            self.progress.emit(done, total, message)

    @Slot()
    def _on_end_relay(self) -> None:
        self.state = self._outcome
        if self.state == "done":
            self.succeeded.emit(self.result)
        elif self.state == "failed":
            self.failed.emit(self.error)
        else:
            self.cancelled.emit()
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: JobFn) -> None:
        super().__init__()
        self._job = job
        self._fn = fn

    def run(self) -> None:
        self._job._run(self._fn)


class TaskRunner(QObject):
    """Owns the two lanes and keeps every running job referenced until it finishes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_lane = QThreadPool(self)
        self._db_lane.setMaxThreadCount(1)
        # One long-lived thread keeps one SQLite connection for the whole session.
        self._db_lane.setExpiryTimeout(-1)
        self._general_lane = QThreadPool(self)
        self._general_lane.setMaxThreadCount(2)
        self._jobs: set[Job] = set()

    def run_db(self, fn: JobFn, label: str = "") -> Job:
        """Run a job that reads or writes the database; such jobs run one at a time."""
        return self._start(self._db_lane, fn, label)

    def run(self, fn: JobFn, label: str = "") -> Job:
        """Run a job that does not touch the database (rendering, file copies)."""
        return self._start(self._general_lane, fn, label)

    def _start(self, lane: QThreadPool, fn: JobFn, label: str) -> Job:
        job = Job(label, self)
        self._jobs.add(job)
        job.finished.connect(self._on_job_finished)
        lane.start(_Runnable(job, fn))
        return job

    @Slot()
    def _on_job_finished(self) -> None:
        job = self.sender()
        self._jobs.discard(job)
        if job is not None:
            job.deleteLater()

    @property
    def active_jobs(self) -> int:
        return len(self._jobs)

    def wait_for_idle(self, msecs: int = 30_000) -> bool:
        """Block until both lanes are empty, then deliver the results that are waiting."""
        idle = self._db_lane.waitForDone(msecs) and self._general_lane.waitForDone(msecs)
        QCoreApplication.sendPostedEvents()
        return idle

    def shutdown(self, close_db: Callable[[], None] | None = None, msecs: int = 30_000) -> None:
        """Cancel what is running, let it unwind, and close the lane's database connection."""
        for job in list(self._jobs):
            job.cancel()
        if close_db is not None:
            self._db_lane.start(_Runnable(Job("close", self), lambda _p, _c: close_db()))
        self.wait_for_idle(msecs)


def wait_for(job: Job) -> Any:
    """Keep the window responsive until a job ends; return its result or raise its error.

    For flows that read as one sequence (pick a file, preview, confirm, apply); the event
    loop keeps painting and the progress dialog's 取消 keeps working meanwhile.
    """
    if not job.done:
        loop = QEventLoop()
        job.finished.connect(loop.quit)
        if not job.done:
            loop.exec()
    if job.state == "failed":
        raise job.error
    if job.state == "cancelled":
        raise Cancelled()
    return job.result


class JobProgressDialog(QProgressDialog):
    """A progress dialog bound to one job: shows its progress, its 取消 button cancels it."""

    def __init__(self, job: Job, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "取消", 0, 0, parent)
        self.setWindowTitle(title)
        self.setMinimumDuration(200)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self._job = job
        job.progress.connect(self._on_job_progress)
        job.finished.connect(self._on_job_finished)
        self.canceled.connect(self._on_canceled)

    @Slot(int, int, str)
    def _on_job_progress(self, done: int, total: int, message: str) -> None:
        self.setMaximum(max(total, 0))
        self.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.setLabelText(message)

    @Slot()
    def _on_canceled(self) -> None:
        self.setLabelText("正在取消，请稍候……")
        self._job.cancel()

    @Slot()
    def _on_job_finished(self) -> None:
        self.close()


def finish(progress: JobProgressDialog) -> None:
    """Close a job's progress dialog and free it: pages and tabs live all session."""
    progress.close()
    progress.deleteLater()


def error_text(exc: BaseException) -> str:
    """What to tell the clerk about a failed job."""
    from gkdesk.domain.errors import GkError, describe_os_error

    if isinstance(exc, GkError):
        return exc.message
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return str(exc)


def run_and_wait(
    tasks: TaskRunner, work, label: str, title: str, parent: QWidget, *, cancellable: bool
) -> Any:
    """Run ``work`` on the database lane behind a progress dialog; its result or its error.

    A step that takes no cancel request gets no 取消 button: it would do nothing.
    """
    job = tasks.run_db(work, label)
    progress = JobProgressDialog(job, title, parent)
    if not cancellable:
        progress.setCancelButton(None)
    try:
        return wait_for(job)
    finally:
        finish(progress)
