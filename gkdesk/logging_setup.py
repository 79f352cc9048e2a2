"""Logging to a rotating file in the data directory (a windowed build has no console)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FILE_NAME = "gkdesk.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


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
            handler = logging.handlers.RotatingFileHandler(
                log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
            )
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
