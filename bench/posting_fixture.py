"""The 公示公告 fixture of the posting_* workloads (built untimed, in a data dir).

A county installation (home = 青原县 220188000000) with 300 subordinate units: 12 townships
(8 镇 220188100000-107000, 4 乡 220188200000-203000), each with 2 communities (001, 002) and 22
villages (201-222); every code passes `validate_code` for its level. One `standard` directory
of 20 一级 x 2 二级 x 5 三级 = 200 leaf items with mixed cadences (60 long_term, 40 on_event,
40 quarterly, 40 yearly, 20 monthly), assigned to townships, villages and communities: the
工作台账 is 300 units x 200 items. 50,000 postings over those cells, as a county would hold
them about a year after adopting the program: the current period of most cells (disclosed,
zero-reported, still in draft or review, withdrawn) and older periods (archived, ended, zero
reports), with Chinese titles and bodies of 200-600 characters (leads, standard sentences,
name lists, the 公示期 and the objection office), photos (attachment rows) on what went on the
board, and objections on about 1 in 60 postings on the board, a third of them open.

Everything is dated relative to the fixed TODAY, which the workloads pass as `today`, so the
reminders and the matrix are the same on every run (the random choices are seeded). Units and
items are inserted with peewee; postings, attachments and objections with one executemany per
table through the models' own columns, defaults and `db_value` conversions (peewee's
insert_many took about 50 s of Python for them), all in one transaction, and the FTS triggers
of migration 3 index the postings as they go in. The home unit (`setup.initialise`), the
people, the directory and its assignments go through the real services. Building takes about
50-60 s here, most of it SQLite writing the 200 MiB file and its trigram index.

Imports gkdesk: only the driver (bench/posting_driver.py) uses this, never `python -m bench`
itself.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

TODAY = date(2025, 11, 5)  # a Wednesday: monthly items due in 5 days, 2025Q3 overdue
HOME_CODE = "220188000000"
HOME_NAME = "青原县"
POSTINGS = 50_000
CATALOG_NAME = "乡村两级公开目录（基准）"
SEED = 20251105

TOWNSHIPS = (
    ("100", "青山镇"),
    ("101", "双龙镇"),
    ("102", "红旗镇"),
    ("103", "太平镇"),
    ("104", "永安镇"),
    ("105", "兴隆镇"),
    ("106", "长岭镇"),
    ("107", "新立镇"),
    ("200", "柳河乡"),
    ("201", "杨树乡"),
    ("202", "三道岗乡"),
    ("203", "团结乡"),
)
COMMUNITIES = ("社区", "新城社区")  # codes 001, 002
VILLAGES_PER_TOWNSHIP = 22  # codes 201-222
# Village names: a prefix and a suffix (split on spaces where used).
VILLAGE_PREFIXES = (
    "东岗 西岗 南沟 北沟 前进 后营 上屯 下屯 大房身 小城子 新安 老街 王家店 李家堡 张家湾 "
    "刘家屯 杨树沟 柳树屯 榆树岭 长岭 太平 永安 兴隆 胜利 红旗 向阳 光明 团结 和平 富民 双井 "
    "三道岗 四合 五星 六合 七里 八里堡 九台 十里堡 福安 金山 银河 宝山 青松 白桦 黑林 黄花甸 "
    "石头河 双山 三合 四方 五家 六道 永乐 富裕 丰收 民主 友谊 联合 建设 东升 新华 靠山 回龙 "
    "平安 吉祥 万宝 庆丰 前锋 红光 新发 合心 保安 永平 腰站 大岭"
)
VILLAGE_SUFFIXES = ("村", "屯村", "沟村", "岗村", "堡村", "子村")

# 一级 area -> two 二级 topics; every topic has the five 三级 aspects below.
AREAS = (
    ("涉农补贴", ("耕地地力保护补贴", "农机购置与应用补贴")),
    ("社会救助", ("低保对象", "临时救助")),
    ("特困供养", ("特困人员救助供养", "孤儿和事实无人抚养儿童保障")),
    ("养老服务", ("高龄津贴", "经济困难老年人补贴")),
    ("残疾人服务", ("残疾人两项补贴", "残疾人辅助器具适配")),
    ("村级财务", ("村级财务收支", "村集体资产资源")),
    ("集体经济", ("集体经济组织收益分配", "一事一议财政奖补")),
    ("土地管理", ("土地承包经营权确权", "宅基地审批")),
    ("征地补偿", ("征地补偿安置", "土地经营权流转")),
    ("住房保障", ("农村危房改造", "农村低收入群体住房保障")),
    ("乡村振兴", ("衔接资金项目", "防返贫监测帮扶")),
    ("就业创业", ("公益性岗位", "就业创业补贴")),
    ("教育", ("学生资助", "义务教育营养改善计划")),
    ("卫生健康", ("城乡居民基本医疗保险", "计划生育奖励扶助")),
    ("生态环境", ("生态公益林补偿", "人居环境整治")),
    ("退役军人服务", ("退役军人优抚", "烈士褒扬")),
    ("农业生产", ("农业保险保费补贴", "动物防疫")),
    ("基础设施", ("农村公路建设养护", "农村饮水安全")),
    ("村务管理", ("村民自治章程和村规民约", "村级重大事项决策")),
    ("党务公开", ("党费收缴使用", "党员发展")),
)
ASPECTS = ("政策依据和标准", "申请条件和办理流程", "审核结果", "资金发放情况", "年度工作总结")
TIME_LIMITS = {
    "monthly": "每月10日前公开上月情况",
    "quarterly": "每季度结束后20日内",
    "yearly": "每年1月底前公开上年度情况",
    "long_term": "长期公开",
    "on_event": "信息形成或者变更之日起20个工作日内",
}

SEARCH_FTS_TERM = "地力保护补贴"  # six characters: the trigram index
SEARCH_LIKE_TERM = "低保"  # two characters: below the trigram size, LIKE

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉华建国福贵海山春花凤琴红梅文成志永德忠"
BASES = (
    "《中华人民共和国村民委员会组织法》",
    "《社会救助暂行办法》",
    "《中华人民共和国政府信息公开条例》",
    "《农村集体经济组织财务制度》",
    "省、市、县有关文件",
    "《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》",
)
LEADS = (
    "根据{basis}有关规定，现将{unit}{period}{topic}{aspect}情况公示如下：",
    "为进一步规范{topic}工作，主动接受群众监督，现将{unit}{period}{topic}{aspect}予以公示。",
    "按照{township}统一部署，经村民代表会议讨论通过，现将{period}{topic}{aspect}公开如下：",
    "{unit}{period}{topic}工作已按程序完成，现将{aspect}张榜公布，请广大群众监督。",
)
SENTENCES = (  # any posting
    "本次公示内容经村“两委”联席会议研究、村务监督委员会审核后张榜公布",
    "资金通过“一卡通”直接发放到户，任何单位和个人不得截留、挤占、挪用",
    "申请人持身份证、户口簿和相关证明材料向村民委员会提出书面申请",
    "村民委员会在收到申请后五个工作日内入户调查核实并提出初审意见",
    "乡镇人民政府对初审材料进行复核，复核结果在村务公开栏公示不少于七天",
    "县主管部门根据复核意见审批，并将审批结果反馈乡镇和申请人",
    "对虚报冒领、优亲厚友等行为，一经查实，追回资金并依法依规严肃处理",
    "涉及个人隐私的信息已按规定作去标识化处理，身份证号码和银行账号不予公开",
    "建立动态管理台账，对不再符合条件的对象及时停止发放",
    "本年度工作总体平稳有序，群众满意度较上年有所提高",
    "下一步将继续做好政策宣传和跟踪回访，确保政策落实到位",
    "群众对公示内容有疑问的，可在工作日到村委会查阅有关材料",
    "已享受其他同类补助的，不重复享受本项补助",
)
AREA_SENTENCES = {  # postings under these 一级 areas only
    "涉农补贴": (
        "耕地地力保护补贴面积以二轮承包面积为基础，扣除已改变用途的耕地",
        "补贴标准按县农业农村局、财政局联合下发的文件执行",
        "农机购置补贴实行自主购机、定额补贴、先购后补、县级结算、直补到卡",
    ),
    "社会救助": (
        "对符合条件的困难群众及时纳入低保或特困供养范围，做到应保尽保",
        "本期新增低保对象已完成入户核查和民主评议，停保对象已书面告知本人",
        "城乡低保标准按县人民政府公布的标准执行，补差金额按月发放",
        "临时救助对象为因突发事件导致基本生活暂时出现严重困难的家庭",
    ),
    "特困供养": (
        "特困人员供养标准按不低于当地低保标准的1.3倍确定",
        "分散供养的特困人员由村民委员会指定专人照料",
    ),
    "住房保障": (
        "改造对象为低保户、分散供养特困人员、低保边缘家庭和因病因灾因意外事故刚性支出较大的家庭",
        "危房等级由具备资质的鉴定机构或县住建部门组织技术人员鉴定",
    ),
    "乡村振兴": (
        "监测对象包括脱贫不稳定户、边缘易致贫户和突发严重困难户",
        "项目资金使用情况按照“谁使用、谁公开”的原则在项目所在村公示",
    ),
    "村级财务": (
        "收支明细已经村务监督委员会逐笔审核，原始凭证可到村委会查阅",
        "本期收入主要为上级转移支付和集体资产发包收入，支出主要为村干部报酬和公益事业支出",
    ),
    "基础设施": ("项目建设内容、建设地点、投资规模、实施单位和完工时间一并公开",),
}
GROUPS = tuple(f"{n}组" for n in range(1, 13))
WITHDRAW_REASONS = ("内容有误，重新发布", "金额计算错误，更正后重新公示", "重复录入")
OBJECTIONS = (
    "反映本组有一户承包面积与实际不符，请核实。",
    "认为名单中有人家庭条件较好，不符合条件。",
    "本人符合条件但未列入名单，请求重新审核。",
    "公示金额与去年相比变化较大，请说明原因。",
    "公示栏张贴位置偏僻，群众看不到，请求重新张贴。",
)
HANDLINGS = (
    "经村委会入户核实，情况属实，已更正并重新公示。",
    "经核实，该户符合条件，已向反映人当面解释政策。",
    "经村务监督委员会核查，反映情况不属实，已答复反映人。",
)


@dataclass(frozen=True)
class Fixture:
    root: Path
    catalog_id: int
    units: int
    items: int
    postings: int
    counts: dict = field(default_factory=dict)  # postings by status, objections, photos
    build_s: float = 0.0

    @property
    def database(self) -> Path:
        return self.root / "gkdesk.db"

    def facts(self) -> dict:
        return {
            "today": TODAY.isoformat(),
            "units": self.units,
            "leaf_items": self.items,
            "postings": self.postings,
            "fixture": self.counts,
            "database": f"{self.database.stat().st_size / 2**20:.0f} MiB",
            "fixture_build_s": self.build_s,
        }


@dataclass(frozen=True)
class _Unit:
    id: int
    code: str
    name: str
    level: str
    township: str
    office: str  # who signs the notice
    watchdog: str  # where objections go
    board: str  # the 公开栏, as PostingService._board_location names it


@dataclass(frozen=True)
class _Item:
    id: int
    area: str
    topic: str
    aspect: str
    cadence: str
    cadence_days: int | None


def _cadence(topic_no: int, aspect_no: int) -> str:
    """60 long_term, 40 on_event, 40 quarterly, 40 yearly, 20 monthly over the 200 leaves."""
    k = topic_no % 4
    return (
        "long_term",
        "on_event" if topic_no % 2 else "long_term",
        ("quarterly", "on_event", "quarterly", "monthly")[k],
        ("quarterly", "monthly", "yearly", "quarterly")[k],
        "on_event" if k == 3 else "yearly",
    )[aspect_no]


# -- units -----------------------------------------------------------------------------------


def _add_units(rng: random.Random, now: datetime) -> list[_Unit]:
    from gkdesk.db.models import OrgUnitRow, new_uuid
    from gkdesk.domain.areacode import level_of_code, validate_code

    home = OrgUnitRow.get(OrgUnitRow.code == HOME_CODE)
    names = [
        p + s
        for s in VILLAGE_SUFFIXES
        for p in VILLAGE_PREFIXES.split()
        if s == "村" or p[-1] not in "沟岗屯堡甸河湾店"  # no 杨树沟岗村
    ]
    rng.shuffle(names)
    names = iter(names)
    out: list[_Unit] = []

    def row(code: str, name: str, level: str, parent: int, position: int) -> dict:
        if validate_code(code, level_of_code(code)) != code or level_of_code(code) != level:
            raise AssertionError(f"fixture code {code} is not a valid {level} code")
        return {
            "uuid": new_uuid(),
            "origin": HOME_CODE,
            "updated_at": now,
            "code": code,
            "name": name,
            "level": level,
            "parent": parent,
            "position": position,
        }

    for t_pos, (part, t_name) in enumerate(TOWNSHIPS):
        t_code = f"{HOME_CODE[:6]}{part}000"
        t_id = OrgUnitRow.insert(row(t_code, t_name, "township", home.id, t_pos)).execute()
        out.append(
            _Unit(
                t_id,
                t_code,
                t_name,
                "township",
                t_name,
                f"{t_name}人民政府",
                f"{t_name}纪委",
                f"{t_name}政务公开栏",
            )
        )
        base = t_name[:-1]
        batch = [
            row(f"{t_code[:9]}{n + 1:03d}", base + suffix, "community", t_id, n)
            for n, suffix in enumerate(COMMUNITIES)
        ]
        batch += [
            row(f"{t_code[:9]}{201 + n:03d}", next(names), "village", t_id, len(COMMUNITIES) + n)
            for n in range(VILLAGES_PER_TOWNSHIP)
        ]
        OrgUnitRow.insert_many(batch).execute()
        for r in OrgUnitRow.select().where(OrgUnitRow.parent == t_id).order_by(OrgUnitRow.code):
            office, watchdog = (
                ("居民委员会", "居务监督委员会")
                if r.level == "community"
                else ("村民委员会", "村务监督委员会")
            )
            out.append(
                _Unit(
                    r.id,
                    r.code,
                    r.name,
                    r.level,
                    t_name,
                    r.name + office,
                    r.name + watchdog,
                    f"{r.name}村（居）务公开栏",
                )
            )
    return out


# -- the directory ---------------------------------------------------------------------------


def _add_items(catalog_id: int, now: datetime) -> list[_Item]:
    from gkdesk.db.models import CatalogItemRow, new_uuid

    channels = json.dumps(["政府网站", "社区/企事业单位/村公示栏（电子屏）"], ensure_ascii=False)
    tiers = json.dumps(["乡级", "村级"], ensure_ascii=False)

    def row(parent_id, position, title, area, **fields) -> dict:
        return {
            "uuid": new_uuid(),
            "origin": HOME_CODE,
            "updated_at": now,
            "catalog": catalog_id,
            "parent": parent_id,
            "position": position,
            "title": title,
            "area": area,
            "content": "",
            "basis": "",
            "time_limit": "",
            "cadence": None,
            "cadence_days": None,
            "subject": "",
            "channels": "[]",
            "audience": "",
            "method": "",
            "tiers": "[]",
            "extra": "{}",
            **fields,
        }

    items: list[_Item] = []
    topic_no = 0
    for p1, (area, topics) in enumerate(AREAS):
        id1 = CatalogItemRow.insert(row(None, p1, area, area)).execute()
        for p2, topic in enumerate(topics):
            id2 = CatalogItemRow.insert(row(id1, p2, topic, area)).execute()
            for p3, aspect in enumerate(ASPECTS):
                cadence = _cadence(topic_no, p3)
                days = 20 if cadence == "on_event" else None
                item_id = CatalogItemRow.insert(
                    row(
                        id2,
                        p3,
                        aspect,
                        area,
                        content=f"{topic}的{aspect}，包括政策文件、对象、标准、程序和结果。",
                        basis=BASES[topic_no % len(BASES)],
                        time_limit=TIME_LIMITS[cadence],
                        cadence=cadence,
                        cadence_days=days,
                        subject="乡镇人民政府、村（居）民委员会",
                        channels=channels,
                        audience="全社会",
                        method="主动",
                        tiers=tiers,
                    )
                ).execute()
                items.append(_Item(item_id, area, topic, aspect, cadence, days))
            topic_no += 1
    return items


# -- postings --------------------------------------------------------------------------------

# (status, weight) for the current period of a cell, by cadence; "zero" is a 零报告.
CURRENT = {
    "periodic": (
        ("posted", 22),
        ("period_ended", 25),
        ("archived", 25),
        ("zero", 10),
        ("draft", 8),
        ("pending_review", 3),
        ("reviewed", 4),
        ("withdrawn", 3),
    ),
    "long_term": (
        ("posted", 72),
        ("archived", 5),
        ("draft", 10),
        ("pending_review", 3),
        ("reviewed", 6),
        ("withdrawn", 4),
    ),
    "on_event": (
        ("posted", 25),
        ("period_ended", 30),
        ("archived", 25),
        ("draft", 9),
        ("pending_review", 3),
        ("reviewed", 5),
        ("withdrawn", 3),
    ),
}
HISTORY = (
    ("archived", 62),
    ("period_ended", 18),
    ("zero", 12),
    ("withdrawn", 5),
    ("draft", 3),  # started and never finished
)
# Share of cells with a posting for the current period, by cadence.
CURRENT_SHARE = {
    "long_term": 0.7,
    "yearly": 0.65,
    "quarterly": 0.6,
    "monthly": 0.4,
    "on_event": 0.4,
}
HISTORY_BACK = {"monthly": 12, "quarterly": 4, "yearly": 3}


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _months_back(d: date, k: int) -> date:
    month = d.year * 12 + d.month - 1 - k
    return date(month // 12, month % 12 + 1, 1)


def _period(cadence: str, back: int):
    """The period `back` steps before the current one (0: the current one)."""
    from gkdesk.domain.catalog import Cadence, reporting_period

    c = Cadence(cadence)
    if c is Cadence.MONTHLY:
        return reporting_period(c, _months_back(TODAY, back))
    if c is Cadence.QUARTERLY:
        return reporting_period(c, _months_back(TODAY, 3 * back))
    if c is Cadence.YEARLY:
        return reporting_period(c, date(TODAY.year - back, 6, 30))
    if c is Cadence.ON_EVENT:
        return reporting_period(c, date(TODAY.year - back, 6, 30))
    return reporting_period(c, TODAY)


def _created(rng: random.Random, cadence: str, period, current: bool) -> datetime:
    """When the clerk started the posting: after the period for periodic items, within the
    year for event items, within the last year for standing ones; always before TODAY."""
    last = TODAY - timedelta(days=1)
    if cadence in ("monthly", "quarterly", "yearly"):
        first = period.end + timedelta(days=1)
        end = last if current else min(last, period.due or first + timedelta(days=30))
    elif cadence == "on_event":
        first, end = period.start, min(last, period.end)
    else:
        first, end = TODAY - timedelta(days=365), last
    first = min(first, end)
    day = first + timedelta(days=rng.randint(0, (end - first).days))
    return datetime.combine(day, datetime.min.time()) + timedelta(
        hours=rng.randint(8, 17), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
    )


def _names_list(rng: random.Random, unit: _Unit, topic: str) -> str:
    lines = []
    for n in range(1, rng.randint(4, 12) + 1):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
        amount = rng.randint(300, 60000) / 100
        lines.append(f"{n}. {name}，{rng.choice(GROUPS)}，{amount:.2f}元")
    return f"{unit.name}{topic}名单：\n" + "\n".join(lines)


def _body(rng, unit: _Unit, item: _Item, period_text: str, window) -> str:
    lead = rng.choice(LEADS).format(
        basis=rng.choice(BASES),
        unit=unit.name,
        period=period_text,
        topic=item.topic,
        aspect=item.aspect,
        township=unit.township,
    )
    if window is not None and window[1] is not None:
        start, end = window
        notice = (
            f"公示期为{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。公示期间如有异议，请以书面或"
            f"口头形式向{unit.watchdog}或{unit.township}纪委反映。"
        )
    else:
        notice = f"本内容长期公开。如有疑问，请向{unit.watchdog}或{unit.township}纪委反映。"
    closing = f"{notice}监督电话：0431-8{rng.randint(0, 9999999):07d}。\n{unit.office}"
    target = rng.randint(200, 600)
    middle = []
    length = len(lead) + len(closing) + 2
    names = ""
    if item.aspect in ("审核结果", "资金发放情况") and rng.random() < 0.6:
        names = _names_list(rng, unit, item.topic)
        if length + len(names) > target + 120:
            names = ""
    middle.append(names)
    length += len(names) + 1
    pool = SENTENCES + AREA_SENTENCES.get(item.area, ()) * 3
    while length < target:
        sentence = rng.choice(pool) + "。"
        middle.append(sentence)
        length += len(sentence)
    text = "\n".join(part for part in (lead, middle[0], "".join(middle[1:]), closing) if part)
    return text if len(text) <= 600 else text[: 600 - len(closing) - 1] + "\n" + closing


def _postings(rng, units: list[_Unit], items: list[_Item], people: dict, now: datetime):
    """The 50,000 posting rows (dicts), oldest first."""
    from gkdesk.db.models import new_uuid
    from gkdesk.domain import posting as rules
    from gkdesk.domain.catalog import Cadence
    from gkdesk.domain.errors import CalendarYearUnknownError
    from gkdesk.services.calendar import load_calendar

    calendar = load_calendar()
    dues: dict[tuple, date | None] = {}  # add_workdays is slow; ~1,000 distinct arguments
    rows: list[dict] = []
    taken: set[tuple[int, int, str]] = set()  # (unit, item, label) of periodic postings

    def add(unit: _Unit, item: _Item, back: int, status: str) -> None:
        period = _period(item.cadence, back)
        periodic = item.cadence in HISTORY_BACK
        if periodic:
            key = (unit.id, item.id, period.label)
            if key in taken:
                return
            taken.add(key)
        if status == "zero" and not periodic:
            status = "archived"
        created = _created(rng, item.cadence, period, back == 0)
        cadence = Cadence(item.cadence)
        due_key = (cadence, item.cadence_days, period.label, created.date())
        if due_key not in dues:
            try:
                dues[due_key] = rules.due_date(*due_key, calendar)
            except CalendarYearUnknownError:
                dues[due_key] = None  # as PostingService: shown as 无法计算
        due = dues[due_key]
        period_text = period.display if periodic else ""
        subject = f"{unit.name}{period_text}{item.topic}{item.aspect}"
        base = {
            "uuid": new_uuid(),
            "origin": unit.code[:9] + "000",
            "updated_at": now,
            "unit": unit.id,
            "item": item.id,
            "period_label": period.label,
            "created_at": created,
            "due_on": due,
            "author": rng.choice(people["clerks"]),
            "channels": json.dumps(["社区/企事业单位/村公示栏（电子屏）"], ensure_ascii=False),
            "board_location": unit.board,
        }
        if status == "zero":
            rows.append(
                {
                    **base,
                    "kind": "zero",
                    "title": f"{subject}（零报告）",
                    "body": "本期无需要公开的内容。",
                    "status": rules.ARCHIVED,
                    "posted_at": created,
                    "archived_at": created,
                }
            )
            return
        long_term = cadence is Cadence.LONG_TERM
        start = created.date() + timedelta(days=rng.randint(0, 3))
        days = None if long_term else rng.choice((5, 7, 7, 7, 10))
        end = None if long_term else start + timedelta(days=days)
        # Keep status and dates consistent: on the board means started; ended means past.
        if status in ("period_ended", "archived") and not long_term and end >= TODAY:
            status = "posted"
        if status == "posted":
            if start > TODAY:
                start, end = TODAY, None if long_term else TODAY + timedelta(days=days)
            if not long_term and end < TODAY:
                status = "period_ended"
        disclosed = status in ("posted", "period_ended", "archived") or (
            status == "withdrawn" and rng.random() < 0.5
        )
        reviewed = disclosed or status == "reviewed"
        title = rng.choice(("关于{s}的公示", "{s}公示", "{s}情况公开", "{s}公告")).format(s=subject)
        row = {
            **base,
            "kind": "text",
            "title": title,
            "body": _body(rng, unit, item, period_text, (start, end)),
            "status": status,
            "notice_start": start,
            "notice_end": end,
            "notice_rule": "long_term" if long_term else "calendar",
            "notice_days": days,
            "secrecy_checked": reviewed,
            "disclosure_attr": "active" if reviewed else None,
            "reviewer": rng.choice(people["reviewers"]) if reviewed else None,
            "reviewed_at": created + timedelta(hours=rng.randint(1, 16)) if reviewed else None,
            "posted_at": (
                datetime.combine(start, datetime.min.time()) + timedelta(hours=9)
                if disclosed
                else None
            ),
        }
        if status == "archived":
            archived = (end or start) + timedelta(days=rng.randint(1, 20))
            row["archived_at"] = datetime.combine(min(archived, TODAY), datetime.min.time())
        if status == "withdrawn":
            row["withdraw_reason"] = rng.choice(WITHDRAW_REASONS)
        if status == "draft" and rng.random() < 0.2:
            row["review_comment"] = "请补充审核依据，核对金额后重新提交。"  # sent back
        rows.append(row)

    for unit in units:
        for item in items:
            if rng.random() < CURRENT_SHARE[item.cadence]:
                kind = item.cadence if item.cadence in ("long_term", "on_event") else "periodic"
                add(unit, item, 0, _pick(rng, CURRENT[kind]))
    with_history = [i for i in items if i.cadence != "long_term"]
    while len(rows) < POSTINGS:
        unit, item = rng.choice(units), rng.choice(with_history)
        back = rng.randint(1, HISTORY_BACK.get(item.cadence, 1))
        if item.cadence == "on_event" and rng.random() < 0.5:
            back = 0  # an earlier event of this year, long since archived
        add(unit, item, back, _pick(rng, HISTORY))
    del rows[POSTINGS:]
    rows.sort(key=lambda r: r["created_at"])
    return rows


def _insert_rows(database, model, rows: list[dict]) -> None:
    """One executemany of `rows` (dicts by field name) into the model's table: its columns,
    its defaults for missing fields, and its own `db_value` conversions, so the file holds
    what peewee's insert would have written (insert_many takes minutes here)."""
    fields = [f for f in model._meta.sorted_fields if f.name != "id"]
    columns = ", ".join(f.column_name for f in fields)
    marks = ", ".join("?" * len(fields))
    sql = f"INSERT INTO {model._meta.table_name} ({columns}) VALUES ({marks})"

    def default(f):
        return f.default() if callable(f.default) else f.default

    defaults = {f.name: default(f) for f in fields}
    values = [
        tuple(f.db_value(row[f.name] if f.name in row else defaults[f.name]) for f in fields)
        for row in rows
    ]
    database.cursor().executemany(sql, values)


def _add_postings(database, rng, units, items, people, now) -> dict:
    from peewee import fn

    from gkdesk.db.models import PostingAttachmentRow, PostingObjectionRow, PostingRow, new_uuid

    rows = _postings(rng, units, items, people, now)
    _insert_rows(database, PostingRow, rows)
    ids = dict(PostingRow.select(PostingRow.uuid, PostingRow.id).tuples())
    photos: list[dict] = []
    objections: list[dict] = []
    reopened: list[int] = []
    for r in rows:
        if r["kind"] == "zero" or r.get("posted_at") is None:
            continue
        pid = ids[r["uuid"]]
        for n in range(rng.choice((1, 1, 2, 3))):
            digest = hashlib.sha256(f"{r['uuid']}-{n}".encode()).hexdigest()
            photos.append(
                {
                    "uuid": new_uuid(),
                    "origin": r["origin"],
                    "updated_at": now,
                    "posting": pid,
                    "sha256": digest,
                    "file_name": f"IMG_{r['posted_at']:%Y%m%d}_{n + 1:02d}.jpg",
                    "mime": "image/jpeg",
                    "size": rng.randint(300_000, 4_000_000),
                    "note": "",
                    "added_at": r["posted_at"],
                }
            )
        if r["status"] not in ("posted", "period_ended") or rng.random() >= 1 / 60:
            continue
        received = r["notice_start"] + timedelta(days=rng.randint(0, 3))
        received = min(received, TODAY)
        open_ = rng.random() < 1 / 3
        if r["status"] == "period_ended" and open_:
            reopened.append(pid)  # an open objection keeps the posting on the board
        objections.append(
            {
                "uuid": new_uuid(),
                "origin": r["origin"],
                "updated_at": now,
                "posting": pid,
                "raised_by": rng.choice(("匿名", "村民", "本组村民")) + rng.choice(SURNAMES) + "某",
                "received_on": received,
                "content": rng.choice(OBJECTIONS),
                "handling": "" if open_ else rng.choice(HANDLINGS),
                "handled_by": "" if open_ else "村务监督委员会",
                "handled_on": None if open_ else min(received + timedelta(days=3), TODAY),
                "closed": not open_,
            }
        )
    _insert_rows(database, PostingAttachmentRow, photos)
    _insert_rows(database, PostingObjectionRow, objections)
    if reopened:
        PostingRow.update(status="posted").where(PostingRow.id.in_(reopened)).execute()
    statuses = dict(
        PostingRow.select(PostingRow.status, fn.COUNT(PostingRow.id))
        .group_by(PostingRow.status)
        .tuples()
    )
    return {
        "by_status": statuses,
        "zero_reports": sum(r["kind"] == "zero" for r in rows),
        "photos": len(photos),
        "objections": len(objections),
        "open_objections": sum(not o["closed"] for o in objections),
        "search_fts_hits": sum(SEARCH_FTS_TERM in r["title"] + r["body"] for r in rows),
        "search_like_hits": sum(SEARCH_LIKE_TERM in r["title"] + r["body"] for r in rows),
        "mean_body_chars": round(sum(len(r["body"]) for r in rows) / len(rows)),
    }


def build(root: Path) -> Fixture:
    """Create the fixture in the empty data directory `root`; leaves the store closed."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services
    from gkdesk.services.setup import SetupRequest

    start = time.perf_counter()
    rng = random.Random(SEED)
    now = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=8)
    store = open_store(DataLayout(root))
    try:
        services = Services.build(store)
        services.setup.initialise(SetupRequest(level="county", code=HOME_CODE, name=HOME_NAME))
        services.accounts.session_person()  # the first 管理员
        people = {
            "clerks": [
                services.accounts.add_person(name, "clerk").id
                for name in ("张会计", "李文书", "王专干", "赵信息员")
            ],
            "reviewers": [
                services.accounts.add_person(name, "reviewer").id for name in ("刘书记", "陈主任")
            ],
        }
        with store.database.atomic():
            units = _add_units(rng, now)
        catalog = services.catalogs.create_catalog(CATALOG_NAME, "standard")
        with store.database.atomic():
            items = _add_items(catalog.id, now)
        for level in ("township", "village", "community"):
            services.catalogs.assign(catalog.id, unit_level=level)
        with store.database.atomic():
            counts = _add_postings(store.database, rng, units, items, people, now)
        store.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return Fixture(
        root,
        catalog.id,
        len(units),
        len(items),
        POSTINGS,
        counts,
        time.perf_counter() - start,
    )


def open_services(root: Path):
    """Open the data directory `root` through the program's own door; returns Services."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    return Services.build(open_store(DataLayout(root)))


def plain_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the program's pragmas (WAL, synchronous FULL)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = full")
    conn.execute("PRAGMA cache_size = -32000")
    return conn
