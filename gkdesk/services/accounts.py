"""Accounts: who may sign in, with which role, and the password rules of signing in.

Four roles: 管理员 (units, accounts, settings), 审核人 (reviews and approves), 经办人 (enters
and prints) and 查看 (read only). What each role may do is decided in
``gkdesk.services.guard``; this module only knows people and passwords.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gkdesk.db.models import UserAccountRow
from gkdesk.db.store import Store
from gkdesk.domain.errors import FieldError, GkError, NotFoundError, ValidationError

ROLE_LABELS = {"admin": "管理员", "reviewer": "审核人", "clerk": "经办人", "viewer": "查看"}
REVIEW_ROLES = ("admin", "reviewer")
FIRST_ADMIN = "admin"
# The hash of an account registered by name only: no password ever matches it.
NO_SIGN_IN = "!"
MAX_FAILURES = 5
LOCK_MINUTES = 5
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,20}$")


class SignInError(ValidationError):
    """Wrong user name or password, or a locked account; nothing about which is said twice."""


class PermissionDenied(GkError):
    """The signed-in role may not do this; exit code 3 like any refused input."""

    exit_code = 3


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    role: str
    must_change: bool = False
    locked_until: datetime | None = None
    last_login_at: datetime | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def can_review(self) -> bool:
        return self.role in REVIEW_ROLES

    @property
    def label(self) -> str:
        return f"{self.display_name}（{self.role_label}）"


def to_person(row: UserAccountRow) -> Person:
    return Person(
        row.id,
        row.username,
        row.display_name,
        row.role,
        bool(row.must_change),
        row.locked_until,
        row.last_login_at,
    )


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not _USERNAME_RE.match(name):
        raise FieldError(
            "用户名",
            username,
            f"用户名“{name}”无效：请用2至20个汉字、字母、数字或 _ . -，不要有空格。",
        )
    return name


def check_display_name(display_name: str) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        raise FieldError("姓名", display_name, "请填写人员姓名。")
    if len(name) > 20:
        raise FieldError("姓名", display_name, f"姓名“{name}”过长，请不超过20个字。")
    return name


def check_role(role: str) -> str:
    if role not in ROLE_LABELS:
        raise FieldError(
            "角色", role, f"角色“{role}”无效，只能是：{'、'.join(ROLE_LABELS.values())}。"
        )
    return role


def hash_password(password: str) -> str:
    from gkdesk.domain.passwords import hash_password as scrypt_hash

    return scrypt_hash(password)


def verify_password(password: str, stored: str) -> bool:
    # Imported when first needed: the window starts without hashlib's OpenSSL part.
    from gkdesk.domain.passwords import verify_password as scrypt_verify

    return scrypt_verify(password, stored)


def check_new_password(password: str, username: str) -> None:
    from gkdesk.domain.passwords import password_problem

    problem = password_problem(password or "", username)
    if problem:
        raise FieldError("密码", "", problem)


class AccountService:
    """People and passwords. ``audit`` records sign-ins (they happen before any session)."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = datetime.now,
        audit: Callable[..., None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit

    # -- who is there ---------------------------------------------------------------------

    def people(self, roles: tuple[str, ...] | None = None) -> list[Person]:
        """Active accounts, optionally only those with one of ``roles``."""
        query = UserAccountRow.select().where(UserAccountRow.active)
        if roles:
            query = query.where(UserAccountRow.role.in_(roles))
        return [to_person(r) for r in query.order_by(UserAccountRow.id)]

    def person(self, person_id: int) -> Person:
        return to_person(self._row(person_id))

    def has_accounts(self) -> bool:
        """True once the installation has an account that can sign in."""
        return UserAccountRow.select().where(UserAccountRow.active).exists()

    def usernames(self) -> list[str]:
        """Active user names, for the sign-in dialog's list."""
        return [p.username for p in self.people()]

    # -- signing in -----------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Person:
        """The account when ``password`` is right; counts failures and locks after five.

        An account without a password (made before signing in existed) only signs in with
        an empty password and then must choose one (``must_change``).
        """
        now = self._clock()
        # A failure is committed (the count, the lock, its audit event) before it is raised.
        with self._store.database.atomic("IMMEDIATE"):
            failure = self._check_sign_in(username, password, now)
        if failure is not None:
            raise SignInError(failure)
        row = UserAccountRow.get(UserAccountRow.username == (username or "").strip())
        return to_person(row)

    def _check_sign_in(self, username: str, password: str, now: datetime) -> str | None:
        """None when signed in (the row updated), else the message to refuse with."""
        row = UserAccountRow.get_or_none(
            UserAccountRow.username == (username or "").strip(), UserAccountRow.active
        )
        if row is None:
            self._record(username or "", "登录失败", {"原因": "用户名不存在"})
            return "用户名或密码不正确。"
        if row.locked_until is not None and row.locked_until > now:
            return self._locked_message(row.locked_until, now)
        if row.password_hash == "":
            ok = password == ""
        else:
            ok = verify_password(password, row.password_hash)
        if not ok:
            row.failed_attempts = (row.failed_attempts or 0) + 1
            if row.failed_attempts >= MAX_FAILURES:
                row.failed_attempts = 0
                row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                row.save()
                self._record(row.username, "账号锁定", {"连续输错次数": MAX_FAILURES})
                return (
                    f"密码连续输错{MAX_FAILURES}次，账号已锁定{LOCK_MINUTES}分钟，"
                    f"请于 {row.locked_until:%H:%M} 后再试，或请管理员重设密码。"
                )
            row.save()
            self._record(row.username, "登录失败", {"原因": "密码不正确"})
            left = MAX_FAILURES - row.failed_attempts
            return f"用户名或密码不正确。再输错{left}次，账号将锁定{LOCK_MINUTES}分钟。"
        row.failed_attempts = 0
        row.locked_until = None
        row.last_login_at = now
        if row.password_hash == "":
            row.must_change = True
        row.save()
        self._record(row.username, "登录", {})
        return None

    def change_password(self, username: str, old_password: str, new_password: str) -> Person:
        """Change one's own password; the old one must be given (or be empty if never set)."""
        with self._store.database.atomic("IMMEDIATE"):
            row = UserAccountRow.get_or_none(
                UserAccountRow.username == username, UserAccountRow.active
            )
            if row is None:
                raise NotFoundError(f"找不到用户名为“{username}”的账号。")
            old_ok = (
                old_password == ""
                if row.password_hash == ""
                else verify_password(old_password, row.password_hash)
            )
            if not old_ok:
                raise FieldError("原密码", "", "原密码不正确。")
            check_new_password(new_password, row.username)
            if row.password_hash and verify_password(new_password, row.password_hash):
                raise FieldError("新密码", "", "新密码不能与原密码相同。")
            row.password_hash = hash_password(new_password)
            row.must_change = False
            row.save()
            self._record(row.username, "修改密码", {})
        return to_person(row)

    # -- administering (the guard allows these to 管理员 only) ------------------------------

    def add_account(self, username: str, display_name: str, role: str, password: str) -> Person:
        """A new account with a first password the person must change at first sign-in."""
        username = check_username(username)
        name = check_display_name(display_name)
        check_role(role)
        check_new_password(password, username)
        with self._store.database.atomic():
            if UserAccountRow.select().where(UserAccountRow.username == username).exists():
                raise FieldError("用户名", username, f"用户名“{username}”已被使用，请换一个。")
            row = UserAccountRow.create(
                username=username,
                display_name=name,
                role=role,
                password_hash=hash_password(password),
                must_change=True,
                created_at=self._clock(),
            )
        return to_person(row)

    def add_person(self, display_name: str, role: str) -> Person:
        """Register a colleague by name only (e.g. the 分管领导 recorded as reviewer).

        The account has no password: it cannot sign in until a 管理员 sets one with
        ``reset_password``.
        """
        name = check_display_name(display_name)
        check_role(role)
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
            row = UserAccountRow.create(
                username=username,
                display_name=name,
                role=role,
                password_hash=NO_SIGN_IN,  # a 管理员 gives a password with reset_password
                must_change=True,
                created_at=self._clock(),
            )
        return to_person(row)

    def reset_password(self, person_id: int, temporary_password: str) -> Person:
        """Give an account a temporary password and lift its lock; changed at next sign-in."""
        with self._store.database.atomic():
            row = self._row(person_id)
            check_new_password(temporary_password, row.username)
            row.password_hash = hash_password(temporary_password)
            row.must_change = True
            row.failed_attempts = 0
            row.locked_until = None
            row.save()
        return to_person(row)

    def set_role(self, person_id: int, role: str) -> Person:
        check_role(role)
        with self._store.database.atomic():
            row = self._row(person_id)
            if row.role == "admin" and role != "admin":
                self._refuse_last_admin(row)
            row.role = role
            row.save()
        return to_person(row)

    def deactivate(self, person_id: int) -> Person:
        """Stop an account from signing in; its name stays on what it did."""
        with self._store.database.atomic():
            row = self._row(person_id)
            if row.role == "admin":
                self._refuse_last_admin(row)
            row.active = False
            row.save()
        return to_person(row)

    # -- sessions without signing in (tests, demo data) -------------------------------------

    def session_person(self, username: str | None = None) -> Person:
        """The named account, else the first 管理员 (made on first use)."""
        with self._store.database.atomic():
            if username:
                row = UserAccountRow.get_or_none(
                    UserAccountRow.username == username, UserAccountRow.active
                )
                if row is None:
                    raise NotFoundError(f"找不到用户名为“{username}”的账号。")
                return to_person(row)
            return to_person(ensure_first_admin())

    # -- inner ----------------------------------------------------------------------------

    def _row(self, person_id: int) -> UserAccountRow:
        row = UserAccountRow.get_or_none(UserAccountRow.id == person_id)
        if row is None:
            raise NotFoundError(f"找不到编号为 {person_id} 的人员。")
        return row

    def _refuse_last_admin(self, row: UserAccountRow) -> None:
        others = (
            UserAccountRow.select()
            .where(
                UserAccountRow.active,
                UserAccountRow.role == "admin",
                UserAccountRow.id != row.id,
            )
            .exists()
        )
        if not others:
            raise ValidationError(
                f"“{row.display_name}”是唯一的管理员，不能停用或改为其他角色。请先把另一人设为管理员。"
            )

    @staticmethod
    def _locked_message(until: datetime, now: datetime) -> str:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        return f"账号已锁定，请于 {until:%H:%M}（约{minutes}分钟后）再试，或请管理员重设密码。"

    def _record(self, username: str, action: str, summary: dict) -> None:
        if self._audit is not None:
            self._audit(username, action, "账号", "", summary)


def create_first_admin(
    username: str, password: str, display_name: str = "管理员"
) -> UserAccountRow:
    """The installation's first 管理员 with a password (inside the caller's transaction).

    An account made before signing in existed (no password) is given the password instead.
    """
    username = check_username(username or FIRST_ADMIN)
    check_new_password(password, username)
    existing = (
        UserAccountRow.select()
        .where(UserAccountRow.active, UserAccountRow.role == "admin")
        .order_by(UserAccountRow.id)
        .first()
    )
    if existing is not None and existing.password_hash not in ("", NO_SIGN_IN):
        raise ValidationError("本机已有管理员账号，不能再创建首个管理员。")
    if existing is not None:
        existing.username = username
        existing.password_hash = hash_password(password)
        existing.must_change = False
        existing.save()
        return existing
    return UserAccountRow.create(
        username=username,
        display_name=display_name,
        role="admin",
        password_hash=hash_password(password),
    )


def ensure_first_admin() -> UserAccountRow:
    """The first active 管理员, made without a password if there is none (caller's transaction)."""
    row = (
        UserAccountRow.select()
        .where(UserAccountRow.active, UserAccountRow.role == "admin")
        .order_by(UserAccountRow.id)
        .first()
    )
    if row is None:
        row = UserAccountRow.create(
            username=FIRST_ADMIN,
            display_name="管理员",
            role="admin",
            password_hash="",
            must_change=True,
        )
    return row
