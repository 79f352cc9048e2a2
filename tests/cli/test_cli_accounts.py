"""Signing in from the command line, `gkdesk account …` and `gkdesk audit …`, in-process."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import TEST_PASSWORD, TEST_USER

from gkdesk.cli import main


def run(capsys, data_dir, *args):
    code = main(["--data-dir", str(data_dir), "--json", *args])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


@pytest.fixture
def demo_dir(data_dir, capsys):
    code, _doc, err = run(capsys, data_dir, "demo")
    assert code == 0, err
    return data_dir


def test_demo_makes_the_first_admin_from_the_environment(demo_dir, capsys, monkeypatch):
    code, doc, _err = run(capsys, demo_dir, "account", "list")
    assert code == 0
    accounts = {a["username"]: a for a in doc["result"]["accounts"]}
    admin = accounts[TEST_USER]
    assert (admin["role"], admin["must_change"]) == ("admin", False)
    # The demo's reviewer is a name to review with: it cannot sign in, not even without a password.
    assert accounts["演示审核人"]["must_change"] is True
    monkeypatch.setenv("GKDESK_USER", "演示审核人")
    for password in ("", "!"):
        monkeypatch.setenv("GKDESK_PASSWORD", password)
        assert run(capsys, demo_dir, "info")[0] == 3
    monkeypatch.setenv("GKDESK_USER", TEST_USER)
    monkeypatch.setenv("GKDESK_PASSWORD", "not-the-password")
    code, doc, err = run(capsys, demo_dir, "info")
    assert code == 3 and "用户名或密码不正确" in err


def test_init_without_a_password_says_which_variable_to_set(data_dir, capsys, monkeypatch):
    monkeypatch.delenv("GKDESK_PASSWORD")
    code = main(
        [
            "--data-dir",
            str(data_dir),
            "init",
            "--level",
            "county",
            "--code",
            "220188000000",
            "--name",
            "青原县",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "GKDESK_PASSWORD" in err
    assert not (data_dir / "gkdesk.db").exists()


def test_a_command_without_a_user_says_how_to_give_one(demo_dir, capsys, monkeypatch):
    monkeypatch.delenv("GKDESK_USER")
    code, _doc, err = run(capsys, demo_dir, "units", "list")
    assert code == 2 and "GKDESK_USER" in err


def test_five_wrong_passwords_lock_the_account_and_a_reset_unlocks(demo_dir, capsys, monkeypatch):
    monkeypatch.setenv("GKDESK_NEW_PASSWORD", "Zhang-first-2026")
    code, doc, err = run(
        capsys, demo_dir, "account", "add", "zhang", "--name", "张会计", "--role", "经办人"
    )
    assert code == 0, err
    assert doc["result"]["account"]["must_change"] is True

    monkeypatch.setenv("GKDESK_USER", "zhang")
    monkeypatch.setenv("GKDESK_PASSWORD", "Zhang-first-2026")
    code, _doc, err = run(capsys, demo_dir, "units", "list")
    assert code == 3 and "account passwd" in err  # must choose a password first
    monkeypatch.setenv("GKDESK_NEW_PASSWORD", "Zhang-own-2026")
    code, _doc, err = run(capsys, demo_dir, "account", "passwd")
    assert code == 0, err
    monkeypatch.setenv("GKDESK_PASSWORD", "Zhang-own-2026")
    assert run(capsys, demo_dir, "units", "list")[0] == 0
    # A 经办人 may not manage accounts.
    code, _doc, err = run(capsys, demo_dir, "account", "reset", TEST_USER)
    assert code == 3 and "无权" in err and "重设密码" in err

    monkeypatch.setenv("GKDESK_PASSWORD", "wrong-guess-1")
    for _ in range(5):
        assert run(capsys, demo_dir, "units", "list")[0] == 3
    monkeypatch.setenv("GKDESK_PASSWORD", "Zhang-own-2026")
    code, _doc, err = run(capsys, demo_dir, "units", "list")
    assert code == 3 and "账号已锁定" in err

    monkeypatch.setenv("GKDESK_USER", TEST_USER)
    monkeypatch.setenv("GKDESK_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("GKDESK_NEW_PASSWORD", "Zhang-reset-2026")
    assert run(capsys, demo_dir, "account", "reset", "zhang")[0] == 0
    code, doc, _err = run(capsys, demo_dir, "account", "list")
    zhang = next(a for a in doc["result"]["accounts"] if a["username"] == "zhang")
    assert zhang["locked_until"] is None and zhang["must_change"] is True


def test_audit_list_and_verify_then_a_tampered_row_is_found(demo_dir, capsys):
    code, doc, _err = run(capsys, demo_dir, "audit", "list", "--user", TEST_USER)
    assert code == 0
    actions = [e["action"] for e in doc["result"]["events"]]
    assert "登录" in actions
    code, doc, _err = run(capsys, demo_dir, "audit", "verify")
    assert code == 0 and doc["result"]["ok"] and doc["result"]["checked"] >= 2

    conn = sqlite3.connect(demo_dir / "gkdesk.db")
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("UPDATE audit_event SET username = 'someone' WHERE id = 2")
    conn.commit()
    conn.close()
    code, doc, err = run(capsys, demo_dir, "audit", "verify")
    assert code == 4 and "第2条" in err
    assert doc["error"]["details"]["broken_id"] == 2


def test_the_setup_is_recorded_under_the_first_admin(demo_dir, capsys):
    code, doc, _err = run(capsys, demo_dir, "audit", "list", "--action", "载入演示数据")
    assert code == 0
    (event,) = doc["result"]["events"]
    assert event["username"] == TEST_USER
    assert event["summary"]["参数"]["admin"]["password"] == "（已隐去）"


def test_audit_list_out_writes_the_filtered_trail_as_csv(demo_dir, capsys, tmp_path):
    import csv

    code, doc, err = run(
        capsys, demo_dir, "audit", "list", "--user", TEST_USER, "--out", str(tmp_path / "记录")
    )
    assert code == 0, err
    out = tmp_path / "记录.csv"
    assert doc["result"]["file"] == str(out)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["编号", "时间", "人员"]
    assert len(rows) - 1 == doc["result"]["written"] >= 2
    assert {r[3] for r in rows[1:]} == {TEST_USER}
