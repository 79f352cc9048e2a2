"""Which rows travel in exchange packages, and how their references are written and resolved.

A reference between rows travels as the referenced row's uuid, except for units, which are
named by their 区划代码 (the same unit has different uuids at the township and the county),
programmes, which also carry their built-in code, and people, who travel by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    table: str
    label: str
    # column -> referenced table ("org_unit" references travel as codes, "user_account" as names)
    refs: dict[str, str] = field(default_factory=dict)
    # columns whose missing reference holds the record back (others are left empty)
    required: tuple[str, ...] = ()
    # personal fields: sealed to the county's key, never in the readable data
    pii: tuple[str, ...] = ()
    # how the rows of the sender's subtree are found: a SQL join path to org_unit
    unit_path: str = ""
    # which rows travel at all (SQL over alias t, with its own joins)
    only: str = ""
    only_join: str = ""


# Upward order: a row's references always come earlier in this list.
UPWARD = (
    TableSpec("org_unit", "单位", refs={"parent_id": "org_unit"}, unit_path="t"),
    # Directories installed from the built-in templates exist at the county already (matched
    # by name and item path); only directories a township made itself travel up.
    TableSpec(
        "catalog", "公开目录", refs={"owner_unit_id": "org_unit"}, only="t.source != 'builtin'"
    ),
    TableSpec(
        "catalog_item",
        "目录事项",
        refs={"catalog_id": "catalog", "parent_id": "catalog_item"},
        required=("catalog_id",),
        only="c.source != 'builtin'",
        only_join="JOIN catalog c ON c.id = t.catalog_id",
    ),
    TableSpec(
        "catalog_assignment",
        "目录适用范围",
        refs={"catalog_id": "catalog", "item_id": "catalog_item", "unit_id": "org_unit"},
        required=("catalog_id",),
    ),
    TableSpec("subsidy_program", "补贴项目"),
    TableSpec(
        "roster",
        "补贴名单",
        refs={"program_id": "subsidy_program", "unit_id": "org_unit"},
        required=("program_id", "unit_id"),
        unit_path="JOIN org_unit u ON u.id = t.unit_id",
    ),
    TableSpec(
        "roster_entry",
        "名单人员",
        refs={"roster_id": "roster"},
        required=("roster_id",),
        pii=("id_number", "account", "phone"),
        unit_path="JOIN roster r ON r.id = t.roster_id JOIN org_unit u ON u.id = r.unit_id",
    ),
    TableSpec(
        "posting",
        "公示公告",
        refs={
            "unit_id": "org_unit",
            "item_id": "catalog_item",
            "roster_id": "roster",
            "author_id": "user_account",
            "reviewer_id": "user_account",
        },
        required=("unit_id",),
        unit_path="JOIN org_unit u ON u.id = t.unit_id",
    ),
    TableSpec(
        "posting_attachment",
        "张贴凭证",
        refs={"posting_id": "posting"},
        required=("posting_id",),
        unit_path="JOIN posting p ON p.id = t.posting_id JOIN org_unit u ON u.id = p.unit_id",
    ),
    TableSpec(
        "posting_objection",
        "异议",
        refs={"posting_id": "posting"},
        required=("posting_id",),
        unit_path="JOIN posting p ON p.id = t.posting_id JOIN org_unit u ON u.id = p.unit_id",
    ),
)

# Downward: what the county issues to its townships. Built-in templates are installed on
# both sides already; the county's own directories travel.
DOWNWARD = (
    TableSpec(
        "catalog", "公开目录", refs={"owner_unit_id": "org_unit"}, only="t.source != 'builtin'"
    ),
    TableSpec(
        "catalog_item",
        "目录事项",
        refs={"catalog_id": "catalog", "parent_id": "catalog_item"},
        required=("catalog_id",),
        only="c.source != 'builtin'",
        only_join="JOIN catalog c ON c.id = t.catalog_id",
    ),
    TableSpec("subsidy_program", "补贴项目"),
    TableSpec("calendar_override", "工作日历"),
    TableSpec("calendar_year", "工作日历年份"),
)

SPECS = {spec.table: spec for spec in UPWARD + DOWNWARD}
LOCAL_COLUMNS = ("id", "sent_version")
