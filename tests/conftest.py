"""Shared fixtures: offscreen Qt, a real database file per test, a fake prompts object."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from gkdesk.paths import DataLayout  # noqa: E402


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def layout(data_dir: Path) -> DataLayout:
    return DataLayout(data_dir)


@pytest.fixture
def store(layout: DataLayout):
    from gkdesk.db.store import open_store

    opened = open_store(layout)
    yield opened
    opened.close()


@pytest.fixture
def services(store):
    from gkdesk.services.container import Services

    return Services.build(store)


@pytest.fixture
def demo_services(services):
    services.setup.load_demo("township", content=False)
    return services


class FakePrompts:
    """Records what the program asked and answers from a script instead of a real dialog."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.confirm_answers: list[bool] = []
        self.paths: list[Path | None] = []
        self.texts_to_enter: list[str | None] = []

    def _record(self, kind: str, title: str, text: str) -> None:
        self.calls.append((kind, title, text))

    def info(self, parent, title, text):
        self._record("info", title, text)

    def warning(self, parent, title, text):
        self._record("warning", title, text)

    def error(self, parent, title, text, details=""):
        self._record("error", title, text)

    def confirm(self, parent, title, text, *, default_yes=False):
        self._record("confirm", title, text)
        return self.confirm_answers.pop(0) if self.confirm_answers else default_yes

    def ask_text(self, parent, title, label, text=""):
        self._record("ask_text", title, label)
        return self.texts_to_enter.pop(0) if self.texts_to_enter else None

    def open_file(self, parent, title, filters, start=None):
        self._record("open_file", title, filters)
        return self.paths.pop(0) if self.paths else None

    def save_file(self, parent, title, filters, start=None):
        self._record("save_file", title, filters)
        return self.paths.pop(0) if self.paths else None

    def choose_dir(self, parent, title, start=None):
        self._record("choose_dir", title, "")
        return self.paths.pop(0) if self.paths else None

    def texts(self, kind: str) -> list[str]:
        return [text for k, _title, text in self.calls if k == kind]


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()
