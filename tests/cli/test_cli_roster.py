"""`gkdesk roster ...` as separate processes: exit codes, JSON, error workbook path."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run_json(data_dir, *args):
    proc = subprocess.run(
        [sys.executable, "-m", "gkdesk", "--data-dir", str(data_dir), "--json", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=180,
    )
    return proc, json.loads(proc.stdout)


@pytest.fixture
def demo_dir(data_dir):
    proc, _ = run_json(data_dir, "demo")
    assert proc.returncode == 0
    return data_dir


def test_import_list_export(demo_dir, gengdi_workbook, tmp_path):
    proc, doc = run_json(
        demo_dir,
        "roster",
        "import",
        str(gengdi_workbook(5)),
        "--program",
        "耕地地力保护补贴",
        "--unit",
        "青山村",
        "--period",
        "2025",
    )
    assert proc.returncode == 0, proc.stderr
    roster = doc["result"]["roster"]
    assert roster["entries"] == 5 and roster["unit_code"] == "220188100201"
    proc, doc = run_json(demo_dir, "roster", "list")
    (listed,) = doc["result"]["rosters"]
    assert listed["id"] == roster["id"] and listed["total_amount"] == roster["total_amount"]
    out = tmp_path / "公告栏.xlsx"
    proc, doc = run_json(
        demo_dir, "roster", "export", str(roster["id"]), "--profile", "board", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    cells = [
        str(c.value)
        for row in openpyxl.load_workbook(out).active.iter_rows()
        for c in row
        if c.value
    ]
    assert any("********" in c for c in cells)
    proc, doc = run_json(
        demo_dir, "roster", "template", "--program", "dibao", "--out", str(tmp_path / "模板.xlsx")
    )
    assert proc.returncode == 0 and (tmp_path / "模板.xlsx").exists()


def test_rejected_import_exits_3_with_cells_and_error_book(demo_dir, gengdi_workbook):
    def spoil(ws):
        ws["C4"] = 2.20102195001011e17  # an ID that Excel turned into a number

    proc, doc = run_json(
        demo_dir,
        "roster",
        "import",
        str(gengdi_workbook(3, edit=spoil)),
        "--program",
        "gengdi",
        "--unit",
        "220188100201",
        "--period",
        "2025",
    )
    assert proc.returncode == 3
    details = doc["error"]["details"]
    assert details["error_count"] >= 1
    first = details["errors"][0]
    assert first["row"] == 4 and first["column"].startswith("C列") and "15位" in first["message"]
    assert os.path.exists(details["error_book"])
    assert "第4行" in proc.stderr
    proc, doc = run_json(demo_dir, "roster", "list")
    assert doc["result"]["rosters"] == []


def test_usage_and_lookup_errors(demo_dir, gengdi_workbook, tmp_path):
    proc, doc = run_json(
        demo_dir,
        "roster",
        "import",
        str(gengdi_workbook(2)),
        "--program",
        "无此项目",
        "--unit",
        "青山村",
        "--period",
        "2025",
    )
    assert proc.returncode == 3 and "可用" in doc["error"]["message"]
    fake = tmp_path / "名单.xlsx"
    fake.write_text("a,b\n1,2\n", encoding="utf-8")
    proc, doc = run_json(
        demo_dir,
        "roster",
        "import",
        str(fake),
        "--program",
        "gengdi",
        "--unit",
        "青山村",
        "--period",
        "2025",
    )
    assert proc.returncode == 3 and "名单.xlsx" in doc["error"]["message"]
    proc, doc = run_json(demo_dir, "roster", "export", "99", "--out", str(tmp_path / "x.xlsx"))
    assert proc.returncode == 3 and "99" in doc["error"]["message"]


def test_print_roster_and_posting(demo_dir, gengdi_workbook, tmp_path):
    from pypdf import PdfReader

    proc, doc = run_json(
        demo_dir,
        "roster",
        "import",
        str(gengdi_workbook(20)),
        "--program",
        "gengdi",
        "--unit",
        "青山村",
        "--period",
        "2025",
    )
    roster_id = doc["result"]["roster"]["id"]
    out = tmp_path / "公示.pdf"
    proc, doc = run_json(
        demo_dir,
        "print",
        "roster",
        str(roster_id),
        "--out",
        str(out),
        "--paper",
        "A3",
        "--landscape",
        "--notice-start",
        "2025-04-25",
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        doc["result"]["pages"] == len(PdfReader(out).pages)
        and doc["result"]["font_embedded"] is True
    )
    proc, doc = run_json(
        demo_dir,
        "print",
        "roster",
        str(roster_id),
        "--out",
        str(out),
        "--notice-start",
        "25/04/2025",
    )
    assert proc.returncode == 2 and "2025-04-25" in doc["error"]["message"]
    proc, doc = run_json(demo_dir, "print", "posting", "1", "--out", str(tmp_path / "p.pdf"))
    assert proc.returncode == 0, proc.stderr
    proc, doc = run_json(demo_dir, "print", "posting", "9999", "--out", str(tmp_path / "q.pdf"))
    assert proc.returncode == 3 and not (tmp_path / "q.pdf").exists()
