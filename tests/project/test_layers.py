"""Architecture rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gkdesk"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*parts: str):
    return sorted((PACKAGE.joinpath(*parts)).rglob("*.py"))


def test_pyside6_only_in_ui_and_app():
    offenders = []
    for path in python_files():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("ui/") or rel == "app.py":
            continue
        if any(m == "PySide6" or m.startswith("PySide6.") for m in imported_modules(path)):
            offenders.append(rel)
    assert offenders == []


def test_domain_is_pure():
    forbidden = (
        "gkdesk.db",
        "gkdesk.services",
        "gkdesk.ui",
        "gkdesk.sync",
        "gkdesk.reports",
        "peewee",
        "sqlite3",
    )
    for path in python_files("domain"):
        bad = [m for m in imported_modules(path) if m.startswith(forbidden)]
        assert bad == [], path.name


def test_lower_layers_do_not_import_upper_ones():
    rules = {
        "db": ("gkdesk.services", "gkdesk.ui", "gkdesk.cli", "gkdesk.app"),
        "services": ("gkdesk.ui", "gkdesk.cli", "gkdesk.app"),
        "sync": ("gkdesk.db", "gkdesk.services", "gkdesk.ui"),
        "reports": ("gkdesk.db", "gkdesk.services", "gkdesk.ui"),
    }
    for package, forbidden in rules.items():
        for path in python_files(package):
            bad = [m for m in imported_modules(path) if m.startswith(forbidden)]
            assert bad == [], f"{package}/{path.name}: {bad}"


def test_only_prompts_opens_message_boxes_and_file_dialogs():
    for path in python_files("ui"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ("ui/prompts.py",) or rel.startswith("ui/forms/"):
            continue
        text = path.read_text("utf-8")
        assert (
            "QMessageBox" not in text and "QFileDialog" not in text and "QInputDialog" not in text
        ), rel


def test_every_model_names_its_table():
    from gkdesk.db.models import ALL_MODELS

    source = (PACKAGE / "db" / "models.py").read_text("utf-8")
    for model in ALL_MODELS:
        assert model.__name__.endswith("Row")
        assert f'table_name = "{model._meta.table_name}"' in source
