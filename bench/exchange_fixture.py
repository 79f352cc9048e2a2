"""The two-office fixtures of the package_* workloads (built untimed, in data directories).

`build_offices`: the county and one township, as two data directories, keys exchanged the
way clerks exchange them (key files carried on the stick, each side registering the other's):

- county 青原县 (220188000000): `load_demo("county", content=True)`, the township's key
  registered (`trust_key_file`);
- township 青山镇 (220188100000): `load_demo("township", content=True)`, the county's key
  registered, and the 2025 耕地地力保护补贴 rosters of its four villages, 25,000 households
  each (100,000 entries), imported through `services.rosters.import_roster` from workbooks
  written here with openpyxl in write-only mode. Every household has a distinct valid
  18-digit ID number, a distinct 一卡通 account, a bank, a mobile number, an area with two
  decimals and amount = area x 105.5 rounded half up to fen: what the township holds after
  a clerk imports the year's rosters. Nothing of it has been sent yet, so its next upward
  package carries all of it.

`build_batch`: the county again (its own copy) and 200 upward packages from eight townships,
25 successive packages each, written by the townships' own installations (`export_upward`)
into one folder, as a county clerk finds them after copying every township's stick. Each
package carries what a township does between two trips to the county: one 低保 roster of 30
households for one village (imported from a workbook), a roster posting and a text posting,
and an edit of the previous package's text posting; the first one of each township also
carries its units and programmes.

Peewee's database is one global proxy: only one office is open at a time in this process,
each closed before the next opens (`office`).

Imports gkdesk: only the driver (bench/exchange_driver.py) uses this, never `python -m bench`.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from bench import roster_fixture as rf

COUNTY = "220188000000"
COUNTY_NAME = "青原县"
TOWNSHIP = "220188100000"  # 青山镇, home of load_demo("township")
PERIOD = "2025"
PROGRAM = "gengdi"
# The four villages of 青山镇 in the demo county, 25,000 households each.
VILLAGES = (
    ("220188100201", "青山村"),
    ("220188100202", "东岗村"),
    ("220188100203", "柳树屯村"),
    ("220188100204", "王家店村"),
)
ROWS = 100_000
BANKS = ("吉林农村商业银行", "中国邮政储蓄银行", "中国农业银行", "吉林银行")
GENGDI_HEADERS = [
    "序号",
    "户主姓名",
    "身份证号码",
    "村民小组",
    "承包面积（亩）",
    "补贴标准（元/亩）",
    "补贴金额（元）",
    "一卡通账号",
    "开户银行",
    "联系电话",
    "备注",
]

# package_batch: eight townships of 青原县 (three of the demo county, five new to the county),
# 25 packages each, every package a 30-household 低保 roster and a few postings.
BATCH_TOWNSHIPS = (
    ("220188100000", "青山镇"),
    ("220188101000", "双龙镇"),
    ("220188200000", "柳河乡"),
    ("220188102000", "红旗镇"),
    ("220188103000", "永安镇"),
    ("220188104000", "兴隆镇"),
    ("220188201000", "石头乡"),
    ("220188202000", "榆树乡"),
)
DEMO_VILLAGES = {  # the demo county's villages, so both sides name them alike
    "220188100000": ("青山村", "东岗村", "柳树屯村", "王家店村"),
    "220188101000": ("双龙村", "前进村", "太平村", "新立村"),
    "220188200000": ("柳河村", "杨树沟村", "三道岗村", "李家堡村"),
}
NEW_VILLAGE_NAMES = ("前屯村", "后屯村", "东风村", "西山村")
PACKAGES_PER_TOWNSHIP = 25
BATCH_ROSTER_ROWS = 30
BATCH_PROGRAM = "dibao"
DIBAO_HEADERS = [
    "序号",
    "户主姓名",
    "身份证号码",
    "村民小组",
    "家庭人口",
    "补贴金额（元）",
    "一卡通账号",
    "开户银行",
    "联系电话",
    "备注",
]
BATCH_ID_OFFSET = 200_000  # ID numbers apart from the 100,000-entry fixture's


@contextmanager
def office(root: Path) -> Iterator:
    """One office's Services, its store closed on leaving (one office open at a time)."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    store = open_store(DataLayout(root))
    try:
        yield Services.build(store)
    finally:
        store.close()


def open_services(root: Path):
    """Open the data directory `root` through the program's own door; returns Services."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    return Services.build(open_store(DataLayout(root)))


def checkpoint(services) -> None:
    services.store.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_office(source: Path, target: Path) -> Path:
    """A fresh copy of a (checkpointed) data directory: database, attachments, outbox."""
    shutil.copytree(source, target)
    return target


def plain_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the program's pragmas (WAL, synchronous FULL)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = full")
    conn.execute("PRAGMA cache_size = -32000")
    return conn


def phone(i: int) -> str:
    """A distinct mobile number (1[3-9] + 9 digits) per household."""
    return f"1{3 + i % 7}{(i * 7919 + 4321) % 10**9:09d}"


def _person(rng: random.Random, i: int) -> str:
    return rng.choice(rf.SURNAMES) + rng.choice(rf.GIVEN) + (rng.choice(rf.GIVEN) if i % 3 else "")


def _text_cell(ws, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.number_format = "@"
    return cell


def write_gengdi_workbook(path: Path, village: str, first: int, rows: int, seed: int) -> None:
    """A clerk's 耕地地力保护补贴 workbook for one village, households first..first+rows-1
    (ID numbers, accounts and phones distinct across villages)."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append([f"{village}{PERIOD}年耕地地力保护补贴发放花名册"])
    ws.append([f"填报单位：{village}村民委员会", None, None, "填报日期：2025年5月"])
    ws.append(GENGDI_HEADERS)
    standard = float(rf.STANDARD)
    total_q = Decimal(0)
    total_a = Decimal(0)
    for n in range(rows):
        i = first + n
        area = Decimal(rng.randint(30, 3000)) / 100
        amount = (area * rf.STANDARD).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total_q += area
        total_a += amount
        ws.append(
            [
                n + 1,
                _person(rng, i),
                _text_cell(ws, rf.id_number(i)),
                rf.GROUPS[(n * 12) // rows],
                float(area),
                standard,
                float(amount),
                _text_cell(ws, rf.account(i)),
                rng.choice(BANKS),
                _text_cell(ws, phone(i)),
                rng.choice(rf.REMARKS) or None,
            ]
        )
    ws.append(["合计", None, None, None, float(total_q), None, float(total_a)])
    ws.append(["制表人：张会计", None, None, "审核人：李主任", None, "村委会（盖章）"])
    wb.save(path)


def write_dibao_workbook(path: Path, village: str, month: str, first: int, rows: int, seed: int):
    """A small 最低生活保障金 roster for one village and month."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append([f"{village}{month}最低生活保障金发放花名册"])
    ws.append(DIBAO_HEADERS)
    for n in range(rows):
        i = first + n
        size = rng.randint(1, 5)
        ws.append(
            [
                n + 1,
                _person(rng, i),
                _text_cell(ws, rf.id_number(i)),
                f"{1 + n % 6}组",
                size,
                float(size * rng.choice((310, 335, 362))),
                _text_cell(ws, rf.account(i)),
                rng.choice(BANKS),
                _text_cell(ws, phone(i)),
                None,
            ]
        )
    wb.save(path)


# -- the county and one township with 100,000 roster entries -------------------------------


@dataclass(frozen=True)
class Offices:
    county: Path  # data directory, checkpointed, store closed
    township: Path
    keys: Path  # the two key files
    township_fingerprint: str
    rows: int
    timings: dict[str, float] = field(default_factory=dict)

    def facts(self) -> dict:
        def size(root: Path) -> str:
            return f"{(root / 'gkdesk.db').stat().st_size / 2**20:.1f} MiB"

        return {
            "fixture": f"county {size(self.county)}, township {size(self.township)} "
            f"(rosters of {len(VILLAGES)} villages, {self.rows:,} entries)",
            "fixture_build": {f"{k}_s": v for k, v in self.timings.items()},
        }


def build_offices(folder: Path, rows: int = ROWS) -> Offices:
    """The county and the township (with `rows` roster entries, unsent) in `folder`."""
    timings: dict[str, float] = {}
    county, township, keys = folder / "county", folder / "township", folder / "keys"
    books = folder / "workbooks"
    keys.mkdir(parents=True)
    books.mkdir()
    start = time.perf_counter()
    with office(county) as c:
        c.setup.load_demo("county", content=True)
        c.exchange.export_key_file(keys / "county.gkkey")
    with office(township) as t:
        t.setup.load_demo("township", content=True)
        t.exchange.trust_key_file(keys / "county.gkkey")
        t.exchange.export_key_file(keys / "township.gkkey")
        fingerprint = t.exchange.public_keys().fingerprint
    with office(county) as c:
        c.exchange.trust_key_file(keys / "township.gkkey")
        checkpoint(c)
    timings["offices"] = time.perf_counter() - start
    start = time.perf_counter()
    per_village = rows // len(VILLAGES)
    paths = [books / f"{name}{PERIOD}年耕地地力保护补贴.xlsx" for _code, name in VILLAGES]
    # openpyxl is pure Python and slow (about 11 s per 25,000 rows here): one process per CPU.
    with ProcessPoolExecutor(max_workers=min(len(VILLAGES), os.cpu_count() or 1)) as pool:
        jobs = [
            pool.submit(
                write_gengdi_workbook,
                path,
                name,
                n * per_village,
                per_village if n < len(VILLAGES) - 1 else rows - per_village * n,
                20250501 + n,
            )
            for n, ((_code, name), path) in enumerate(zip(VILLAGES, paths, strict=True))
        ]
        for job in jobs:
            job.result()
    timings["workbooks_write"] = time.perf_counter() - start
    start = time.perf_counter()
    imported = 0
    with office(township) as t:
        program = t.rosters.program(PROGRAM).id
        for (code, _name), path in zip(VILLAGES, paths, strict=True):
            imported += t.rosters.import_roster(path, program, code, PERIOD).entry_count
        checkpoint(t)
    timings["rosters_import"] = time.perf_counter() - start
    if imported != rows:
        raise AssertionError(f"imported {imported} roster entries, not {rows}")
    shutil.rmtree(books)
    return Offices(county, township, keys, fingerprint, rows, timings)


def export_once(township: Path, stick: Path):
    """One upward package of the township (marks its rows sent); returns the ExportResult."""
    stick.mkdir(parents=True, exist_ok=True)
    with office(township) as t:
        result = t.exchange.export_upward(stick)
        checkpoint(t)
    return result


# -- 200 packages from eight townships -------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    county: Path  # every township's key registered, no package imported
    folder: Path  # the 200 .gkpkg files
    packages: int
    townships: int
    counts: dict[str, int]  # records over all packages, per table
    bytes: int
    build_s: float

    def facts(self) -> dict:
        return {
            "packages": f"{self.packages} from {self.townships} townships "
            f"({self.packages // self.townships} each), {self.bytes / 2**20:.1f} MiB in all",
            "records_in_packages": dict(self.counts),
            "fixture_build_s": self.build_s,
        }


def _township_office(root: Path, code: str, name: str, keys: Path) -> list[str]:
    """A township installation: home unit under the county, four villages, keys exchanged.
    Returns its village codes."""
    from gkdesk.services.setup import SetupRequest

    names = DEMO_VILLAGES.get(code, NEW_VILLAGE_NAMES)
    villages = [f"{code[:9]}{201 + n}" for n in range(len(names))]
    with office(root) as t:
        t.setup.initialise(
            SetupRequest(
                level="township",
                code=code,
                name=name,
                parent_code=COUNTY,
                parent_name=COUNTY_NAME,
            )
        )
        for village, village_name in zip(villages, names, strict=True):
            t.units.add(code, village, village_name)
        t.exchange.trust_key_file(keys / "county.gkkey")
        t.exchange.export_key_file(keys / f"{code}.gkkey")
    return villages


def _one_package(t, k, villages, books, first_id, seed, stick, previous):
    """What a township does between two trips: a roster, two postings, an edit of the text
    posting `previous` (id, or None); exported. Returns the ExportResult and the new text
    posting's id."""
    from dataclasses import replace

    from gkdesk.services.postings import PostingDraft

    village = villages[k % len(villages)]
    month = f"{PERIOD}-{k // len(villages) + 1:02d}"
    village_name = t.units.get(village).name
    book = books / f"{village}_{month}.xlsx"
    write_dibao_workbook(book, village_name, month, first_id, BATCH_ROSTER_ROWS, seed)
    roster = t.rosters.import_roster(book, t.rosters.program(BATCH_PROGRAM).id, village, month)
    postings = t.postings
    day = date(2025, 1, 6) + timedelta(days=7 * k)
    draft = postings.draft_for_roster(roster.id)
    postings.create(replace(draft, notice_start=day, notice_days=7))
    text = postings.create(
        PostingDraft(
            unit_code=village,
            title=f"{village_name}{month}村务公开",
            body=f"{village_name}{month}村级财务收支情况、低保评议结果及惠农补贴发放情况，"
            "现予公开。如有异议，请向村务监督委员会反映。",
            notice_start=day,
            notice_days=7,
        )
    )
    if previous is not None:
        old = postings.get(previous)
        postings.update(previous, replace(old.draft(), title=f"{old.title}（更正）"))
    return t.exchange.export_upward(stick), text.id


def build_batch(folder: Path, per_township: int = PACKAGES_PER_TOWNSHIP) -> Batch:
    """The county (every township's key registered) and 8 x `per_township` packages."""
    start = time.perf_counter()
    county, keys, stick = folder / "county", folder / "keys", folder / "stick"
    books = folder / "workbooks"
    for path in (keys, stick, books):
        path.mkdir(parents=True)
    with office(county) as c:
        c.setup.load_demo("county", content=True)
        c.exchange.export_key_file(keys / "county.gkkey")
    counts: dict[str, int] = {}
    packages = 0
    next_id = BATCH_ID_OFFSET
    for n, (code, name) in enumerate(BATCH_TOWNSHIPS):
        root = folder / f"township-{code}"
        villages = _township_office(root, code, name, keys)
        with office(root) as t:
            previous = None
            for k in range(per_township):
                result, previous = _one_package(
                    t, k, villages, books, next_id, n * 1000 + k, stick, previous
                )
                next_id += BATCH_ROSTER_ROWS
                packages += 1
                for table, count in result.counts.items():
                    counts[table] = counts.get(table, 0) + count
        shutil.rmtree(root)  # only its packages matter from here
    with office(county) as c:
        for code, _name in BATCH_TOWNSHIPS:
            c.exchange.trust_key_file(keys / f"{code}.gkkey")
        checkpoint(c)
    shutil.rmtree(books)
    files = sorted(stick.glob("*.gkpkg"))
    if len(files) != packages:
        raise AssertionError(f"{len(files)} package files for {packages} exports")
    size = sum(p.stat().st_size for p in files)
    return Batch(
        county,
        stick,
        packages,
        len(BATCH_TOWNSHIPS),
        counts,
        size,
        time.perf_counter() - start,
    )
