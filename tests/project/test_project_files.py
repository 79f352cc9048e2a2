"""Project files a newcomer and CI rely on say what they must."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN_COMMAND = "python -m pip install -e . && python main.py"
TEST_COMMAND = 'python -m pip install -e ".[test]" && python -m pytest'


def test_readme_keeps_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    commands = [line.strip() for block in blocks for line in block.splitlines()]
    assert RUN_COMMAND in commands
    assert TEST_COMMAND in commands


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert TEST_COMMAND in ci
    assert "fonts-wqy-microhei" in ci
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci


def test_pyproject_declares_the_dependencies_and_scripts():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {re.split(r"[<>=!~ ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert names >= {
        "pyside6",
        "peewee",
        "reportlab",
        "openpyxl",
        "python-calamine",
        "platformdirs",
        "chinesecalendar",
        "cryptography",
    }
    test_names = {
        re.split(r"[<>=!~ ]", dep, maxsplit=1)[0].lower()
        for dep in project["optional-dependencies"]["test"]
    }
    assert test_names >= {"pytest", "pytest-qt", "ruff"}
    assert project["scripts"]["gkdesk"] == "gkdesk.cli:main"


def test_installer_script_takes_the_version_and_keeps_a_fixed_app_id():
    iss = (ROOT / "installer.iss").read_text("utf-8")
    assert "#define AppVersion" in iss and "AppVersion={#AppVersion}" in iss
    assert re.search(r"AppId=\{\{[0-9A-F-]{36}\}", iss)
    assert "PrivilegesRequired=lowest" in iss and "ChineseSimplified" in iss


def test_top_level_layout():
    for name in (
        "gkdesk",
        "resources",
        "forms",
        "tests",
        "bench",
        "main.py",
        "pyproject.toml",
        "installer.iss",
    ):
        assert (ROOT / name).exists(), name
    for package in (
        "app.py",
        "cli.py",
        "__main__.py",
        "ui",
        "services",
        "sync",
        "reports",
        "db",
        "domain",
    ):
        assert (ROOT / "gkdesk" / package).exists(), package
