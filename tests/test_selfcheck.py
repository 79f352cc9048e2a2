"""`--self-check`: the real steps in a temporary folder, and what a failure looks like."""

from __future__ import annotations

import io

from gkdesk import app as app_module
from gkdesk.selfcheck import SelfCheck


def test_every_step_passes_on_a_working_installation(tmp_path):
    check = SelfCheck(tmp_path / "check")
    assert check.run(), check.report()
    names = [s.name for s in check.steps]
    assert names == ["数据库", "打印公示单（内嵌中文字体）", "数据交换包（签名、加密、校验）"]
    assert check.pdf.read_bytes().startswith(b"%PDF")
    assert check.report()[-1] == "自检通过。"


def test_a_missing_chinese_font_fails_that_step_with_advice(tmp_path, monkeypatch):
    from gkdesk.reports.pdf import fonts

    fonts.clear_cache()
    monkeypatch.setattr(fonts, "system_font_dirs", lambda: [tmp_path / "no-fonts"])
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    try:
        check = SelfCheck(tmp_path / "check")
        assert not check.run()
        failed = [s for s in check.steps if not s.ok]
        assert [s.name for s in failed] == ["打印公示单（内嵌中文字体）"]
        assert "打印字体" in failed[0].detail
        # The other steps still ran and passed.
        assert [s.ok for s in check.steps] == [True, False, True]
        assert "自检未通过" in check.report()[-1]
    finally:
        fonts.clear_cache()


def test_the_flag_prints_the_report_and_sets_the_exit_code(qapp, tmp_path, monkeypatch, prompts):
    out = io.StringIO()
    monkeypatch.setattr(app_module.sys, "stdout", out)
    code = app_module.main(["--self-check", "--data-dir", str(tmp_path / "data")], prompts=prompts)
    text = out.getvalue()
    assert code == 0, text
    assert "[通过] Qt 预览与打印" in text and "[通过] Qt 中文界面" in text
    assert text.strip().endswith("自检通过。")
    # The user's data folder gets a log line, never a database.
    assert not (tmp_path / "data" / "gkdesk.db").exists()


def test_without_a_console_the_report_is_shown_in_a_message(qapp, tmp_path, monkeypatch, prompts):
    monkeypatch.setattr(app_module.sys, "stdout", None)
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    code = app_module.main(["--self-check", "--data-dir", str(tmp_path / "data")], prompts=prompts)
    assert code == 0
    (text,) = prompts.texts("info")
    assert "自检通过" in text


def test_qt_speaks_chinese_in_its_own_dialogs(qapp):
    from PySide6.QtCore import QCoreApplication

    assert app_module.install_chinese_qt(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "是(&Y)"
    assert "对话框按钮为中文" in app_module.qt_chinese_check()
