"""`--self-check`: does this installation work? Run after installing, on any PC, offline.

In a temporary folder it sets up a demo township and a demo county with the real services,
renders a one-page notice sheet with the embedded Chinese font, exports a signed package from
the township and checks it as the county would. The user's own data is not touched; the report
also goes to the log file in the data folder, for technical support. Each step reports ok
or what failed, in Chinese.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gkdesk import __version__
from gkdesk.domain.errors import GkError


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        mark = "通过" if self.ok else "失败"
        return f"[{mark}] {self.name}：{self.detail}（{self.seconds:.1f} 秒）"


class CheckFailed(Exception):
    """A step found something wrong; the message says what, in Chinese."""


class SelfCheck:
    """Runs the steps in order; a step that fails does not stop the ones that do not need it."""

    def __init__(self, root: Path | None = None) -> None:
        self._own_root = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="gkdesk-selfcheck-"))
        self.steps: list[Step] = []
        self.pdf: Path | None = None
        self._stores: list = []

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def step(self, name: str, work: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail = work()
            ok = True
        except (CheckFailed, GkError) as exc:
            detail, ok = getattr(exc, "message", None) or str(exc), False
        except Exception as exc:  # the point is to report, whatever broke
            detail = f"{type(exc).__name__}: {exc}"
            ok = False
            self.trace = traceback.format_exc()
        self.steps.append(Step(name, ok, detail, time.perf_counter() - started))
        return ok

    def run(self) -> bool:
        try:
            if self.step("数据库", self._database):
                self.step("打印公示单（内嵌中文字体）", self._sheet)
                self.step("数据交换包（签名、加密、校验）", self._package)
        finally:
            self.close()
        return self.ok

    def report(self) -> list[str]:
        lines = [f"基层公开工作台 {__version__} 自检"]
        lines += [step.line() for step in self.steps]
        lines.append("自检通过。" if self.ok else "自检未通过：请把以上内容发给技术支持。")
        return lines

    # -- steps ------------------------------------------------------------------------------

    def _open(self, name: str, level: str | None = None):
        """Services on data folder ``name`` (set up as a demo ``level`` the first time).

        Only one data folder is open at a time, as on two real PCs: the caller closes it.
        """
        from gkdesk.db.store import open_store
        from gkdesk.paths import DataLayout
        from gkdesk.services.accounts import Person
        from gkdesk.services.container import Services
        from gkdesk.services.setup import FirstAdmin

        self.close()
        store = open_store(DataLayout(self.root / name))
        self._stores.append(store)
        services = Services(store, person=Person(0, "selfcheck", "自检", "admin"))
        if level is not None:
            admin = FirstAdmin("selfcheck", "Sc-" + secrets.token_urlsafe(12))
            services.setup.load_demo(level, content=True, admin=admin)
        return services

    def _database(self) -> str:
        township = self._open("township", "township")
        home = township.overview.home_unit()
        counts = township.overview.overview().counts
        if not counts.get("postings"):
            raise CheckFailed("演示数据中没有公示记录，资源文件可能缺失。")
        version = township.store.schema_version
        return f"新建数据文件、升级到数据结构版本 {version}、载入演示乡镇 {home.name}"

    def _sheet(self) -> str:
        from gkdesk.services.printing import PrintOptions

        township = self._open("township")
        posting = township.postings.list()[0]
        target = self.root / "self-check.pdf"
        result = township.printing.print_posting(posting.id, target, PrintOptions())
        data = target.read_bytes()
        if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
            raise CheckFailed(f"生成的文件 {target} 不是完整的 PDF。")
        if not result.font.embedded or b"/FontFile2" not in data:
            raise CheckFailed(
                "没有找到可嵌入的中文字体，打印件在别的电脑上可能显示不出汉字。"
                "请在“系统设置—打印字体”中选择一个中文字体文件（.ttf/.ttc）。"
            )
        self.pdf = target
        return f"{result.pages} 页，字体 {Path(result.font.path).name}（已嵌入）"

    def _package(self) -> str:
        stick = self.root / "stick"
        stick.mkdir(exist_ok=True)
        county_key = self._open("county", "county").exchange.export_key_file(stick)
        township = self._open("township")
        township.exchange.trust_key_file(county_key)
        township_key = township.exchange.export_key_file(stick)
        written = township.exchange.export_upward(stick)
        county = self._open("county")
        county.exchange.trust_key_file(township_key)
        plan = county.exchange.inspect(written.path)
        if not plan.trusted:
            raise CheckFailed(f"县级不认可数据包 {written.path.name} 的签名。")
        self.close()
        return f"{written.path.name}：{written.total} 条记录，签名和校验值核对无误"

    def close(self) -> None:
        for store in self._stores:
            store.close()
        self._stores.clear()

    def cleanup(self) -> None:
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
