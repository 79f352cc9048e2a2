"""Where the program finds its resources and where an installation keeps its data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "GKDESK_DATA_DIR"
DB_FILE_NAME = "gkdesk.db"


def resource_dir() -> Path:
    """The resources/ folder: beside the package in a source tree, inside the bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    # Imported here so that resolving an explicit --data-dir costs nothing at start-up.
    from platformdirs import user_data_dir

    return Path(user_data_dir("gkdesk", appauthor=False, roaming=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins over GKDESK_DATA_DIR, which wins over the per-user default."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    from_env = os.environ.get(DATA_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser().absolute()
    return default_data_dir()


class DataLayout:
    """The fixed layout of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def database(self) -> Path:
        return self.root / DB_FILE_NAME

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def logs(self) -> Path:
        return self.root / "logs"
