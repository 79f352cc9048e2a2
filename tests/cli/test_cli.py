"""The command line run as a user runs it: a separate process on a temporary data directory."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from gkdesk.db.migrations import MIGRATIONS

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run(*args, data_dir=None, env=None):
    cmd = [sys.executable, "-m", "gkdesk"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    cmd += list(args)
    return subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=env or ENV, timeout=120
    )


def run_json(*args, data_dir):
    proc = run("--json", *args, data_dir=data_dir)
    return proc, json.loads(proc.stdout)


def test_demo_then_info(data_dir):
    proc, doc = run_json("demo", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    assert doc["ok"] is True
    assert doc["result"]["home_unit"]["name"] == "青山镇"
    assert doc["result"]["townships"] == 3
    assert "演示" in proc.stderr  # progress goes to stderr, never into the JSON

    proc, doc = run_json("info", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    info = doc["result"]
    assert info["home_unit"]["code"] == "220188100000"
    assert info["data_file"] == str(data_dir / "gkdesk.db")
    assert info["schema_version"] == MIGRATIONS[-1].VERSION
    assert info["counts"]["villages"] == 4 and info["counts"]["communities"] == 1


def test_info_in_text_is_chinese(data_dir):
    run("demo", "--level", "county", data_dir=data_dir)
    proc = run("info", data_dir=data_dir)
    assert proc.returncode == 0
    assert "本单位：青原县（县级，区划代码 220188000000）" in proc.stdout
    assert "乡镇：3" in proc.stdout


def test_init_township(data_dir):
    proc, doc = run_json(
        "init",
        "--level",
        "township",
        "--code",
        "220188100000",
        "--name",
        "青山镇",
        "--parent-code",
        "220188000000",
        data_dir=data_dir,
    )
    assert proc.returncode == 0, proc.stderr
    assert doc["result"]["home_unit"]["parent_code"] == "220188000000"
    proc = run("info", data_dir=data_dir)
    assert "青山镇" in proc.stdout


def test_wrong_code_is_rejected_without_touching_disk(data_dir):
    proc, doc = run_json(
        "init",
        "--level",
        "township",
        "--code",
        "2201881000",
        "--name",
        "青山镇",
        "--parent-code",
        "220188000000",
        data_dir=data_dir,
    )
    assert proc.returncode == 3
    assert doc["ok"] is False and doc["error"]["exit_code"] == 3
    assert "区划代码" in doc["error"]["message"] and "12位" in doc["error"]["message"]
    assert "错误：" in proc.stderr
    assert not data_dir.exists()


def test_second_init_is_rejected(data_dir):
    run("demo", data_dir=data_dir)
    proc = run(
        "init", "--level", "county", "--code", "220188000000", "--name", "青原县", data_dir=data_dir
    )
    assert proc.returncode == 3
    assert "已经设置过本单位" in proc.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["init", "--level", "village", "--code", "1", "--name", "x"], "无效"),
        (["init", "--code", "220188000000"], "缺少必填参数"),
        (["frobnicate"], "没有“frobnicate”这个命令"),
        ([], "请指定一个命令"),
        (["info", "--bogus"], "无法识别的参数"),
    ],
)
def test_usage_errors_exit_2_in_chinese(data_dir, args, fragment):
    proc = run(*args, data_dir=data_dir)
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert not data_dir.exists()


def test_usage_error_with_json_prints_one_document(data_dir):
    proc = run("--json", "init", data_dir=data_dir)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["error"]["exit_code"] == 2


def test_help_is_chinese():
    proc = run("--help")
    assert proc.returncode == 0
    assert "用法：" in proc.stdout and "选项" in proc.stdout and "demo" in proc.stdout


def test_newer_database_exits_4(data_dir):
    run("demo", data_dir=data_dir)
    with contextlib.closing(sqlite3.connect(data_dir / "gkdesk.db")) as conn:
        conn.execute("PRAGMA user_version = 7")
    before = (data_dir / "gkdesk.db").read_bytes()
    proc, doc = run_json("info", data_dir=data_dir)
    assert proc.returncode == 4
    assert (
        "更新版本" in doc["error"]["message"]
        and str(data_dir / "gkdesk.db") in doc["error"]["message"]
    )
    assert (data_dir / "gkdesk.db").read_bytes() == before


def test_corrupt_database_exits_4(data_dir):
    data_dir.mkdir()
    (data_dir / "gkdesk.db").write_bytes(b"\x00garbage" * 512)
    proc = run("info", data_dir=data_dir)
    assert proc.returncode == 4
    assert "已损坏" in proc.stderr and str(data_dir / "gkdesk.db") in proc.stderr
    assert (data_dir / "gkdesk.db").read_bytes() == b"\x00garbage" * 512


def test_unwritable_data_dir_exits_4(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = run("info", data_dir=blocker / "data")
    assert proc.returncode == 4
    assert str(blocker / "data") in proc.stderr


def test_environment_variable_selects_data_dir(data_dir):
    env = {**ENV, "GKDESK_DATA_DIR": str(data_dir)}
    proc = run("--json", "demo", env=env)
    assert proc.returncode == 0
    assert (data_dir / "gkdesk.db").exists()


@pytest.mark.skipif(shutil.which("gkdesk") is None, reason="console script not installed")
def test_console_script(data_dir):
    proc = subprocess.run(
        ["gkdesk", "--data-dir", str(data_dir), "--json", "info"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["result"]["home_unit"] is None
