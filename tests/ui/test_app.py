"""Start-up as the clerk meets it: first-start dialog, refusals, and the smoke run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD, TEST_USER, first_admin
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gkdesk import app as app_module
from gkdesk.db.store import open_store
from gkdesk.services.container import Services
from gkdesk.services.setup import SetupRequest
from gkdesk.ui.dialogs.setup_dialog import SetupChoice, SetupDialog
from gkdesk.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def keep_excepthook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def close_main_window_soon():
    def close():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                widget.close()
                return
        QTimer.singleShot(50, close)

    QTimer.singleShot(50, close)


def test_first_start_with_demo_opens_the_window(qapp, data_dir, prompts, monkeypatch):
    asked = []

    def ask(validate):
        asked.append(validate)
        return SetupChoice(request=None, demo_level="township", admin=first_admin())

    monkeypatch.setattr(SetupDialog, "ask", staticmethod(ask))
    close_main_window_soon()
    assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 0
    assert len(asked) == 1
    store = open_store(app_module.DataLayout(data_dir))
    try:
        assert Services.build(store).setup.home_unit().name == "青山镇"
        # The 管理员 typed into the setup dialog signs in with that password next time.
        from gkdesk.services.accounts import AccountService

        assert AccountService(store).sign_in(TEST_USER, TEST_PASSWORD).role == "admin"
    finally:
        store.close()


def test_leaving_the_setup_dialog_exits_without_setting_up(qapp, data_dir, prompts, monkeypatch):
    monkeypatch.setattr(SetupDialog, "ask", staticmethod(lambda validate: None))
    assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 0
    store = open_store(app_module.DataLayout(data_dir))
    try:
        assert not Services.build(store).setup.is_initialised()
    finally:
        store.close()


def test_a_failed_setup_is_shown_and_asked_again(services, prompts):
    from gkdesk.services.setup import FirstAdmin

    request = SetupRequest(level="county", code="220188000000", name="青原县")
    answers = [
        SetupChoice(request=request, admin=FirstAdmin("admin", "short")),
        SetupChoice(request=request, admin=first_admin()),
    ]
    assert app_module.run_first_setup(services, prompts, ask=lambda v: answers.pop(0)) == TEST_USER
    assert answers == []
    (message,) = prompts.texts("error")
    assert "至少要有8个字符" in message
    assert services.setup.home_unit().name == "青原县"


def test_demo_into_a_dir_with_units_reports_error_then_retries(services, prompts):
    from gkdesk.db.models import OrgUnitRow

    OrgUnitRow.create(origin="x", code="220188000000", name="青原县", level="county")
    answers = [SetupChoice(request=None, demo_level="township", admin=first_admin()), None]
    assert app_module.run_first_setup(services, prompts, ask=lambda v: answers.pop(0)) is None
    (message,) = prompts.texts("error")
    assert "已有单位数据" in message


def test_corrupt_database_is_reported_and_exits_4(qapp, data_dir, prompts):
    data_dir.mkdir()
    (data_dir / "gkdesk.db").write_bytes(b"not a database" * 100)
    assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 4
    (message,) = prompts.texts("error")
    assert str(data_dir / "gkdesk.db") in message and "已损坏" in message


def test_unexpected_error_in_a_slot_is_shown_with_the_log_path(prompts, tmp_path):
    app_module.install_excepthook(prompts, tmp_path / "gkdesk.log")
    try:
        raise RuntimeError("磁盘出错")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    (message,) = prompts.texts("error")
    assert "磁盘出错" in message and str(tmp_path / "gkdesk.log") in message


def test_smoke_run_of_main_py_on_a_fresh_dir(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--smoke", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "d" / "gkdesk.db").exists()


def test_a_second_window_on_the_same_data_folder_is_refused(qapp, data_dir, prompts):
    from gkdesk.instance_lock import InstanceLock

    with InstanceLock(data_dir):
        assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 3
        (message,) = prompts.texts("error")
        assert str(data_dir) in message or data_dir.name in message
        assert not (data_dir / "gkdesk.db").exists()  # refused before anything was opened
    assert app_module.main(["--smoke", "--data-dir", str(data_dir)], prompts=prompts) == 0


def test_the_first_start_of_a_day_backs_up_in_the_background(demo_services):
    from gkdesk.ui.tasks import TaskRunner

    tasks = TaskRunner()
    try:
        app_module.start_daily_backup(demo_services, tasks)
        assert tasks.wait_for_idle()
        app_module.start_daily_backup(demo_services, tasks)  # the same day: no second copy
        assert tasks.wait_for_idle()
    finally:
        tasks.shutdown()
    backups = demo_services.store.layout.backups
    (daily,) = list(backups.glob("gkdesk-*-daily.db"))
    import sqlite3

    with sqlite3.connect(daily) as conn:
        assert conn.execute("SELECT count(*) FROM org_unit").fetchone()[0] > 0


def test_an_installation_that_is_set_up_asks_who_signs_in(qapp, data_dir, prompts, monkeypatch):
    store = open_store(app_module.DataLayout(data_dir))
    Services.build(store).setup.load_demo("township", content=False, admin=first_admin())
    store.close()
    seen = []

    def sign_in(store, prompts):
        from gkdesk.services.accounts import AccountService

        person = AccountService(store).sign_in(TEST_USER, TEST_PASSWORD)
        seen.append(person)
        return person

    monkeypatch.setattr(app_module, "sign_in_window", sign_in)
    shown = []

    def close():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                shown.append(widget.statusBar().currentMessage() + widget.user_label.text())
                widget.close()
                return
        QTimer.singleShot(50, close)

    QTimer.singleShot(50, close)
    assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 0
    assert [p.username for p in seen] == [TEST_USER]
    assert "管理员" in shown[0]
    # Quitting the sign-in opens nothing.
    monkeypatch.setattr(app_module, "sign_in_window", lambda store, prompts: None)
    assert app_module.main(["--data-dir", str(data_dir)], prompts=prompts) == 0


def test_signing_in_with_a_reset_password_asks_for_a_new_one(demo_services, prompts):
    accounts = demo_services.accounts
    person = accounts.add_account("zhang", "张会计", "clerk", "Temp-2026-pw")
    asked = []

    def ask(kind, **kw):
        asked.append((kind, kw))
        if kind == "login":
            return accounts.sign_in("zhang", "Temp-2026-pw"), "Temp-2026-pw"
        return accounts.change_password(kw["username"], kw["old"], "Zhang-own-2026")

    signed_in = app_module.sign_in_window(demo_services.store, prompts, ask=ask)
    assert [k for k, _kw in asked] == ["login", "change"]
    assert asked[1][1]["old"] == "Temp-2026-pw" and "首次登录" in asked[1][1]["why"]
    assert signed_in.id == person.id and not signed_in.must_change
    # The next start offers the same user name first.
    app_module.sign_in_window(
        demo_services.store,
        prompts,
        ask=lambda kind, **kw: asked.append(kw["last"]) if kind == "login" else None,
    )
    assert asked[-1] == "zhang"


def test_a_failure_before_the_data_folder_opens_is_still_shown(
    qapp, data_dir, prompts, monkeypatch
):
    from gkdesk.instance_lock import InstanceLock

    def broken(self):
        raise RuntimeError("锁文件出错")

    monkeypatch.setattr(InstanceLock, "acquire", broken)
    with pytest.raises(RuntimeError) as caught:
        app_module.main(["--data-dir", str(data_dir)], prompts=prompts)
    # What Python does with an exception that leaves main.py: hand it to sys.excepthook.
    sys.excepthook(caught.type, caught.value, caught.tb)
    (message,) = prompts.texts("error")
    assert "锁文件出错" in message and str(data_dir / "logs" / "gkdesk.log") in message
