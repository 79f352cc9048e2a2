"""Composition root: builds the database, services and windows; nothing else does.

`python main.py [--data-dir DIR] [--smoke]` opens the window. --smoke builds everything the
first start builds (setup dialog and main window) on the given data directory and exits.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gkdesk import APP_NAME, APP_TITLE, __version__
from gkdesk.db.store import Store, open_store
from gkdesk.domain.errors import EXIT_OK, GkError
from gkdesk.instance_lock import InstanceLock
from gkdesk.logging_setup import LOG_FILE_NAME, configure_logging
from gkdesk.paths import DataLayout, resolve_data_dir, resource_dir
from gkdesk.services.container import Services
from gkdesk.ui.main_window import MainWindow
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from gkdesk.ui.dialogs.setup_dialog import SetupChoice

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gkdesk-gui", description=f"{APP_TITLE}（窗口程序）")
    parser.add_argument(
        "--data-dir", help="数据目录（默认为用户数据目录，或环境变量 GKDESK_DATA_DIR）"
    )
    parser.add_argument("--smoke", action="store_true", help="建立窗口后立即退出（用于检查安装）")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="自检：在临时文件夹中试建数据、打印一页公示单、生成并校验数据包，然后退出",
    )
    parser.add_argument("--version", action="version", version=f"gkdesk {__version__}")
    # Qt's own options (-style, -platform) are left for QApplication.
    args, _unknown = parser.parse_known_args(list(argv))
    return args


def ensure_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    icon = resource_dir() / "gkdesk.ico"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_chinese_qt(app)
    return app


def install_chinese_qt(app: QApplication) -> bool:
    """Qt's own words (是/否 in message boxes, the file and print dialogs) in Chinese."""
    if getattr(app, "_gkdesk_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        log.info("Qt's Chinese translation not found in %s", folder)
        return False
    app.installTranslator(translator)
    app._gkdesk_translator = translator  # kept alive with the application
    return True


def install_excepthook(prompts: Prompts, log_path: Path | None) -> None:
    """An unexpected error is logged and shown in Chinese instead of vanishing."""

    def hook(exc_type, exc, tb) -> None:
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        if isinstance(exc, GkError):
            prompts.error(None, APP_TITLE, exc.message)
            return
        where = f"\n\n详细信息已写入日志文件：{log_path}" if log_path else ""
        prompts.error(
            None,
            f"{APP_TITLE} - 程序出错",
            f"程序遇到意外错误，当前操作没有完成：{exc}{where}\n\n请把日志文件发给技术支持。",
            details="".join(traceback.format_exception(exc_type, exc, tb)),
        )

    sys.excepthook = hook


def apply_setup_choice(services: Services, choice: SetupChoice) -> None:
    if choice.admin is not None:
        # The audit trail records the setup under the 管理员 it creates.
        from gkdesk.services.accounts import Person

        services = Services.build(
            services.store, person=Person(0, choice.admin.username, "（初始设置）", "admin")
        )
    if choice.demo_level:
        services.setup.load_demo(choice.demo_level, admin=choice.admin)
    else:
        services.setup.initialise(choice.request, choice.admin)


def run_first_setup(
    services: Services,
    prompts: Prompts,
    ask: Callable[..., SetupChoice | None] | None = None,
) -> str | None:
    """Ask until the home unit is recorded; the 管理员 made then, or None if the clerk leaves."""
    if ask is None:
        # Imported here: an installation that is set up never pays for building this form.
        from gkdesk.ui.dialogs.setup_dialog import SetupDialog

        ask = SetupDialog.ask
    while True:
        choice = ask(services.setup.validate)
        if choice is None:
            return None
        try:
            apply_setup_choice(services, choice)
        except GkError as exc:
            prompts.error(None, "初始设置未完成", exc.message)
            continue
        return choice.admin.username if choice.admin else ""


LAST_USER = "last_username"


def sign_in_window(store: Store, prompts: Prompts, ask=None):
    """The signed-in person (after a forced password change if due); None if the clerk quits."""
    from gkdesk.services.accounts import AccountService
    from gkdesk.services.audit import AuditLog
    from gkdesk.services.settings_store import get_setting, set_setting

    accounts = AccountService(store, audit=AuditLog(store).record)
    if ask is None:
        from gkdesk.ui.dialogs.account_dialogs import ChangePasswordDialog, LoginDialog, run_dialog

        def ask(kind: str, **kw):
            if kind == "login":
                dialog = LoginDialog(accounts, kw["usernames"], kw["last"])
                return (dialog.person, dialog.password_edit.text()) if run_dialog(dialog) else None
            dialog = ChangePasswordDialog(accounts, kw["username"], kw["old"])
            dialog.set_intro(kw["why"])
            return dialog.person if run_dialog(dialog) else None

    answer = ask("login", usernames=accounts.usernames(), last=get_setting(LAST_USER) or "")
    if answer is None:
        return None
    person, password = answer
    with store.database.atomic():
        set_setting(LAST_USER, person.username)
    if person.must_change:
        why = (
            "这是首次登录或管理员重设过密码，请设置只有自己知道的新密码。"
            if password
            else "本账号还没有密码，请设置登录密码。"
        )
        person = ask("change", username=person.username, old=password, why=why)
    return person


def start_daily_backup(services: Services, tasks: TaskRunner) -> None:
    """The first start of a day copies the database to backups/ (in the background)."""

    def work(_progress, _cancelled):
        if services.overview.home_unit() is None:
            return None
        return services.backups.daily_if_due()

    job = tasks.run_db(work, "每日自动备份")
    job.failed.connect(lambda error: log.warning("daily backup failed: %s", error))


def open_session(store: Store, prompts: Prompts, smoke: bool) -> Services | None:
    """Services for the person at the keyboard: set up first, or sign in; None to quit."""
    from gkdesk.services.accounts import Person

    if smoke:
        # Checking an installation: look, touch nothing, nobody signed in.
        return Services.build(store, person=Person(0, "", "（检查安装）", "viewer"))
    setup = Services.build(store, person=Person(0, "", "（初始设置）", "admin"))
    if not setup.setup.is_initialised():
        username = run_first_setup(setup, prompts)
        if username is None:
            return None
        return Services.build(store, username or None)
    person = sign_in_window(store, prompts)
    if person is None:
        return None
    return Services.build(store, person=person)


def open_for_window(
    layout: DataLayout, prompts: Prompts, smoke: bool, lock: InstanceLock
) -> Store | int:
    try:
        # A second window on the same data folder is refused before the database is opened.
        lock.acquire()
        return open_store(layout)
    except GkError as exc:
        lock.release()
        if smoke:
            print(exc.message, file=sys.stderr)
        else:
            prompts.error(None, f"{APP_TITLE} - 无法打开数据", exc.message)
        return exc.exit_code


def console_stream():
    """Where --self-check prints: stdout, or the console a windowed build was started from."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform == "win32":
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            return open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    return None


def run_self_check(prompts: Prompts) -> int:
    """Check this installation in a temporary folder; 0 when every step passed."""
    from gkdesk.selfcheck import SelfCheck
    from gkdesk.ui.print_pdf import check_print_path

    check = SelfCheck()
    try:
        check.run()
        if check.pdf is not None:
            check.step("Qt 预览与打印", lambda: check_print_path(check.pdf))
        check.step("Qt 中文界面", qt_chinese_check)
        lines = check.report()
    finally:
        check.cleanup()
    for line in lines:
        log.info("self-check: %s", line)
    stream = console_stream()
    if stream is not None:
        print("\n".join(lines), file=stream, flush=True)
    else:
        show = prompts.info if check.ok else prompts.warning
        show(None, f"{APP_TITLE} - 自检", "\n".join(lines))
    return EXIT_OK if check.ok else 1


def qt_chinese_check() -> str:
    from PySide6.QtCore import QCoreApplication

    yes = QCoreApplication.translate("QPlatformTheme", "&Yes")
    if yes == "&Yes":
        from gkdesk.selfcheck import CheckFailed

        raise CheckFailed("没有找到 Qt 的中文翻译（qtbase_zh_CN.qm），对话框按钮会显示英文。")
    return f"对话框按钮为中文（{yes.replace('&', '')}）"


def main(argv: Sequence[str] | None = None, prompts: Prompts | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    app = ensure_application(argv)
    if args.self_check:
        configure_logging(DataLayout(resolve_data_dir(args.data_dir)).logs)
        return run_self_check(prompts or Prompts())
    prompts = prompts or Prompts()
    layout = DataLayout(resolve_data_dir(args.data_dir))
    # From here on nothing fails silently, even before the data folder is open: a windowed
    # build has no console to print a traceback to.
    install_excepthook(prompts, layout.logs / LOG_FILE_NAME)
    lock = InstanceLock(layout.root)
    opened = open_for_window(layout, prompts, args.smoke, lock)
    if isinstance(opened, int):
        return opened
    store = opened
    log_path = configure_logging(layout.logs)
    log.info("gkdesk %s started on %s", __version__, layout.database)
    install_excepthook(prompts, log_path)
    tasks = TaskRunner()
    try:
        services = open_session(store, prompts, args.smoke)
        if services is None:
            return EXIT_OK
        window = MainWindow(services, tasks, prompts)
        window.show()
        if not args.smoke:
            start_daily_backup(services, tasks)
        if args.smoke:
            tasks.wait_for_idle()
            app.processEvents()
            window.close()
            return EXIT_OK
        QTimer.singleShot(0, window.raise_)
        return app.exec()
    finally:
        tasks.shutdown(close_db=store.close)
        store.close()
        lock.release()
