"""Who a command acts as: the account in GKDESK_USER, signed in with GKDESK_PASSWORD.

At a terminal a missing user name or password is asked for (the password without echo).
``init`` and ``demo`` create the first 管理员 from the same variables. An installation that
has no account yet (nothing set up) is worked on by nobody in particular, with the rights of
the 管理员 it is about to get: there is nothing in it to protect.
"""

from __future__ import annotations

import getpass
import os
import sys

from gkdesk.domain.errors import UsageError

USER_VAR = "GKDESK_USER"
PASSWORD_VAR = "GKDESK_PASSWORD"
NEW_PASSWORD_VAR = "GKDESK_NEW_PASSWORD"
DEFAULT_ADMIN = "admin"


def _interactive() -> bool:
    return bool(sys.stdin and sys.stdin.isatty())


def ask(prompt: str, *, secret: bool = False) -> str:
    if secret:
        return getpass.getpass(prompt, stream=sys.stderr)
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip()


def username_from_env(default: str | None = None) -> str:
    name = os.environ.get(USER_VAR, "").strip()
    if name:
        return name
    if default:
        return default
    if _interactive():
        return ask("用户名：")
    raise UsageError(
        f"请用环境变量 {USER_VAR} 给出用户名、{PASSWORD_VAR} 给出密码，"
        f"例如 set {USER_VAR}=admin（Windows）或 export {USER_VAR}=admin。"
    )


def password_from_env(username: str) -> str:
    password = os.environ.get(PASSWORD_VAR)
    if password is not None:
        return password
    if _interactive():
        return ask(f"账号 {username} 的密码：", secret=True)
    raise UsageError(f"请用环境变量 {PASSWORD_VAR} 给出账号 {username} 的密码。")


def new_password_from_env(what: str, var: str = NEW_PASSWORD_VAR) -> str:
    """A new password from ``var``, or typed twice at a terminal."""
    password = os.environ.get(var)
    if password is not None:
        return password
    if _interactive():
        first = ask(f"{what}：", secret=True)
        second = ask("再输入一次：", secret=True)
        if first != second:
            raise UsageError("两次输入的密码不一致，没有做任何改动。")
        return first
    raise UsageError(f"请用环境变量 {var} 给出{what}。")


def first_admin_from_env():
    """The first 管理员 of ``init``/``demo``: GKDESK_USER (default admin) and GKDESK_PASSWORD."""
    from gkdesk.services.setup import FirstAdmin, check_first_admin

    username = os.environ.get(USER_VAR, "").strip() or DEFAULT_ADMIN
    password = os.environ.get(PASSWORD_VAR)
    if password is None:
        if not _interactive():
            raise UsageError(
                f"请用环境变量 {PASSWORD_VAR} 给出首个管理员的密码（至少8个字符），"
                f"{USER_VAR} 给出其用户名（不给则为 {DEFAULT_ADMIN}）。"
            )
        password = new_password_from_env(f"首个管理员 {username} 的密码", PASSWORD_VAR)
    admin = FirstAdmin(username, password)
    check_first_admin(admin)
    return admin


def sign_in(store, *, allow_must_change: bool = False, setting_up: str = ""):
    """The signed-in ``Person`` for a command on ``store``.

    ``setting_up`` names the 管理员 that ``init``/``demo`` is about to create: the audit
    trail records the setup under that name.
    """
    from gkdesk.services.accounts import AccountService, Person, SignInError
    from gkdesk.services.audit import AuditLog

    accounts = AccountService(store, audit=AuditLog(store).record)
    if not accounts.has_accounts():
        return Person(0, setting_up, "（尚无账号）", "admin")
    username = username_from_env()
    person = accounts.sign_in(username, password_from_env(username))
    if person.must_change and not allow_must_change:
        raise SignInError(
            f"账号“{person.username}”需要先设置新密码：请运行 gkdesk account passwd "
            f"（新密码放在环境变量 {NEW_PASSWORD_VAR} 中），或在程序窗口中登录后设置。"
        )
    return person
