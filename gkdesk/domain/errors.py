"""Typed errors whose Chinese message is shown to the user as is.

Every error carries the exit code the command line uses for it, so the window and the CLI
report the same failure the same way:
0 done, 2 usage error, 3 input rejected, 4 integrity or security failure, 1 unexpected.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_INTEGRITY = 4


class GkError(Exception):
    """Base of every expected failure; ``message`` is a complete Chinese sentence."""

    exit_code = EXIT_UNEXPECTED

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})

    def to_dict(self) -> dict:
        return {
            "type": type(self).__name__,
            "exit_code": self.exit_code,
            "message": self.message,
            **({"details": self.details} if self.details else {}),
        }


class UsageError(GkError):
    """The command was called wrongly (missing or conflicting options)."""

    exit_code = EXIT_USAGE


class ValidationError(GkError):
    """Input was checked and rejected; nothing was written."""

    exit_code = EXIT_REJECTED


class FieldError(ValidationError):
    """One named field holds a bad value."""

    def __init__(self, field: str, value: object, message: str) -> None:
        super().__init__(message, details={"field": field, "value": value})
        self.field = field
        self.value = value


class NotFoundError(ValidationError):
    """A referenced record does not exist."""


class AlreadyInitialisedError(ValidationError):
    """The data directory already holds an installation."""


class NotInitialisedError(ValidationError):
    """The data directory has no home unit yet."""


class IntegrityError(GkError):
    """The data cannot be trusted or used: corrupt, from a newer version, tampered."""

    exit_code = EXIT_INTEGRITY


class StorageError(IntegrityError):
    """The data directory or a file in it cannot be read or written."""


class CorruptDatabaseError(IntegrityError):
    """The database file is damaged or is not a gkdesk database."""


class NewerSchemaError(IntegrityError):
    """The database was written by a newer version of the program."""


class CalendarYearUnknownError(ValidationError):
    """The working-day calendar has no holiday schedule for a year."""

    def __init__(self, year: int, message: str) -> None:
        super().__init__(message, details={"year": year})
        self.year = year


class Cancelled(GkError):
    """The user cancelled a long job; nothing was kept."""

    def __init__(self, message: str = "操作已取消，未保存任何结果。") -> None:
        super().__init__(message)


_OS_ERROR_REASONS = {
    "EACCES": "没有写入权限",
    "EPERM": "没有操作权限",
    "ENOSPC": "磁盘空间已满",
    "EROFS": "磁盘是只读的",
    "ENOTDIR": "路径中有一段是文件而不是文件夹",
    "EEXIST": "已有同名文件",
    "ENOENT": "找不到文件或文件夹",
    "EBUSY": "文件正被其他程序占用",
    "ENAMETOOLONG": "路径太长",
}


def describe_os_error(exc: OSError) -> str:
    """A short Chinese reason for a file-system error (the OS text may be in English)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if isinstance(exc, PermissionError) and not name:
        name = "EACCES"
    return _OS_ERROR_REASONS.get(name, exc.strerror or str(exc))
