"""The bulletin-board sheet of the pdf_* workloads: pure data, no database.

A 青山村 2025 耕地地力保护补贴 公示 roster, as `PrintService.roster_sheet` composes it for the
公告栏 (board) channel: columns 序号, 姓名, 身份证号 (masked: first 6 and last 4 characters,
``220102********1234``), 村民小组, 数量（亩）, 补贴标准, 补贴金额, 备注, with the column shapes of
`gkdesk.services.printing._column`; a 合计 row, the template's title, lead and masked-note
sentences, a 公示期, objection office, phone, two signatories, 经办人 and 审核人.

Row data are deterministic (seeded) and built with the standard library only: the `pdf_small`
child builds them before its clock starts, and must not have imported gkdesk or reportlab by
then. `sheet(...)` imports gkdesk (the Sheet dataclass) when called.

Also the raw reportlab canvas floor (`draw_raw`): the same cells with `canvas.drawString` at
fixed positions, a new page every `RAW_ROWS_PER_PAGE` rows.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from bench.roster_fixture import GIVEN, GROUPS, REGIONS, SURNAMES

HEADERS = ("序号", "姓名", "身份证号", "村民小组", "数量（亩）", "补贴标准", "补贴金额", "备注")
STANDARD = Decimal("105.5")
SEED = 20250501
TITLE = "关于青山村2025年度耕地地力保护补贴发放情况的公示"
# Mostly empty, as in a real roster; now and then a remark long enough to wrap in its column.
REMARKS = (
    *([""] * 40),
    "代领",
    "新增户",
    "面积变更",
    "户主去世，由配偶代领",
    "承包地已流转，补贴仍发给承包户（流转合同见村委会存档）",
)
SIGNATORIES = ["中共青山村支部委员会", "青山村村民委员会"]
NOTICE_FROM = date(2025, 5, 6)
NOTICE_TO = date(2025, 5, 13)
MASKED_NOTE = "为保护个人信息，身份证号等个人信息已按规定隐去。"

# The raw canvas floor: A4 portrait, the renderer's default margins (20/18 mm), 10.5 pt cells.
RAW_ROWS_PER_PAGE = 45
RAW_FONT_SIZE = 10.5
RAW_PITCH = 16.0  # pt between baselines: 45 rows x 16 pt = 720 pt of the 785 pt text height
_MM = 72 / 25.4
# Column left edges in mm from the left margin (A4 text width 174 mm).
RAW_COLUMNS_MM = (0, 12, 32, 72, 92, 112, 130, 150)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_digit(body: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2); local so no gkdesk import is needed."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def masked_id(rng: random.Random, i: int) -> str:
    """A board-masked ID number: region, 8 stars, sequence and a valid check character."""
    region = REGIONS[i % len(REGIONS)]
    born = f"{rng.randint(1940, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seq = f"{rng.randint(0, 999):03d}"
    return f"{region}********{seq}{_check_digit(region + born + seq)}"


def rows(n: int, seed: int = SEED) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """`n` table rows (8 strings each, as masked_row produces them) and the 合计 row."""
    rng = random.Random(seed)
    out: list[tuple[str, ...]] = []
    total_q = Decimal(0)
    total_a = Decimal(0)
    standard = f"{STANDARD}"
    for i in range(n):
        person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
        area = Decimal(rng.randint(30, 3000)) / 100  # 0.30 .. 30.00 亩
        amount = (area * STANDARD).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total_q += area
        total_a += amount
        out.append(
            (
                str(i + 1),
                person,
                masked_id(rng, i),
                GROUPS[(i * len(GROUPS)) // n],  # sorted by group, as clerks keep them
                f"{area:.2f}",
                standard,
                f"{amount:,.2f}",
                rng.choice(REMARKS),
            )
        )
    totals = ("合计", "", "", "", f"{total_q:.2f}", "", f"{total_a:,.2f}", "")
    return out, totals


def sheet(data: list[tuple[str, ...]], totals: tuple[str, ...]):
    """The gkdesk Sheet of `data` (imports gkdesk.reports.pdf.sheet)."""
    from gkdesk.reports.pdf.sheet import Column, Sheet

    households = len(data)
    columns = [
        Column("序号", align="center", min_chars=2, max_chars=6, kind="number"),
        Column("姓名", align="left", min_chars=2, max_chars=12),
        Column("身份证号", align="center", min_chars=10, max_chars=19, kind="id"),
        Column("村民小组", align="left", min_chars=2, max_chars=12),
        Column("数量（亩）", align="right", min_chars=3, max_chars=10, kind="number"),
        Column("补贴标准", align="right", min_chars=4, max_chars=12, kind="number"),
        Column("补贴金额", align="right", min_chars=4, max_chars=12, kind="money"),
        Column("备注", align="left", min_chars=4, max_chars=20),
    ]
    lead = (
        "经村民代表会议评议、村务监督委员会审核，现将青山村2025年度耕地地力保护补贴发放情况"
        f"予以公示：共{households}户，补贴面积{totals[4]}亩，补贴金额{totals[6]}元。"
    )
    return Sheet(
        kind="roster",
        paper="A4",
        title=TITLE,
        lead=lead,
        notice_from=NOTICE_FROM,
        notice_to=NOTICE_TO,
        objection_deadline=NOTICE_TO,
        objection_to="青山镇人民政府",
        phone="0431-84561234",
        office="青山镇纪委",
        columns=columns,
        rows=data,
        totals=totals,
        signatories=list(SIGNATORIES),
        sign_date=NOTICE_FROM,
        handler="张会计",
        reviewer="李主任",
        masked_note=MASKED_NOTE,
    )


def draw_raw(
    data: list[tuple[str, ...]], totals: tuple[str, ...], font_name: str, target: Path
) -> int:
    """The floor: every cell (rows, then 合计) drawn with `canvas.drawString` at a fixed x per
    column, `RAW_ROWS_PER_PAGE` rows a page, in the already registered font `font_name`;
    saved to `target`. Returns the page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    width, height = A4
    xs = [18 * _MM + x * _MM for x in RAW_COLUMNS_MM]
    top = height - 20 * _MM - RAW_FONT_SIZE
    c = Canvas(str(target), pagesize=A4, pageCompression=1)
    c.setFont(font_name, RAW_FONT_SIZE)
    pages = 1
    k = 0
    for row in [*data, totals]:
        if k == RAW_ROWS_PER_PAGE:
            c.showPage()
            c.setFont(font_name, RAW_FONT_SIZE)
            pages += 1
            k = 0
        y = top - k * RAW_PITCH
        for x, s in zip(xs, row, strict=True):
            if s:
                c.drawString(x, y, s)
        k += 1
    c.showPage()
    c.save()
    return pages
