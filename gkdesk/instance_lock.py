"""One program per data directory: an OS lock on <data_dir>/gkdesk.lock that dies with its holder."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from gkdesk import APP_TITLE, __version__
from gkdesk.domain.errors import StorageError, ValidationError, describe_os_error

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "gkdesk.lock"

# The OS lock covers one byte far past the payload. On Windows a locked range cannot be read
# by other processes, so locking byte 0 would hide the payload the refusal message needs.
# (SQLite places its lock bytes out of the way for the same reason.)
_LOCK_OFFSET = 0x4000_0000
_PAYLOAD_LIMIT = 64 * 1024
# A holder that has just locked may not have written its payload yet: look again briefly.
_PAYLOAD_RETRIES = 3
_PAYLOAD_RETRY_DELAY = 0.05

KIND_WINDOW = "window"
KIND_CLI = "cli"

if sys.platform == "win32":
    import msvcrt

    _HELD_ERRNOS = frozenset({errno.EACCES, errno.EDEADLOCK})

    def _try_lock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    _HELD_ERRNOS = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})

    # flock, not lockf: flock belongs to the open file description, so two InstanceLock
    # objects in one process conflict too, while POSIX record locks would not.
    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class LockHolder:
    """What the lock file says about the process that holds it; any field may be unknown."""

    pid: int | None = None
    host: str | None = None
    started_at: str | None = None
    version: str | None = None
    kind: str | None = None

    @classmethod
    def parse(cls, raw: bytes) -> LockHolder:
        """Tolerant: an empty, half-written or foreign file gives a holder with unknown fields."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        pid = data.get("pid")

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        return cls(
            pid=pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None,
            host=text("host"),
            started_at=text("started_at"),
            version=text("version"),
            kind=text("kind"),
        )

    @property
    def known(self) -> bool:
        return self.pid is not None

    def started_display(self) -> str | None:
        if not self.started_at:
            return None
        try:
            moment = datetime.fromisoformat(self.started_at)
        except ValueError:
            return self.started_at
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def to_dict(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "host": self.host,
            "started_at": self.started_at,
            "version": self.version,
            "kind": self.kind,
        }


class AlreadyRunningError(ValidationError):
    """Another copy of the program holds the lock of this data directory."""

    def __init__(self, data_dir: Path, lock_file: Path, holder: LockHolder) -> None:
        super().__init__(
            _refusal_message(data_dir, holder),
            details={"path": str(data_dir), "lock_file": str(lock_file), **holder.to_dict()},
        )
        self.data_dir = data_dir
        self.lock_file = lock_file
        self.holder = holder


def _refusal_message(data_dir: Path, holder: LockHolder) -> str:
    facts = []
    if holder.host and holder.host != socket.gethostname():
        facts.append(f"在计算机 {holder.host} 上")
    if holder.pid is not None:
        facts.append(f"进程号 {holder.pid}")
    started = holder.started_display()
    if started:
        facts.append(f"{started} 启动")
    about = f"（{'，'.join(facts)}）" if facts else ""
    if holder.kind == KIND_CLI:
        who = f"一个 gkdesk 命令{about}正在使用数据文件夹 {data_dir}"
        todo = "请等该命令结束后再试。"
    else:
        who = f"{APP_TITLE}已经打开了数据文件夹 {data_dir}{about}"
        todo = "请切换到已经打开的窗口继续工作。"
    kill_hint = (
        f"如果找不到那个窗口，可在任务管理器中结束进程号为 {holder.pid} 的程序后重试。"
        if holder.pid is not None
        else ""
    )
    return (
        f"{who}，同一个数据文件夹不能同时打开两份程序。{todo}"
        "如果程序之前是异常退出的，直接重新启动即可：残留的锁会被自动识别，"
        f"不需要删除任何文件。{kill_hint}"
    )


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    remaining = _PAYLOAD_LIMIT
    while remaining > 0:
        chunk = os.read(fd, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class InstanceLock:
    """Refuses a second program on the same data directory; a crashed holder leaves no lock.

    The lock is the OS's (msvcrt.locking on Windows, flock elsewhere), so it vanishes when
    the holding process dies however it dies. The file's JSON payload (pid, host, start time,
    version) only feeds the refusal message; a payload left by a killed process is overwritten.
    The file itself is never deleted, so no process can remove a lock another one holds.
    """

    def __init__(self, data_dir: Path, *, kind: str = KIND_WINDOW) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_FILE_NAME
        self.kind = kind
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise AlreadyRunningError (StorageError if the folder is unusable)."""
        if self._fd is not None:
            return
        fd = self._open()
        try:
            _try_lock(fd)
        except OSError as exc:
            if exc.errno in _HELD_ERRNOS:
                holder = self._read_holder(fd)
                os.close(fd)
                log.warning("data directory %s is in use by %s", self.data_dir, holder)
                raise AlreadyRunningError(self.data_dir, self.path, holder) from None
            # No locks on this file system (some network shares): run unprotected, not refuse.
            log.warning("cannot lock %s (%s); running without the instance lock", self.path, exc)
            os.close(fd)
            return
        try:
            self._write_payload(fd)
        except OSError as exc:
            # The OS lock is what protects; a missing payload only makes a refusal less precise.
            log.warning("cannot write %s (%s)", self.path, exc)
        self._fd = fd
        log.info("instance lock taken on %s", self.path)

    def release(self) -> None:
        """Give the lock back; never raises, and is harmless when the lock is not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # an empty file says plainly that nobody holds it
        with contextlib.suppress(OSError):
            _unlock(fd)  # closing the descriptor would release it anyway
        with contextlib.suppress(OSError):
            os.close(fd)
        log.info("instance lock released on %s", self.path)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _open(self) -> int:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StorageError(
                f"数据目录 {self.data_dir} 不是文件夹（已有同名文件）。请指定一个文件夹作为数据目录。",
                details={"path": str(self.data_dir)},
            )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
            return os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise StorageError(
                f"无法在数据目录 {self.data_dir} 中建立锁文件 {LOCK_FILE_NAME}"
                f"（{describe_os_error(exc)}）。请换一个可写的目录"
                "（命令行 --data-dir 或环境变量 GKDESK_DATA_DIR），或请管理员开放写入权限。",
                details={"path": str(self.path)},
            ) from exc

    def _read_holder(self, fd: int) -> LockHolder:
        holder = LockHolder()
        for attempt in range(_PAYLOAD_RETRIES):
            try:
                holder = LockHolder.parse(_read_fd(fd))
            except OSError:
                holder = LockHolder()
            if holder.known:
                break
            if attempt + 1 < _PAYLOAD_RETRIES:
                time.sleep(_PAYLOAD_RETRY_DELAY)
        return holder

    def _write_payload(self, fd: int) -> None:
        payload = {
            "program": "gkdesk",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "version": __version__,
            "kind": self.kind,
        }
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        os.lseek(fd, 0, os.SEEK_SET)
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.ftruncate(fd, len(data))
        os.fsync(fd)
