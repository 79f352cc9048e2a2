"""Designer forms: the committed Python is what pyside6-uic makes of them, and they stay clean."""

from __future__ import annotations

import importlib.util
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*.ui"))
# Tab and stacked widgets hold pages, not a layout; the pages themselves are checked.
CONTAINERS = {"QWidget", "QDialog", "QGroupBox", "QFrame"}


def load_build_forms():
    spec = importlib.util.spec_from_file_location("build_forms", ROOT / "tools" / "build_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_forms"] = module
    spec.loader.exec_module(module)
    return module


def without_header(text: str) -> list[str]:
    # The header names the uic version; everything after it must match exactly.
    return [line for line in text.splitlines() if not line.startswith("##")]


def test_there_are_forms():
    assert {f.stem for f in FORMS} >= {"main_window", "setup_dialog", "home_page"}


@pytest.mark.parametrize("ui_file", FORMS, ids=lambda p: p.name)
def test_generated_form_is_up_to_date(ui_file):
    build = load_build_forms()
    target = build.target_for(ui_file)
    assert target.exists(), f"run: python tools/build_forms.py ({target.name} missing)"
    assert without_header(target.read_text("utf-8")) == without_header(
        build.compile_form(ui_file)
    ), f"{target.name} is stale: run python tools/build_forms.py"


@pytest.mark.parametrize("ui_file", FORMS, ids=lambda p: p.name)
def test_form_hygiene(ui_file):
    tree = ET.parse(ui_file)
    root_widget = tree.getroot().find("widget")
    for prop in tree.getroot().iter("property"):
        assert prop.get("name") != "font", f"{ui_file.name}: font property (set fonts in code)"
        assert prop.get("name") != "geometry", f"{ui_file.name}: fixed geometry (use layouts)"
    for widget in root_widget.iter("widget"):
        children = [c for c in widget if c.tag == "widget"]
        if widget.get("class") in CONTAINERS and widget is not root_widget:
            assert widget.find("layout") is not None or not children, (
                f"{ui_file.name}: {widget.get('name')} has children but no layout"
            )
    if root_widget.get("class") in CONTAINERS:
        assert root_widget.find("layout") is not None, f"{ui_file.name}: top widget has no layout"
    for widget in root_widget.iter("widget"):
        name = widget.get("name")
        if widget is not root_widget:
            assert name == name.lower(), f"{ui_file.name}: object name {name} is not snake_case"
