"""Logging to a file in the data directory (a windowed build has no console)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_FILE_NAME = "gkdesk.log"
MAX_BYTES = 2_000_000
KEEP = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def _rotate(log_path: Path) -> None:
    """Rotate at start-up rather than mid-session: a desktop session writes little, and this
    keeps logging.handlers (and its socket imports) off the start-up path."""
    try:
        if not log_path.exists() or log_path.stat().st_size < MAX_BYTES:
            return
        for n in range(KEEP - 1, 0, -1):
            older = log_path.with_name(f"{log_path.name}.{n}")
            if older.exists():
                os.replace(older, log_path.with_name(f"{log_path.name}.{n + 1}"))
        os.replace(log_path, log_path.with_name(f"{log_path.name}.1"))
    except OSError:
        pass  # an unrotated log is better than no program


def configure_logging(log_dir: Path | None, *, console: bool = False) -> Path | None:
    """Send log records to log_dir/gkdesk.log; return the file path (None if not writable)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_gkdesk", False):
            root.removeHandler(handler)
            handler.close()
    log_path = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / LOG_FILE_NAME
            _rotate(log_path)
            handler = logging.FileHandler(log_path, encoding="utf-8", delay=True)
        except OSError:
            log_path = None
        else:
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler._gkdesk = True  # type: ignore[attr-defined]
            root.addHandler(handler)
    if console and sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter(_FORMAT))
        stream._gkdesk = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    return log_path
