"""The log file in the data directory, rotated at start-up."""

from __future__ import annotations

import logging

from gkdesk import logging_setup


def test_log_goes_to_the_data_dir_and_rotates(tmp_path, monkeypatch):
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 100)
    log_dir = tmp_path / "logs"
    path = logging_setup.configure_logging(log_dir)
    logging.getLogger("gkdesk.test").info("第一条记录" * 20)
    assert "第一条记录" in path.read_text("utf-8")
    logging_setup.configure_logging(log_dir)
    logging.getLogger("gkdesk.test").info("第二条记录")
    assert path.read_text("utf-8").count("第二条记录") == 1
    assert "第一条记录" in (log_dir / "gkdesk.log.1").read_text("utf-8")
    logging_setup.configure_logging(None)
