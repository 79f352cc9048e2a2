"""The subsidy roster fixture of the roster_* workloads (built untimed, in a data dir).

A demo township (home = 青山镇, units only) and a clerk's 耕地地力保护补贴 workbook of
100,000 households for 青山村 (220188100201), shaped like the `gengdi_workbook` test fixture:
a title row, a 填报单位 row, the header row, the data rows, a 合计 row and a 制表人 line.
Every household has a distinct, valid 18-digit ID number (written as text), a distinct
一卡通 account, an area with two decimals and amount = area x 105.5 rounded half up to fen.
The workbook is written with openpyxl in write-only mode, the way other programs write
big exports; the roster itself is imported (for roster_open) through the real service.

Imports gkdesk: only the driver (bench/roster_driver.py) uses this, never `python -m bench`
itself.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROWS = 100_000
HOME_CODE = "220188100000"  # 青山镇, home unit of the demo township
VILLAGE_CODE = "220188100201"  # 青山村 in the demo township
PROGRAM_CODE = "gengdi"
PERIOD = "2025"
STANDARD = Decimal("105.5")
WORKBOOK_NAME = "青山村2025年耕地地力保护补贴发放花名册.xlsx"
HEADERS = [
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
GROUPS = tuple(f"{n}组" for n in range(1, 13))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉华建国福贵海山春花凤琴红梅文成志永"
    "德忠宝林金生荣昌玲淑珍"
)
REMARKS = ("", "", "", "", "", "", "", "", "代领", "新增户", "面积变更")
# Counties of Jilin (22xxxx): the region part of the ID numbers.
REGIONS = tuple(
    f"22{code}"
    for code in (
        "0102",
        "0103",
        "0104",
        "0105",
        "0106",
        "0112",
        "0113",
        "0122",
        "0182",
        "0183",
        "0184",
        "0188",
        "0202",
        "0203",
        "0204",
        "0211",
        "0221",
        "0281",
        "0282",
        "0283",
        "0284",
        "0322",
        "0381",
        "0382",
        "0402",
    )
)
# roster_entry's columns as the import writes them (all but id, version, deleted): 18 values.

FIRST_BIRTH = date(1940, 1, 1)
BIRTH_DAYS = (date(2000, 12, 31) - FIRST_BIRTH).days + 1  # 22,281, coprime with 7,919


@dataclass(frozen=True)
class Fixture:
    root: Path  # the data directory (database checkpointed into one file, store closed)
    workbook: Path
    rows: int
    total_quantity: str
    total_amount: str
    build_s: float  # units + programmes
    write_s: float  # the workbook

    @property
    def database(self) -> Path:
        return self.root / "gkdesk.db"

    def facts(self) -> dict:
        return {
            "rows": self.rows,
            "workbook": f"{self.workbook.stat().st_size / 2**20:.1f} MiB",
            "fixture_build_s": self.build_s,
            "workbook_write_s": self.write_s,
        }


def id_number(i: int) -> str:
    """The i-th of 25 x 22,281 x 1,000 distinct valid ID numbers (region, birth date, seq)."""
    from gkdesk.domain.idnumber import check_digit

    region = REGIONS[i % len(REGIONS)]
    j = i // len(REGIONS)
    born = FIRST_BIRTH + timedelta(days=(j * 7919) % BIRTH_DAYS)  # injective for j < 22,281
    seq = (i * 389 + 17) % 1000
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def account(i: int) -> str:
    return f"62284800{(i * 7919 + 12345) % 10**11:011d}"  # distinct: 7919 is coprime with 10


def write_workbook(path: Path, rows: int = ROWS, seed: int = 20250501) -> tuple[str, str]:
    """The clerk's workbook; returns the totals (area, amount) as written in the 合计 row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    for letter, chars in zip("ABCDEFGHI", (6, 10, 20, 8, 12, 14, 14, 22, 10), strict=True):
        ws.column_dimensions[letter].width = chars
    ws.append(["青山村2025年耕地地力保护补贴发放花名册"])
    ws.append(["填报单位：青山村村民委员会", None, None, "填报日期：2025年5月"])
    ws.append(HEADERS)

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "@"
        return cell

    total_q = Decimal(0)
    total_a = Decimal(0)
    seen: set[str] = set()
    standard = float(STANDARD)
    for i in range(rows):
        person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
        number = id_number(i)
        seen.add(number)
        area = Decimal(rng.randint(30, 3000)) / 100  # 0.30 .. 30.00 亩
        amount = (area * STANDARD).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total_q += area
        total_a += amount
        ws.append(
            [
                i + 1,
                person,
                text(number),
                GROUPS[(i * 12) // rows],  # households sorted by group, as clerks keep them
                float(area),
                standard,
                float(amount),
                text(account(i)),
                rng.choice(REMARKS) or None,
            ]
        )
    if len(seen) != rows:
        raise AssertionError("fixture ID numbers are not distinct")
    ws.append(["合计", None, None, None, float(total_q), None, float(total_a), None, None])
    ws.append(["制表人：张会计", None, None, "审核人：李主任", None, "村委会（盖章）"])
    wb.save(path)
    return str(total_q), str(total_a)


def build(root: Path, workbook_dir: Path, rows: int = ROWS) -> Fixture:
    """The data directory (demo township, units only; built-in programmes created) and the
    workbook, both new. Leaves the store closed and the database in one file."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    start = time.perf_counter()
    store = open_store(DataLayout(root))
    try:
        services = Services.build(store)
        services.setup.load_demo("township", content=False)
        services.rosters.program(PROGRAM_CODE)  # creates the built-in programmes once
        services.rosters.find_unit(VILLAGE_CODE)
        store.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    build_s = time.perf_counter() - start
    workbook_dir.mkdir(parents=True, exist_ok=True)
    path = workbook_dir / WORKBOOK_NAME
    start = time.perf_counter()
    total_q, total_a = write_workbook(path, rows)
    write_s = time.perf_counter() - start
    return Fixture(root, path, rows, total_q, total_a, build_s, write_s)


def open_services(root: Path):
    """Open the data directory `root` through the program's own door; returns Services."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    return Services.build(open_store(DataLayout(root)))


def import_roster(services, workbook: Path, progress=None):
    """The subject of roster_import: the whole 100,000-row workbook into 青山村 2025."""
    rosters = services.rosters
    return rosters.import_roster(
        workbook, rosters.program(PROGRAM_CODE).id, VILLAGE_CODE, PERIOD, progress=progress
    )


def checkpoint(services) -> None:
    services.store.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_database(source: Path, target: Path) -> Path:
    """A fresh copy of a (checkpointed, so one-file) data directory's database in `target`."""
    target.mkdir(parents=True)
    shutil.copy2(source / "gkdesk.db", target / "gkdesk.db")
    return target


def plain_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the program's pragmas (WAL, synchronous FULL)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = full")
    conn.execute("PRAGMA cache_size = -32000")
    return conn
