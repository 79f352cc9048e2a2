"""Demo content beyond the units: directories, who they apply to, and a few postings.

Only for the 「载入演示数据」 choice, so every page has something to show.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingRow
from gkdesk.domain.catalog import Cadence, reporting_period
from gkdesk.services.catalogs import CatalogService

# (item title, share of villages that disclosed, share that filed a 零报告)
DEMO_POSTINGS = [
    ("村级财务收支明细", 0.5, 0.25),
    ("村民自治章程和村规民约", 0.75, 0.0),
    ("低保对象名单", 0.5, 0.0),
]


def fill_demo_content(catalogs: CatalogService, origin: str, now: datetime) -> None:
    """Install both templates, assign them, and record some postings (one transaction's worth)."""
    village = catalogs.install_template("village")
    standard = catalogs.install_template("standard_county")
    catalogs.assign(village.id, unit_level="village")
    catalogs.assign(village.id, unit_level="community")
    catalogs.assign(standard.id, unit_level="township")
    by_township: dict[int, list[OrgUnitRow]] = {}
    for unit in (
        OrgUnitRow.select()
        .where(OrgUnitRow.level.in_(("village", "community")))
        .order_by(OrgUnitRow.code)
    ):
        by_township.setdefault(unit.parent_id, []).append(unit)
    today: date = now.date()
    for title, disclosed_share, zero_share in DEMO_POSTINGS:
        item = CatalogItemRow.get_or_none(
            CatalogItemRow.catalog == village.id, CatalogItemRow.title == title
        )
        if item is None:
            continue
        period = reporting_period(Cadence(item.cadence) if item.cadence else None, today)
        for villages in by_township.values():
            _post(villages, item, title, period, disclosed_share, zero_share, origin, now)
    first = next(iter(by_township.values()), [])
    if first:
        _work_in_progress(first, village.id, origin, now)


def _post(villages, item, title, period, disclosed_share, zero_share, origin, now) -> None:
    """Postings for the first share of a township's villages, zero reports for the next."""
    n_disclosed = round(len(villages) * disclosed_share)
    n_zero = max(1, round(len(villages) * zero_share)) if zero_share else 0
    standing = period.label == "长期"
    for index, unit in enumerate(villages[: n_disclosed + n_zero]):
        zero = index >= n_disclosed
        PostingRow.create(
            origin=origin,
            unit=unit,
            item=item,
            kind="zero" if zero else "text",
            period_label=period.label,
            title=f"{unit.name}{'' if period.label == '长期' else period.display}{title}"
            + ("（零报告）" if zero else ""),
            body="本期无需要公开的内容。"
            if zero
            else f"{unit.name}{period.display}{title}，详见公示栏。",
            channels='["社区/企事业单位/村公示栏（电子屏）"]',
            board_location=f"{unit.name}村务公开栏",
            status="archived" if zero else "posted",
            created_at=now,
            posted_at=now,
            archived_at=now if zero else None,
            posted_note="" if zero else "演示数据，未附照片",
            notice_start=None
            if zero
            else (now.date() if standing else now.date() - timedelta(days=10)),
            notice_end=None if zero or standing else now.date() - timedelta(days=3),
            notice_days=None if zero or standing else 7,
            notice_rule=None if zero else ("long_term" if standing else "calendar"),
            updated_at=now,
        )


def _work_in_progress(villages, catalog_id: int, origin: str, now: datetime) -> None:
    """One posting in each state a clerk meets during the week, so the page is not empty."""
    from gkdesk.db.models import PostingObjectionRow, UserAccountRow
    from gkdesk.services.accounts import NO_SIGN_IN

    author = UserAccountRow.select().where(UserAccountRow.role == "admin").first()
    reviewer = UserAccountRow.get_or_none(UserAccountRow.username == "演示审核人")
    if reviewer is None:
        reviewer = UserAccountRow.create(
            # A name to review with, not an account to sign in with (a 管理员 may give it one).
            username="演示审核人",
            display_name="李书记",
            role="reviewer",
            password_hash=NO_SIGN_IN,
            must_change=True,
        )
    item = CatalogItemRow.get_or_none(
        CatalogItemRow.catalog == catalog_id, CatalogItemRow.title == "工程项目和大额支出"
    ) or CatalogItemRow.get(CatalogItemRow.catalog == catalog_id, CatalogItemRow.parent.is_null())
    today = now.date()
    samples = [
        ("draft", "关于村内道路硬化工程项目的公示", None),
        ("pending_review", "关于村集体土地发包方案的公示", None),
        ("reviewed", "关于2026年度村级公益事业一事一议筹资方案的公示", None),
        ("posted", "关于村文化广场建设项目招标结果的公示", "村民王某反映中标单位资质问题"),
    ]
    for n, (status, title, objection) in enumerate(samples):
        unit = villages[n % len(villages)]
        reviewed = status in ("reviewed", "posted")
        row = PostingRow.create(
            origin=origin,
            unit=unit,
            item=item,
            kind="text",
            period_label=str(today.year),
            title=title,
            body=f"根据村民代表会议决议，现将{title[2:-3]}有关情况公示如下：\n"
            "一、项目名称、实施地点和建设内容\n二、资金来源和预算\n"
            f"公示期间，如有异议，请向{unit.name}村务监督委员会反映。",
            channels='["社区/企事业单位/村公示栏（电子屏）"]',
            board_location=f"{unit.name}村务公开栏",
            notice_start=today,
            notice_end=today + timedelta(days=7),
            notice_rule="calendar",
            notice_days=7,
            status=status,
            author=author,
            reviewer=reviewer if reviewed else None,
            reviewed_at=now if reviewed else None,
            disclosure_attr="active" if reviewed else None,
            secrecy_checked=reviewed,
            created_at=now,
            posted_at=now if status == "posted" else None,
            posted_note="演示数据，未附照片" if status == "posted" else "",
            updated_at=now,
        )
        if objection:
            PostingObjectionRow.create(
                origin=origin,
                posting=row,
                raised_by="王某",
                received_on=today,
                content=objection,
                updated_at=now,
            )
