"""A second program on the same data folder is refused; a killed holder leaves no lock behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkdesk import __version__
from gkdesk.domain.errors import EXIT_REJECTED, StorageError, ValidationError
from gkdesk.instance_lock import (
    KIND_CLI,
    LOCK_FILE_NAME,
    AlreadyRunningError,
    InstanceLock,
    LockHolder,
)

ROOT = Path(__file__).resolve().parents[2]

HOLDER_SCRIPT = """
import sys, time
from pathlib import Path
from gkdesk.instance_lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("READY", flush=True)
time.sleep(60)
"""


@pytest.fixture
def lock(data_dir: Path) -> Iterator[InstanceLock]:
    held = InstanceLock(data_dir)
    yield held
    held.release()


def start_holder(data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if line.strip() != "READY":
        proc.kill()
        _out, err = proc.communicate(timeout=5)
        pytest.fail(f"lock holder did not start: {line!r} {err}")
    return proc


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    proc = start_holder(data_dir)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=5)


def test_acquire_creates_the_missing_data_dir_and_records_who_holds_it(data_dir, lock):
    assert not data_dir.exists()
    lock.acquire()
    assert lock.held
    payload = json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))
    assert payload["pid"] == os.getpid()
    assert payload["version"] == __version__
    assert payload["host"] and payload["started_at"]


def test_a_second_lock_in_the_same_process_is_refused(data_dir, lock):
    lock.acquire()
    with pytest.raises(AlreadyRunningError) as caught:
        InstanceLock(data_dir).acquire()
    error = caught.value
    assert isinstance(error, ValidationError) and error.exit_code == EXIT_REJECTED == 3
    assert str(data_dir) in error.message
    assert f"进程号 {os.getpid()}" in error.message
    assert "切换到已经打开的窗口" in error.message and "重新启动" in error.message
    assert error.details["pid"] == os.getpid()
    assert error.to_dict()["type"] == "AlreadyRunningError"
    assert lock.held  # the refused attempt did not disturb the holder
    assert json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))["pid"] == os.getpid()


def test_acquiring_twice_on_one_object_is_harmless(lock):
    lock.acquire()
    lock.acquire()
    assert lock.held


def test_release_then_acquire_again(data_dir, lock):
    lock.acquire()
    lock.release()
    assert not lock.held
    assert (data_dir / LOCK_FILE_NAME).read_bytes() == b""
    other = InstanceLock(data_dir)
    other.acquire()
    other.release()
    lock.acquire()
    assert lock.held


def test_release_never_raises(lock):
    lock.release()  # never taken
    lock.acquire()
    lock.release()
    lock.release()  # twice


def test_context_manager(data_dir):
    with InstanceLock(data_dir) as held:
        assert held.held
        with pytest.raises(AlreadyRunningError):
            InstanceLock(data_dir).acquire()
    assert not held.held
    with InstanceLock(data_dir):
        pass


def test_a_running_process_is_refused_with_its_pid(data_dir, holder):
    with pytest.raises(AlreadyRunningError) as caught:
        InstanceLock(data_dir).acquire()
    message = caught.value.message
    assert f"进程号 {holder.pid}" in message
    assert str(data_dir) in message
    assert "启动" in message
    assert caught.value.holder.pid == holder.pid


def test_a_killed_holder_leaves_a_stale_file_that_does_not_block(data_dir, holder, lock):
    holder.kill()  # SIGKILL: no clean-up runs
    holder.wait(timeout=5)
    stale = json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))
    assert stale["pid"] == holder.pid  # the file is still there and still names the dead pid
    lock.acquire()
    assert json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))["pid"] == os.getpid()


def test_garbage_in_the_lock_file_does_not_break_acquire(data_dir, lock):
    data_dir.mkdir()
    (data_dir / LOCK_FILE_NAME).write_bytes(b"\xff\xfe not json \x00" * 500)
    lock.acquire()
    assert json.loads((data_dir / LOCK_FILE_NAME).read_text("utf-8"))["pid"] == os.getpid()


def test_garbage_from_a_holder_still_gives_a_clear_refusal(data_dir, lock):
    lock.acquire()
    (data_dir / LOCK_FILE_NAME).write_bytes(b"[1, 2")
    with pytest.raises(AlreadyRunningError) as caught:
        InstanceLock(data_dir).acquire()
    assert str(data_dir) in caught.value.message
    assert "进程号" not in caught.value.message


def test_a_command_line_holder_is_named_as_a_command(data_dir):
    with InstanceLock(data_dir, kind=KIND_CLI), pytest.raises(AlreadyRunningError) as caught:
        InstanceLock(data_dir).acquire()
    assert "gkdesk 命令" in caught.value.message and "结束后再试" in caught.value.message


def test_a_file_where_the_data_dir_should_be_is_a_storage_error(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("x")
    with pytest.raises(StorageError) as caught:
        InstanceLock(blocker).acquire()
    assert str(blocker) in caught.value.message


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"{}", b'{"pid": "12"}', b'{"pid": true}', b'{"pid": -1}', b"\xff"],
)
def test_holder_parse_is_tolerant(raw):
    assert LockHolder.parse(raw).pid is None


def test_holder_started_display_is_local_wall_time():
    holder = LockHolder.parse(b'{"pid": 7, "started_at": "2024-05-01T09:30:12"}')
    assert holder.pid == 7
    assert holder.started_display() == "2024-05-01 09:30:12"
