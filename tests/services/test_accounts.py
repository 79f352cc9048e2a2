"""Signing in, locking, changing and resetting passwords, on a real database file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import TEST_PASSWORD, TEST_USER, first_admin

from gkdesk.domain.errors import FieldError, ValidationError
from gkdesk.services.accounts import AccountService, SignInError
from gkdesk.services.audit import AuditLog


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def installed(services):
    services.setup.load_demo("township", content=False, admin=first_admin())
    return services


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(installed, clock):
    return AccountService(installed.store, clock, audit=AuditLog(installed.store).record)


def test_the_first_admin_made_at_setup_signs_in(accounts):
    person = accounts.sign_in(TEST_USER, TEST_PASSWORD)
    assert person.role == "admin" and not person.must_change
    assert person.last_login_at is not None


def test_five_wrong_passwords_lock_the_account_for_five_minutes(accounts, clock):
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInError, match=f"再输错{left}次"):
            accounts.sign_in(TEST_USER, "wrong-password")
    with pytest.raises(SignInError, match="已锁定5分钟"):
        accounts.sign_in(TEST_USER, "wrong-password")
    # Locked: even the right password is refused, with the time to come back.
    clock.now += timedelta(minutes=4)
    with pytest.raises(SignInError, match="09:05"):
        accounts.sign_in(TEST_USER, TEST_PASSWORD)
    clock.now += timedelta(minutes=1, seconds=1)
    assert accounts.sign_in(TEST_USER, TEST_PASSWORD).username == TEST_USER


def test_a_right_password_clears_the_count_of_wrong_ones(accounts):
    for _ in range(4):
        with pytest.raises(SignInError):
            accounts.sign_in(TEST_USER, "wrong-password")
    accounts.sign_in(TEST_USER, TEST_PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInError, match="再输错"):
            accounts.sign_in(TEST_USER, "wrong-password")


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(accounts):
    with pytest.raises(SignInError) as unknown:
        accounts.sign_in("nobody", TEST_PASSWORD)
    assert unknown.value.message == "用户名或密码不正确。"


def test_a_new_account_must_choose_its_own_password(accounts):
    accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    person = accounts.sign_in("zhangkj", "Temp-2026-pw")
    assert person.must_change
    with pytest.raises(FieldError, match="原密码不正确"):
        accounts.change_password("zhangkj", "not-it", "Zhang-own-2026")
    with pytest.raises(FieldError, match="不能与原密码相同"):
        accounts.change_password("zhangkj", "Temp-2026-pw", "Temp-2026-pw")
    with pytest.raises(FieldError, match="至少要有8个字符"):
        accounts.change_password("zhangkj", "Temp-2026-pw", "short")
    changed = accounts.change_password("zhangkj", "Temp-2026-pw", "Zhang-own-2026")
    assert not changed.must_change
    with pytest.raises(SignInError):
        accounts.sign_in("zhangkj", "Temp-2026-pw")
    assert not accounts.sign_in("zhangkj", "Zhang-own-2026").must_change


def test_an_admin_reset_unlocks_and_forces_a_change(accounts):
    person = accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    for _ in range(5):
        with pytest.raises(SignInError):
            accounts.sign_in("zhangkj", "forgotten-1")
    accounts.reset_password(person.id, "Reset-2026-pw")
    again = accounts.sign_in("zhangkj", "Reset-2026-pw")
    assert again.must_change and again.locked_until is None


def test_usernames_are_unique_and_checked(accounts):
    accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    with pytest.raises(FieldError, match="已被使用"):
        accounts.add_account("zhangkj", "张二", "viewer", "Temp-2026-pw")
    with pytest.raises(FieldError, match="用户名“a b”无效"):
        accounts.add_account("a b", "张三", "viewer", "Temp-2026-pw")
    with pytest.raises(FieldError, match="角色“boss”无效"):
        accounts.add_account("boss1", "张三", "boss", "Temp-2026-pw")


def test_the_last_admin_cannot_be_demoted_or_disabled(accounts):
    admin = next(p for p in accounts.people() if p.role == "admin")
    with pytest.raises(ValidationError, match="唯一的管理员"):
        accounts.set_role(admin.id, "clerk")
    with pytest.raises(ValidationError, match="唯一的管理员"):
        accounts.deactivate(admin.id)
    other = accounts.add_account("li", "李站长", "admin", "Li-2026-pass")
    accounts.deactivate(admin.id)
    assert [p.username for p in accounts.people(("admin",))] == [other.username]
    with pytest.raises(SignInError):
        accounts.sign_in(TEST_USER, TEST_PASSWORD)


def test_a_name_only_person_cannot_sign_in_until_given_a_password(accounts):
    person = accounts.add_person("李书记", "reviewer")
    for attempt in ("", "!", "anything-1"):
        with pytest.raises(SignInError):
            accounts.sign_in(person.username, attempt)
    accounts.reset_password(person.id, "Li-shuji-2026")
    assert accounts.sign_in(person.username, "Li-shuji-2026").must_change


def test_an_account_from_before_passwords_sets_one_at_first_sign_in(services):
    services.setup.load_demo("township", content=False)  # the 管理员 has no password yet
    accounts = AccountService(services.store)
    person = accounts.sign_in("admin", "")
    assert person.must_change
    accounts.change_password("admin", "", "First-own-2026")
    with pytest.raises(SignInError):
        accounts.sign_in("admin", "")


def test_sign_ins_are_recorded_in_the_audit_trail(accounts, installed):
    accounts.sign_in(TEST_USER, TEST_PASSWORD)
    with pytest.raises(SignInError):
        accounts.sign_in(TEST_USER, "wrong-password")
    actions = [e.action for e in AuditLog(installed.store).events()]
    assert actions[:2] == ["登录失败", "登录"]
