"""The people who work in this installation: who writes a posting and who reviews it."""

from __future__ import annotations

from dataclasses import dataclass

from gkdesk.db.models import UserAccountRow
from gkdesk.db.store import Store
from gkdesk.domain.errors import FieldError, NotFoundError

ROLE_LABELS = {"admin": "管理员", "reviewer": "审核人", "clerk": "经办人", "viewer": "查看"}
REVIEW_ROLES = ("admin", "reviewer")
FIRST_ADMIN = "admin"


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def can_review(self) -> bool:
        return self.role in REVIEW_ROLES


def to_person(row: UserAccountRow) -> Person:
    return Person(row.id, row.username, row.display_name, row.role)


class AccountService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def people(self, roles: tuple[str, ...] | None = None) -> list[Person]:
        """Active accounts, optionally only those with one of ``roles``."""
        query = UserAccountRow.select().where(UserAccountRow.active)
        if roles:
            query = query.where(UserAccountRow.role.in_(roles))
        return [to_person(r) for r in query.order_by(UserAccountRow.id)]

    def person(self, person_id: int) -> Person:
        row = UserAccountRow.get_or_none(UserAccountRow.id == person_id)
        if row is None:
            raise NotFoundError(f"找不到编号为 {person_id} 的人员。")
        return to_person(row)

    def add_person(self, display_name: str, role: str) -> Person:
        """Register a colleague (e.g. the 分管领导 who reviews notices) by name and role."""
        name = " ".join((display_name or "").split())
        if not name:
            raise FieldError("姓名", display_name, "请填写人员姓名。")
        if len(name) > 20:
            raise FieldError("姓名", display_name, f"姓名“{name}”过长，请不超过20个字。")
        if role not in ROLE_LABELS:
            raise FieldError("角色", role, f"角色“{role}”无效。")
        with self._store.database.atomic():
            existing = UserAccountRow.get_or_none(
                UserAccountRow.display_name == name, UserAccountRow.active
            )
            if existing is not None:
                raise FieldError(
                    "姓名", name, f"已有名为“{name}”的人员（{ROLE_LABELS[existing.role]}）。"
                )
            username = name
            n = 1
            while UserAccountRow.select().where(UserAccountRow.username == username).exists():
                n += 1
                username = f"{name}{n}"
            # No password yet: signing in with one comes with accounts proper.
            row = UserAccountRow.create(
                username=username, display_name=name, role=role, password_hash=""
            )
        return to_person(row)

    def session_person(self, username: str | None = None) -> Person:
        """Who is working now: the named account, else the first 管理员 (made on first use)."""
        with self._store.database.atomic():
            if username:
                row = UserAccountRow.get_or_none(
                    UserAccountRow.username == username, UserAccountRow.active
                )
                if row is None:
                    raise NotFoundError(f"找不到用户名为“{username}”的账号。")
                return to_person(row)
            return to_person(ensure_first_admin())


def ensure_first_admin() -> UserAccountRow:
    """The first active 管理员, made if the installation has none (inside the caller's transaction)."""
    row = (
        UserAccountRow.select()
        .where(UserAccountRow.active, UserAccountRow.role == "admin")
        .order_by(UserAccountRow.id)
        .first()
    )
    if row is None:
        row = UserAccountRow.create(
            username=FIRST_ADMIN, display_name="管理员", role="admin", password_hash=""
        )
    return row
