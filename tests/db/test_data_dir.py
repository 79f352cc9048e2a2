"""A data directory that cannot be used is refused with a message naming it; nothing is created."""

from __future__ import annotations

import errno
import os
import tempfile

import pytest

from gkdesk.db.store import open_store
from gkdesk.domain.errors import StorageError
from gkdesk.paths import DATA_DIR_ENV, DataLayout, resolve_data_dir


def test_data_dir_below_a_file_is_refused(tmp_path):
    blocker = tmp_path / "not-a-folder.txt"
    blocker.write_text("x")
    layout = DataLayout(blocker / "gkdesk")
    with pytest.raises(StorageError) as info:
        open_store(layout)
    assert str(layout.root) in info.value.message
    assert "--data-dir" in info.value.message
    assert blocker.read_text() == "x"


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "data"
    target.write_text("x")
    with pytest.raises(StorageError, match="不是文件夹"):
        open_store(DataLayout(target))


def test_unwritable_data_dir_is_refused_and_left_empty(tmp_path, monkeypatch):
    root = tmp_path / "readonly"
    root.mkdir()
    if os.geteuid() != 0:
        root.chmod(0o500)
    else:
        # root ignores permission bits; the file system's refusal is simulated at its edge.
        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        with pytest.raises(StorageError) as info:
            open_store(DataLayout(root))
        assert str(root) in info.value.message and "无法写入" in info.value.message
        assert list(root.iterdir()) == []
    finally:
        root.chmod(0o700)


def test_data_dir_resolution_order(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert resolve_data_dir(None) == tmp_path / "from-env"
    monkeypatch.delenv(DATA_DIR_ENV)
    assert resolve_data_dir(None).name == "gkdesk"
