"""`gkdesk posting ...` and `gkdesk calendar ...` run as separate processes on a real data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run(*args, data_dir=None):
    cmd = [sys.executable, "-m", "gkdesk"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(
        cmd + list(args), capture_output=True, text=True, encoding="utf-8", env=ENV, timeout=120
    )


def run_json(*args, data_dir=None):
    proc = run("--json", *args, data_dir=data_dir)
    return proc, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli-postings") / "data"
    assert run("demo", data_dir=data_dir).returncode == 0
    return data_dir


def test_calendar_due_gives_the_date_and_the_reason_trail(tmp_path):
    # Request received Fri 2025-09-26 -> 20 working days -> due Thu 2025-10-30.
    fresh = tmp_path / "data"  # an installation not set up yet still answers the question
    proc, doc = run_json("calendar", "due", "2025-09-26", "20", data_dir=fresh)
    assert proc.returncode == 0, proc.stderr
    assert doc["result"]["due"] == "2025-10-30"
    reasons = {t["date"]: t["reason"] for t in doc["result"]["trail"]}
    assert reasons["2025-10-01"] == "国庆节放假"
    assert reasons["2025-09-28"] == "调休上班"
    text = run("calendar", "due", "2025-09-26", "20", data_dir=fresh).stdout
    assert "2025-10-30" in text and "国庆" in text and "调休" in text


def test_calendar_due_refuses_a_year_it_does_not_know_and_learns_it(tmp_path):
    data_dir = tmp_path / "data"
    proc = run("calendar", "due", "2031-01-05", "3", data_dir=data_dir)
    assert proc.returncode == 3
    assert "2031" in proc.stderr and "工作日历" in proc.stderr
    assert run("demo", data_dir=data_dir).returncode == 0
    assert run("calendar", "year", "2031", data_dir=data_dir).returncode == 0
    assert (
        run(
            "calendar", "set", "2031-01-06", "off", "--name", "地方假日", data_dir=data_dir
        ).returncode
        == 0
    )
    proc, doc = run_json("calendar", "due", "2031-01-05", "3", data_dir=data_dir)  # a Sunday
    assert doc["result"]["due"] == "2031-01-09"
    assert {"date": "2031-01-06", "reason": "地方假日"} in doc["result"]["trail"]


def test_calendar_due_rejects_a_bad_date():
    proc = run("calendar", "due", "2025-13-40", "5")
    assert proc.returncode == 3
    assert "2025-13-40" in proc.stderr and "日期" in proc.stderr


def test_posting_list_show_and_filters(demo_dir):
    proc, doc = run_json("posting", "list", data_dir=demo_dir)
    assert proc.returncode == 0, proc.stderr
    postings = doc["result"]["postings"]
    statuses = {p["status"] for p in postings}
    assert {"draft", "pending_review", "reviewed", "posted", "archived"} <= statuses
    # The demo's 低保 lists ended three days ago: listing moved them on by itself.
    assert "period_ended" in statuses
    proc, doc = run_json("posting", "list", "--status", "待审核", data_dir=demo_dir)
    assert [p["status"] for p in doc["result"]["postings"]] == ["pending_review"]
    with_objection = next(p for p in postings if p["open_objections"])
    proc, doc = run_json("posting", "show", str(with_objection["id"]), data_dir=demo_dir)
    shown = doc["result"]
    assert shown["title"] == with_objection["title"]
    assert shown["objections"][0]["closed"] is False
    assert shown["author"] == "管理员" and shown["reviewer"] == "李书记"
    text = run("posting", "show", str(with_objection["id"]), data_dir=demo_dir).stdout
    assert "未办结" in text and with_objection["title"] in text


def test_posting_show_unknown_id(demo_dir):
    proc = run("posting", "show", "99999", data_dir=demo_dir)
    assert proc.returncode == 3
    assert "99999" in proc.stderr


def test_posting_search_chinese_substrings(demo_dir):
    proc, doc = run_json("posting", "search", "文化广场", data_dir=demo_dir)
    assert [p["title"] for p in doc["result"]["postings"]] == [
        "关于村文化广场建设项目招标结果的公示"
    ]
    proc, doc = run_json("posting", "search", "低保", data_dir=demo_dir)
    titles = [p["title"] for p in doc["result"]["postings"]]
    assert titles and all("低保" in t for t in titles)
    proc = run("posting", "search", "没有这样的内容啊", data_dir=demo_dir)
    assert proc.returncode == 0 and "没有找到" in proc.stdout


def test_posting_reminders_and_zero_report(demo_dir):
    proc, doc = run_json("posting", "reminders", data_dir=demo_dir)
    result = doc["result"]
    assert result["counts"]["open_objections"] == 1
    assert result["counts"]["awaiting_review"] == 1
    assert result["overdue"], "standing items nobody posted are overdue"
    proc, units = run_json("units", "list", data_dir=demo_dir)
    proc, ledger = run_json("catalog", "ledger", data_dir=demo_dir)
    monthly = next(i for i in ledger["result"]["items"] if i["path"][-1] == "村级财务收支明细")
    # A village that has posted nothing for the month reports zero in one step.
    posted = {
        p["unit_code"]
        for p in run_json("posting", "list", "--limit", "1000", data_dir=demo_dir)[1]["result"][
            "postings"
        ]
        if p["item_id"] == monthly["id"]
    }
    village = next(
        u for u in units["result"]["units"] if u["level"] == "village" and u["code"] not in posted
    )
    proc, doc = run_json(
        "posting",
        "zero",
        "--unit",
        village["code"],
        "--item",
        str(monthly["id"]),
        data_dir=demo_dir,
    )
    assert proc.returncode == 0, proc.stderr
    assert doc["result"]["kind"] == "zero" and doc["result"]["status"] == "archived"
    proc = run(
        "posting",
        "zero",
        "--unit",
        village["code"],
        "--item",
        str(monthly["id"]),
        data_dir=demo_dir,
    )
    assert proc.returncode == 3 and "已有公示" in proc.stderr
