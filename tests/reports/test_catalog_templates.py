"""The built-in directory templates under resources/catalogs/ are well-formed data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gkdesk.domain.catalog import (
    AUDIENCES,
    CATALOG_KINDS,
    CHANNELS,
    MAX_DEPTH,
    METHODS,
    TIERS,
    Cadence,
    guess_cadence,
)

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "resources" / "catalogs"
TEMPLATES = ("standard_county.json", "village.json")
LEAF_KEYS = {
    "title",
    "area",
    "content",
    "basis",
    "time_limit",
    "cadence",
    "cadence_days",
    "subject",
    "channels",
    "audience",
    "method",
    "tiers",
    "extra",
}
GENERAL_TIME_LIMIT = "信息形成或者变更之日起20个工作日内"
FARMLAND_TIME_LIMIT = (
    "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的，从其规定。"
)


def load(name: str) -> dict:
    return json.loads((CATALOGS / name).read_text(encoding="utf-8"))


def walk(items: list[dict], depth: int = 1, parent: dict | None = None) -> Iterator[tuple]:
    """(node, depth, parent) for every node, parents before children."""
    for node in items:
        yield node, depth, parent
        yield from walk(node.get("children", []), depth + 1, node)


def leaves(catalog: dict) -> list[dict]:
    return [node for node, _, _ in walk(catalog["items"]) if not node.get("children")]


def find(catalog: dict, parent_title: str, title: str) -> dict:
    for node, _, parent in walk(catalog["items"]):
        if parent is not None and parent["title"] == parent_title and node["title"] == title:
            return node
    raise AssertionError(f"{parent_title} / {title} not found")


@pytest.fixture(scope="module")
def area_names() -> list[str]:
    return [area["name"] for area in load("areas.json")["areas"]]


@pytest.fixture(scope="module")
def standard() -> dict:
    return load("standard_county.json")


@pytest.fixture(scope="module")
def village() -> dict:
    return load("village.json")


def test_files_are_utf8_json_with_two_space_indent() -> None:
    for name in ("areas.json", *TEMPLATES):
        text = (CATALOGS / name).read_text(encoding="utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n", name
        assert "[示例]" not in text, name


def test_areas_are_the_26_unique_names(area_names: list[str]) -> None:
    data = load("areas.json")
    assert data["_comment"]
    assert len(area_names) == 26
    assert len(set(area_names)) == 26
    assert all(name and name == name.strip() for name in area_names)
    assert all(set(area) == {"name", "note"} for area in data["areas"])
    assert area_names[0] == "重大建设项目"
    assert area_names[-1] == "市政服务"
    assert "社会救助" in area_names and "涉农补贴" in area_names


@pytest.mark.parametrize("name", TEMPLATES)
def test_header(name: str) -> None:
    catalog = load(name)
    assert catalog["kind"] in CATALOG_KINDS
    for key in ("_comment", "name", "edition", "description"):
        assert isinstance(catalog[key], str) and catalog[key], key
    assert catalog["items"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_items_are_valid(name: str, area_names: list[str]) -> None:
    catalog = load(name)
    cadences = {c.value for c in Cadence}
    for node, depth, _ in walk(catalog["items"]):
        assert depth <= min(3, MAX_DEPTH), node["title"]
        assert node["title"] and node["title"] == node["title"].strip()
        assert node["area"] == "" or node["area"] in area_names, node["title"]
        if node.get("children"):
            continue
        title = node["title"]
        assert set(node) == LEAF_KEYS, title
        assert isinstance(node["channels"], list) and node["channels"], title
        assert set(node["channels"]) <= set(CHANNELS), title
        assert len(set(node["channels"])) == len(node["channels"]), title
        assert node["audience"] in AUDIENCES, title
        assert node["method"] in METHODS, title
        assert node["tiers"] and set(node["tiers"]) <= set(TIERS), title
        assert node["cadence"] in cadences, title
        if node["cadence"] == Cadence.ON_EVENT:
            assert type(node["cadence_days"]) is int and node["cadence_days"] > 0, title
        else:
            assert node["cadence_days"] is None, title
        for key in ("content", "basis", "time_limit", "subject"):
            assert isinstance(node[key], str) and node[key].strip(), (title, key)
        assert isinstance(node["extra"], dict), title
        assert all(isinstance(v, str) for v in node["extra"].values()), title


@pytest.mark.parametrize("name", TEMPLATES)
def test_time_limit_text_agrees_with_cadence(name: str) -> None:
    """Where the 公开时限 text reads as a cadence, it is the stored one."""
    for node in leaves(load(name)):
        guessed, days = guess_cadence(node["time_limit"])
        if guessed is None:
            continue
        assert guessed.value == node["cadence"], node["title"]
        if guessed is Cadence.ON_EVENT:
            assert days == node["cadence_days"], node["title"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_duplicate_sibling_titles(name: str) -> None:
    catalog = load(name)
    groups = [catalog["items"]] + [
        n["children"] for n, _, _ in walk(catalog["items"]) if n.get("children")
    ]
    for siblings in groups:
        titles = [node["title"] for node in siblings]
        assert len(titles) == len(set(titles)), titles


def test_standard_covers_every_area(standard: dict, area_names: list[str]) -> None:
    covered = set()
    for top in standard["items"]:
        assert set(top) == {"title", "area", "children"}, top["title"]
        assert top["area"] in area_names
        assert top["children"], top["title"]
        for child in top["children"]:
            assert child["area"] == top["area"], child["title"]
            assert not child.get("children")
        covered.add(top["area"])
    assert covered == set(area_names)
    # 一级 items appear in the order of the area list.
    order = [area_names.index(top["area"]) for top in standard["items"]]
    assert order == sorted(order)


def test_standard_size(standard: dict) -> None:
    assert standard["kind"] == "standard"
    assert 80 <= len(leaves(standard)) <= 150
    assert all(item["method"] for item in leaves(standard))


def test_standard_uses_the_general_time_limit(standard: dict) -> None:
    general = [n for n in leaves(standard) if n["time_limit"] == GENERAL_TIME_LIMIT]
    assert len(general) >= 40
    assert all(n["cadence"] == "on_event" and n["cadence_days"] == 20 for n in general)


def test_farmland_protection_row(standard: dict) -> None:
    row = find(standard, "农业生产发展资金", "耕地地力保护")
    assert row["area"] == "涉农补贴"
    assert row["time_limit"] == FARMLAND_TIME_LIMIT
    assert (row["cadence"], row["cadence_days"]) == ("on_event", 20)
    assert row["content"].startswith("政策依据；申请指南：包括补贴对象、补贴范围、补贴标准")
    assert "财农〔2017〕41号" in row["basis"]
    assert set(row["channels"]) == {"政府网站", "社区/企事业单位/村公示栏（电子屏）"}
    assert (row["audience"], row["method"]) == ("全社会", "主动")
    assert row["tiers"] == ["县级", "乡级"]


def test_social_assistance_rows(standard: dict) -> None:
    policy = find(standard, "综合业务", "政策法规文件")
    assert policy["area"] == "社会救助"
    assert policy["time_limit"] == "制定或获取信息之日起10个工作日内"
    assert find(standard, "综合业务", "监督检查")["content"] == (
        "社会救助信访通讯地址；社会救助投诉举报电话"
    )
    review = find(standard, "最低生活保障", "审核信息")
    assert review["content"] == "初审对象名单及相关信息"
    assert "公示7个工作日" in review["time_limit"]
    assert (review["cadence"], review["cadence_days"]) == ("on_event", 10)
    assert review["channels"] == ["社区/企事业单位/村公示栏（电子屏）"]
    assert find(standard, "最低生活保障", "审批信息")["content"] == "低保对象名单及相关信息"
    assert find(standard, "最低生活保障", "办事指南")
    assert find(standard, "特困人员救助供养", "审核信息")["content"] == (
        "初审对象名单及相关信息、终止供养名单"
    )


def test_village_template(village: dict) -> None:
    assert village["kind"] == "village"
    assert village["name"] == "村务公开目录（模板）"
    roots = {top["title"]: top for top in village["items"]}
    assert list(roots) == ["党务", "村务", "财务"]
    assert all(top["area"] == "" for top in village["items"])
    items = leaves(village)
    assert 30 <= len(items) <= 60
    assert all(item["tiers"] == ["村级"] for item in items)
    assert all("社区/企事业单位/村公示栏（电子屏）" in item["channels"] for item in items)
    assert all((item["audience"], item["method"]) == ("全社会", "主动") for item in items)

    finance = roots["财务"]["children"]
    assert any(item["cadence"] == "monthly" for item in finance)
    assert all(item["subject"] == "村民委员会（村务监督委员会审核）" for item in finance)
    cadences = {item["cadence"] for item in items}
    assert {"monthly", "quarterly", "anytime", "long_term"} <= cadences
    texts = {
        "quarterly": "每季度公开一次（每季度首月20日前）",
        "monthly": "每月公开一次",
        "anytime": "随时公开，涉及村民利益的重大事项及时公开",
        "long_term": "长期公开",
    }
    for item in items:
        if item["cadence"] in texts:
            assert item["time_limit"] == texts[item["cadence"]], item["title"]


def test_village_covers_the_required_topics(village: dict) -> None:
    titles = {item["title"] for item in leaves(village)}
    for title in (
        "村民自治章程和村规民约",
        "村务监督委员会工作制度",
        "换届选举",
        "低保对象名单",
        "特困人员名单",
        "残疾人两项补贴名单",
        "惠民惠农补贴发放结果",
        "一事一议筹资筹劳",
        "征地补偿费用使用分配",
        "宅基地审批",
        "集体资产资源发包和出租",
        "集体经济收益分配",
        "村级财务收支明细",
        "债权债务",
    ):
        assert title in titles, title
    topics = {item["extra"].get("专题") for item in leaves(village)}
    assert {"集体资产管理", "财务收支", "乡村振兴", "社会救助"} <= topics
