"""First start: name this installation's home unit, or fill a demo county."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gkdesk.db.models import OrgUnitRow
from gkdesk.db.store import Store
from gkdesk.domain.areacode import UnitLevel, level_of_code, validate_code
from gkdesk.domain.errors import AlreadyInitialisedError, FieldError, ValidationError
from gkdesk.domain.units import Unit
from gkdesk.paths import resource_dir
from gkdesk.services.accounts import (
    check_new_password,
    check_username,
    create_first_admin,
    ensure_first_admin,
)
from gkdesk.services.settings_store import (
    HOME_UNIT_CODE,
    INITIALISED_AT,
    INSTALLATION_ID,
    get_setting,
    set_setting,
)
from gkdesk.services.units_common import home_unit

MAX_NAME_LENGTH = 40
HOME_LEVELS = ("township", "county")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FirstAdmin:
    """The first 管理员's user name and password, chosen at setup."""

    username: str
    password: str
    display_name: str = "管理员"


def check_first_admin(admin: FirstAdmin | None) -> None:
    if admin is not None:
        check_new_password(admin.password, check_username(admin.username))


def _first_admin(admin: FirstAdmin | None) -> None:
    if admin is None:
        ensure_first_admin()
    else:
        create_first_admin(admin.username, admin.password, admin.display_name)


@dataclass(frozen=True)
class SetupRequest:
    """What the setup dialog (or `gkdesk init`) collects."""

    level: str
    code: str
    name: str
    parent_code: str | None = None
    parent_name: str | None = None


@dataclass(frozen=True)
class DemoSummary:
    home: Unit
    counties: int
    townships: int
    villages: int


def _check_name(name: str, field: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise FieldError(field, name, f"{field}不能为空，请填写单位的全称，例如“青山镇”。")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise FieldError(
            field,
            name,
            f"{field}“{cleaned}”过长（{len(cleaned)}个字），请控制在{MAX_NAME_LENGTH}个字以内。",
        )
    return cleaned


def validate_setup_request(request: SetupRequest) -> SetupRequest:
    """Check a request without writing; return it normalised. Raises FieldError."""
    if request.level not in HOME_LEVELS:
        raise FieldError(
            "单位级别", request.level, f"单位级别“{request.level}”无效，只能是乡镇或县级。"
        )
    level = UnitLevel(request.level)
    code = validate_code(request.code, level, field="区划代码")
    name = _check_name(request.name, "单位名称")
    parent_code = None
    parent_name = None
    if level is UnitLevel.TOWNSHIP:
        if not (request.parent_code or "").strip():
            raise FieldError(
                "上级县区划代码",
                request.parent_code,
                "乡镇必须填写上级县（市、区）的12位区划代码，例如 220188000000。",
            )
        parent_code = validate_code(request.parent_code, UnitLevel.COUNTY, field="上级县区划代码")
        if code[:6] != parent_code[:6]:
            raise FieldError(
                "上级县区划代码",
                request.parent_code,
                f"乡镇区划代码 {code} 的前6位是 {code[:6]}，与上级县区划代码 {parent_code} "
                f"不一致。请核对：乡镇代码应以所属县的前6位开头。",
            )
        parent_name = (
            _check_name(request.parent_name, "上级县名称")
            if (request.parent_name or "").strip()
            else f"上级县（{parent_code}）"
        )
    elif (request.parent_code or "").strip():
        raise FieldError(
            "上级县区划代码", request.parent_code, "县级单位不需要填写上级县区划代码，请清空该项。"
        )
    return SetupRequest(
        level=level.value,
        code=code,
        name=name,
        parent_code=parent_code,
        parent_name=parent_name,
    )


class SetupService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    def home_unit(self) -> Unit | None:
        return home_unit()

    def is_initialised(self) -> bool:
        return self.home_unit() is not None

    def validate(self, request: SetupRequest) -> SetupRequest:
        """Check a request without writing; return it normalised. Raises FieldError."""
        return validate_setup_request(request)

    def initialise(self, request: SetupRequest, admin: FirstAdmin | None = None) -> Unit:
        """Record the home unit (and its county for a township) and the first 管理员 in one
        transaction; without ``admin`` the 管理员 has no password yet (set at first sign-in)."""
        request = self.validate(request)
        check_first_admin(admin)
        database = self._store.database
        with database.atomic():
            self._refuse_if_initialised()
            parent = None
            if request.parent_code:
                parent = self._create_unit(
                    request.parent_code, request.parent_name, "county", None, request.code
                )
            self._create_unit(request.code, request.name, request.level, parent, request.code)
            self._mark_initialised(request.code)
            _first_admin(admin)
            self._make_keys()
        return self.home_unit()

    def load_demo(
        self,
        level: str = "township",
        progress: Progress | None = None,
        *,
        content: bool = True,
        admin: FirstAdmin | None = None,
    ) -> DemoSummary:
        """Fill an empty installation with the demo county; home = first township or county.

        With ``content`` the demo also gets both built-in directories, their assignments and
        some postings, so the 公开目录 page and the ledger have something to show.
        """
        if level not in HOME_LEVELS:
            raise FieldError(
                "级别", level, f"演示数据的级别“{level}”无效，只能是 township 或 county。"
            )
        check_first_admin(admin)
        data = json.loads(demo_file().read_text("utf-8"))
        county = data["county"]
        townships = data["townships"]
        home_code = county["code"] if level == "county" else townships[0]["code"]
        total = 1 + sum(1 + len(t["villages"]) for t in townships)
        done = 0
        database = self._store.database
        with database.atomic():
            self._refuse_if_initialised()
            if OrgUnitRow.select().exists():
                raise ValidationError(
                    f"数据目录 {self._store.layout.root} 中已有单位数据，不能再载入演示数据。"
                    "请换一个空的数据目录（--data-dir）。"
                )
            county_row = self._create_unit(
                county["code"], county["name"], "county", None, home_code
            )
            done += 1
            villages = 0
            for position, township in enumerate(townships):
                t_row = self._create_unit(
                    township["code"], township["name"], "township", county_row, home_code, position
                )
                done += 1
                for v_pos, village in enumerate(township["villages"]):
                    v_level = level_of_code(village["code"]).value
                    self._create_unit(
                        village["code"], village["name"], v_level, t_row, home_code, v_pos
                    )
                    villages += 1
                    done += 1
                if progress:
                    progress(done, total, f"已载入 {township['name']}")
            self._mark_initialised(home_code)
            _first_admin(admin)
            self._make_keys()
            if content:
                from gkdesk.services.catalogs import CatalogService
                from gkdesk.services.demo import fill_demo_content

                if progress:
                    progress(done, total, "正在载入演示目录和公示记录")
                fill_demo_content(
                    CatalogService(self._store, self._clock), home_code, self._clock()
                )
        return DemoSummary(
            home=self.home_unit(), counties=1, townships=len(townships), villages=villages
        )

    def _make_keys(self) -> None:
        # Each installation signs its packages with its own keys, made once at setup.
        from gkdesk.services.exchange import ensure_installation_keys

        ensure_installation_keys(self._clock().replace(microsecond=0))

    def _refuse_if_initialised(self) -> None:
        code = get_setting(HOME_UNIT_CODE)
        if code is not None:
            raise AlreadyInitialisedError(
                f"数据目录 {self._store.layout.root} 已经设置过本单位（区划代码 {code}），"
                "不能重复设置。如需重新开始，请使用一个新的空数据目录。"
            )

    def _create_unit(
        self,
        code: str,
        name: str,
        level: str,
        parent: OrgUnitRow | None,
        origin: str,
        position: int = 0,
    ) -> OrgUnitRow:
        existing = OrgUnitRow.get_or_none(OrgUnitRow.code == code)
        if existing is not None:
            raise FieldError(
                "区划代码",
                code,
                f"区划代码 {code} 已被“{existing.name}”使用，同一区划代码只能对应一个单位。",
            )
        return OrgUnitRow.create(
            code=code,
            name=name,
            level=level,
            parent=parent,
            origin=origin,
            position=position,
            updated_at=self._clock().replace(microsecond=0),
        )

    def _mark_initialised(self, home_code: str) -> None:
        set_setting(HOME_UNIT_CODE, home_code)
        set_setting(INSTALLATION_ID, uuid.uuid4().hex)
        set_setting(INITIALISED_AT, self._clock().replace(microsecond=0).isoformat())


def demo_file() -> Path:
    return resource_dir() / "demo" / "demo_county.json"
