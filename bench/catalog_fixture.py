"""The county directory fixture of the catalog_* workloads (built untimed, in a data dir).

A demo county (home = county) grown to about 300 units, and one directory of 30 一级 x 10 二级
x 10 三级 items: 3,000 leaves with 100-300 characters of content each, 3,330 rows in all,
assigned to every village. Built through the real services except the item rows, which are
inserted with peewee in one transaction (add_item would take minutes and is not what is
being measured).

Imports gkdesk: only the driver (bench/catalog_driver.py) uses this, never `python -m bench`
itself.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HOME_CODE = "220188000000"
TOWNSHIPS = ("220188100000", "220188101000", "220188200000")
TARGET_UNITS = 300
CATALOG_NAME = "基准目录"
HIT_TERM = "补贴"
MISS_TERM = "量子纠缠"  # appears nowhere in the fixture

AREAS = (
    "重大建设项目",
    "公共资源交易",
    "财政预决算",
    "安全生产",
    "税收管理",
    "农村集体土地征收（征地补偿）",
    "国有土地上房屋征收与补偿",
    "农村危房改造",
    "生态环境",
    "公共文化服务",
    "扶贫",
    "救灾",
    "社会救助",
    "养老服务",
    "户籍管理",
    "涉农补贴",
    "义务教育",
    "卫生健康",
    "城市综合执法",
    "就业",
    "社会保险",
    "城乡规划",
    "食品药品监管",
    "公共法律服务",
    "保障性住房",
    "市政服务",
    "乡村振兴",
    "退役军人服务",
    "自然资源",
    "农业农村",
)
LEVEL2 = (
    "农业生产发展资金",
    "耕地地力保护补贴",
    "农机购置与应用补贴",
    "实际种粮农民一次性补贴",
    "农村危房改造补助资金",
    "城乡居民基本医疗保险",
    "最低生活保障",
    "特困人员救助供养",
    "临时救助",
    "高龄津贴",
    "残疾人两项补贴",
    "退役军人优抚",
    "义务教育营养改善计划",
    "学生资助",
    "就业创业补贴",
    "公益性岗位",
    "农村集体经济组织收益分配",
    "一事一议财政奖补",
    "土地承包经营权确权",
    "宅基地审批",
    "征地补偿安置",
    "河湖长制",
    "森林防火",
    "生态公益林补偿",
    "退耕还林补助",
    "草原生态保护补助奖励",
    "农业保险保费补贴",
    "动物防疫",
    "食品安全监管",
    "安全生产检查",
    "计划生育奖励扶助",
    "殡葬改革",
    "衔接资金项目",
    "防返贫监测帮扶",
    "脱贫人口小额信贷",
    "雨露计划",
    "农村饮水安全",
    "农村公路建设养护",
    "村级公益事业建设",
    "人居环境整治",
)
LEVEL3 = (
    "政策依据",
    "申请条件",
    "标准和金额",
    "办理流程",
    "审核结果公示",
    "资金发放情况",
    "监督举报渠道",
    "年度计划",
    "工作总结",
    "绩效评价",
)
SENTENCES = (
    "公开本年度资金的来源、规模、分配方式和使用范围",
    "按照县、乡、村三级审核的结果，逐户列明享受对象姓名、所在村组和核定金额",
    "补贴资金通过“一卡通”直接发放到户，严禁截留、挤占、挪用",
    "申请人持身份证、户口簿和相关证明材料向所在村委会提出书面申请",
    "村民委员会在收到申请后五个工作日内入户调查核实并提出初审意见",
    "乡镇人民政府对初审材料进行复核，复核结果在村务公开栏公示不少于七天",
    "公示期间对结果有异议的，可以向乡镇纪委或县有关部门反映",
    "县主管部门根据复核意见审批，并将审批结果反馈乡镇和申请人",
    "资金发放后，乡镇财政所将发放明细报县财政局备案",
    "年度结束后对项目实施情况开展绩效自评，评价结果向社会公开",
    "政策咨询电话和监督举报电话在政府网站和村务公开栏同步公布",
    "对虚报冒领、优亲厚友等行为，一经查实，追回资金并依法依规处理",
    "涉及个人隐私的信息按规定作去标识化处理后公开",
    "建立动态管理台账，对不再符合条件的对象及时停止发放",
    "项目建设内容、建设地点、投资规模、实施单位和完工时间一并公开",
    "招标投标、政府采购、工程验收等环节的结果信息依法公开",
)
BASIS = (
    "《中华人民共和国政府信息公开条例》、《国务院办公厅关于全面推进基层政务公开标准化"
    "规范化工作的指导意见》（国办发〔2019〕54号）"
)
SUBJECTS = ("县农业农村局", "县民政局", "县财政局", "县人力资源和社会保障局", "各乡镇人民政府")


@dataclass(frozen=True)
class Fixture:
    root: Path
    catalog_id: int
    rows: int  # catalog_item rows of the directory (leaves and parents)
    leaves: int
    units: int
    build_s: float

    @property
    def database(self) -> Path:
        return self.root / "gkdesk.db"

    def facts(self) -> dict:
        return {
            "catalog_rows": self.rows,
            "leaf_items": self.leaves,
            "units": self.units,
            "fixture_build_s": self.build_s,
        }


def _content(rng: random.Random, level2: str, level3: str) -> str:
    text = f"{level2}{level3}："
    target = rng.randint(100, 300)
    while len(text) < target:
        text += rng.choice(SENTENCES) + "；"
    return text[:target].rstrip("；") + "。"


def _load_demo_units(services) -> None:
    """The demo county's units only: the directory under test must be the only one, so that
    the 公开目录 page opens on it (it shows the first directory)."""
    import inspect

    if "content" in inspect.signature(services.setup.load_demo).parameters:
        services.setup.load_demo("county", content=False)
    else:
        services.setup.load_demo("county")


def _add_units(services) -> int:
    from gkdesk.db.models import OrgUnitRow

    units = OrgUnitRow.select().count()
    used = {code for (code,) in OrgUnitRow.select(OrgUnitRow.code).tuples()}
    with services.store.database.atomic():
        for number in range(300, 600):  # village codes; the demo uses 201-205
            for township in TOWNSHIPS:
                code = f"{township[:9]}{number:03d}"
                if units >= TARGET_UNITS or code in used:
                    continue
                services.units.add(township, code, f"第{number - 299}村")
                units += 1
    return units


def _add_items(catalog_id: int) -> tuple[int, int]:
    from gkdesk.db.models import CatalogItemRow, new_uuid

    rng = random.Random(20240501)
    now = datetime.now().replace(microsecond=0)
    rows = leaves = 0

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

    for p1, area in enumerate(AREAS):
        id1 = CatalogItemRow.insert(row(None, p1, area, area)).execute()
        rows += 1
        for p2 in range(10):
            level2 = LEVEL2[(p1 * 7 + p2) % len(LEVEL2)]
            id2 = CatalogItemRow.insert(row(id1, p2, level2, area)).execute()
            rows += 1
            batch = []
            for p3, level3 in enumerate(LEVEL3):
                batch.append(
                    row(
                        id2,
                        p3,
                        level3,
                        area,
                        content=_content(rng, level2, level3),
                        basis=BASIS,
                        time_limit="信息形成或者变更之日起20个工作日内",
                        cadence="on_event",
                        cadence_days=20,
                        subject=rng.choice(SUBJECTS),
                        channels=json.dumps(
                            ["政府网站", "政务服务中心", "社区/企事业单位/村公示栏（电子屏）"],
                            ensure_ascii=False,
                        ),
                        audience="全社会",
                        method="主动",
                        tiers=json.dumps(["县级", "乡级", "村级"], ensure_ascii=False),
                    )
                )
            CatalogItemRow.insert_many(batch).execute()
            rows += len(batch)
            leaves += len(batch)
    return rows, leaves


def build(root: Path) -> Fixture:
    """Create the fixture in the empty data directory `root`; leaves the store closed."""
    import time

    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    start = time.perf_counter()
    store = open_store(DataLayout(root))
    try:
        services = Services.build(store)
        _load_demo_units(services)
        units = _add_units(services)
        catalog = services.catalogs.create_catalog(CATALOG_NAME, "standard")
        with store.database.atomic():
            rows, leaves = _add_items(catalog.id)
        services.catalogs.assign(catalog.id, unit_level="village")
        store.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return Fixture(root, catalog.id, rows, leaves, units, time.perf_counter() - start)


def open_services(root: Path):
    """Open the data directory `root` through the program's own door; returns Services."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    return Services.build(open_store(DataLayout(root)))


def copy_data_dir(fixture: Fixture, target: Path) -> Path:
    """A fresh copy of the fixture's database file (checkpointed, so one file) in `target`."""
    target.mkdir(parents=True)
    shutil.copy2(fixture.database, target / fixture.database.name)
    return target


def plain_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the program's pragmas (WAL, synchronous FULL)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = full")
    conn.execute("PRAGMA cache_size = -32000")
    return conn
