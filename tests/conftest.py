"""Shared fixtures: offscreen Qt, a real database file per test, a fake prompts object."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from gkdesk.paths import DataLayout  # noqa: E402

# The account every test acts as: `gkdesk init`/`demo` create it from these variables, and
# `FirstAdmin` fixtures below give it to data made through the services.
TEST_USER = "admin"
TEST_PASSWORD = "gk-test-pw-2026"
os.environ["GKDESK_USER"] = TEST_USER
os.environ["GKDESK_PASSWORD"] = TEST_PASSWORD
os.environ.pop("GKDESK_NEW_PASSWORD", None)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """scrypt at a lower cost: each hash names its own cost, so checking works the same way."""
    monkeypatch.setattr("gkdesk.domain.passwords.LOG2_N", 10)


def first_admin():
    from gkdesk.services.setup import FirstAdmin

    return FirstAdmin(TEST_USER, TEST_PASSWORD)


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
        self.items_to_choose: list[int | None] = []
        self.file_lists: list[list[Path]] = []
        self.offered_items: list[str] = []

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

    def choose_item(self, parent, title, label, items):
        self._record("choose_item", title, label)
        self.offered_items = list(items)
        return self.items_to_choose.pop(0) if self.items_to_choose else None

    def open_files(self, parent, title, filters, start=None):
        self._record("open_files", title, filters)
        return self.file_lists.pop(0) if self.file_lists else []

    def choose_printer(self, parent, printer):
        self._record("choose_printer", "打印", "")
        return self.confirm_answers.pop(0) if self.confirm_answers else True

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


def _make_id(body17: str) -> str:
    from gkdesk.domain.idnumber import check_digit

    return body17 + check_digit(body17)


def roster_people(n: int, start: int = 0) -> list[tuple[str, str]]:
    """n distinct (name, valid ID number) pairs."""
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
    people = []
    for i in range(start, start + n):
        name = surnames[i % len(surnames)] + given[(i // 20) % len(given)] + given[i % len(given)]
        body = f"220102{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        people.append((name, _make_id(body)))
    return people


@pytest.fixture
def gengdi_workbook(tmp_path):
    """A clerk's 耕地地力保护补贴 workbook: title rows, varied headers, blank row, 合计, signatures."""
    from decimal import ROUND_HALF_UP, Decimal

    import openpyxl

    def make(
        rows: int = 5,
        *,
        name: str = "青山村耕地地力保护补贴.xlsx",
        edit=None,
        standard: str = "105.5",
    ):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "花名册"
        ws.append(["青山村2025年耕地地力保护补贴发放花名册"])
        ws.append(["填报单位：青山村村民委员会", None, None, "填报日期：2025年5月"])
        ws.append(
            [
                "序号",
                "户主姓名",
                "身份证号码",
                "村民小组",
                "承包面积（亩）",
                "补贴标准（元/亩）",
                "补贴金额（元）",
                "一卡通账号",
                "备注",
            ]
        )
        total_q = Decimal(0)
        total_a = Decimal(0)
        for i, (person, id_number) in enumerate(roster_people(rows)):
            q = Decimal(100 + i * 37 % 900) / 100
            amount = (q * Decimal(standard)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            total_q += q
            total_a += amount
            ws.append(
                [
                    i + 1,
                    person,
                    id_number,
                    f"{1 + i % 3}组",
                    float(q),
                    float(Decimal(standard)),
                    float(amount),
                    f"62284800{i:011d}",
                    None,
                ]
            )
            if i == 1:
                ws.append([])  # a blank row in the middle
        ws.append(["合计", None, None, None, float(total_q), None, float(total_a)])
        ws.append(["制表人：张会计", None, None, "审核人：李主任"])
        for cell in ws["C"]:
            cell.number_format = "@"
        if edit:
            edit(ws)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


# -- two offices (a county and its township 青山镇), each its own data directory -------------
# peewee's database proxy is global: only one office is open at a time, as on two real PCs.


@contextmanager
def office(root: Path):
    from gkdesk.db.store import open_store
    from gkdesk.services.container import Services

    store = open_store(DataLayout(root))
    try:
        yield Services.build(store)
    finally:
        store.close()


def snapshot(root: Path) -> str:
    """Every row of every table: equal snapshots mean an import changed nothing.

    The audit trail is left out: a refused or repeated import is itself recorded there.
    """
    import hashlib
    import sqlite3

    with sqlite3.connect(root / "gkdesk.db") as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'posting_fts%'"
                " AND name != 'audit_event'"
            )
        ]
        digest = hashlib.sha256()
        for table in sorted(tables):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                if table == "app_setting" and row[0] == "audit_head":
                    continue
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def offices(tmp_path, gengdi_workbook):
    """County and township with keys exchanged; the township has a roster notice with a photo."""
    from dataclasses import replace
    from datetime import date

    from PIL import Image

    county, township = tmp_path / "county", tmp_path / "township"
    stick = tmp_path / "stick"
    stick.mkdir()
    with office(county) as c:
        c.setup.load_demo("county", content=True)
        c.exchange.export_key_file(stick / "county.gkkey")
    with office(township) as t:
        t.setup.load_demo("township", content=True)
        t.exchange.trust_key_file(stick / "county.gkkey")
        t.exchange.export_key_file(stick / "township.gkkey")
        roster = t.rosters.import_roster(
            gengdi_workbook(30), t.rosters.program("gengdi").id, "220188100201", "2025"
        )
        draft = t.postings.draft_for_roster(roster.id)
        posting = t.postings.create(replace(draft, notice_start=date(2025, 4, 25), notice_days=7))
        photo = tmp_path / "board.jpg"
        Image.new("RGB", (64, 48), (200, 20, 20)).save(photo)
        t.postings.attach(posting.id, photo)
    return county, township, stick
