"""`gkdesk units` and `gkdesk catalog` run as separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run(data_dir, *args):
    return subprocess.run(
        [sys.executable, "-m", "gkdesk", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=120,
    )


def run_json(data_dir, *args):
    proc = run(data_dir, "--json", *args)
    return proc, json.loads(proc.stdout)


@pytest.fixture
def demo_dir(data_dir):
    assert run(data_dir, "demo").returncode == 0
    return data_dir


def test_units_list(demo_dir):
    proc, doc = run_json(demo_dir, "units", "list")
    assert proc.returncode == 0
    names = [u["name"] for u in doc["result"]["units"]]
    assert names[0] == "青山镇" and len(names) == 6
    text = run(demo_dir, "units", "list").stdout
    assert "　青山村　220188100201　村" in text


def test_catalog_install_assign_ledger(demo_dir, tmp_path):
    proc, doc = run_json(demo_dir, "catalog", "install", "village", "--name", "青山镇村务公开目录")
    assert proc.returncode == 0, proc.stderr
    catalog = doc["result"]["catalog"]
    assert catalog["kind"] == "village" and catalog["items"] > 30
    proc, doc = run_json(demo_dir, "catalog", "list")
    # The demo brings both built-in directories; the new one comes last.
    assert [c["name"] for c in doc["result"]["catalogs"]][-1] == "青山镇村务公开目录"
    assert len(doc["result"]["catalogs"]) == 3
    assert {t["key"] for t in doc["result"]["templates"]} == {"standard_county", "village"}
    proc, doc = run_json(demo_dir, "catalog", "list", "--items", str(catalog["id"]))
    assert doc["result"]["items"][0]["title"] == "党务"
    proc = run(demo_dir, "catalog", "assign", "--catalog", str(catalog["id"]), "--level", "village")
    assert proc.returncode == 0 and "所有村" in proc.stdout
    out = tmp_path / "台账.xlsx"
    proc, doc = run_json(
        demo_dir, "catalog", "ledger", "--catalog", str(catalog["id"]), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    result = doc["result"]
    assert [u["name"] for u in result["units"]] == ["青山村", "东岗村", "柳树屯村", "王家店村"]
    assert sum(result["counts"].values()) == len(result["units"]) * len(result["items"])
    ws = openpyxl.load_workbook(out).active
    assert ws["B4"].value == "青山村"
    assert ws.cell(4, 3).value in ("逾期", "未到期")


def test_demo_ledger_has_every_status(demo_dir):
    proc, doc = run_json(demo_dir, "catalog", "ledger")
    counts = doc["result"]["counts"]
    assert counts["已公开"] > 0 and counts["零报告"] > 0 and counts["逾期"] > 0


def test_catalog_errors(demo_dir):
    proc = run(demo_dir, "catalog", "assign", "--level", "village")
    assert proc.returncode == 2 and "请用 --catalog 指定目录" in proc.stderr
    proc = run(demo_dir, "catalog", "install", "nonexistent")
    assert proc.returncode == 3 and "没有名为“nonexistent”的内置模板" in proc.stderr
    proc = run(demo_dir, "catalog")
    assert proc.returncode == 2 and "请指定操作" in proc.stderr
    proc = run(demo_dir, "catalog", "list", "--items", "99")
    assert proc.returncode == 3 and "找不到编号为 99" in proc.stderr


def test_export_dry_run_import_and_refusals(demo_dir, tmp_path):
    proc, doc = run_json(demo_dir, "catalog", "list")
    village = next(c for c in doc["result"]["catalogs"] if c["kind"] == "village")
    out = tmp_path / "村务目录.xlsx"
    proc = run(demo_dir, "catalog", "export", "--catalog", str(village["id"]), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.exists()

    proc, doc = run_json(
        demo_dir, "catalog", "import", str(out), "--catalog", str(village["id"]), "--dry-run"
    )
    assert proc.returncode == 0, proc.stderr
    result = doc["result"]
    assert result["applied"] is False and result["unchanged"] == village["items"] - 3
    assert result["new"] == 0 and result["changed"] == 0

    proc, doc = run_json(
        demo_dir, "catalog", "import", str(out), "--new", "县里下发的村务目录", "--kind", "village"
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        doc["result"]["applied"] is True and doc["result"]["catalog"]["items"] == village["items"]
    )

    fake = tmp_path / "名单.xlsx"
    fake.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    before = run_json(demo_dir, "catalog", "list")[1]["result"]["catalogs"]
    proc, doc = run_json(demo_dir, "catalog", "import", str(fake), "--new", "坏的")
    assert proc.returncode == 3
    assert "名单.xlsx" in doc["error"]["message"]
    assert run_json(demo_dir, "catalog", "list")[1]["result"]["catalogs"] == before

    proc = run(demo_dir, "catalog", "import", str(out))
    assert proc.returncode == 2 and "--catalog" in proc.stderr


def test_import_with_rejected_rows_needs_consent(demo_dir, tmp_path):
    path = tmp_path / "目录.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县政务公开事项标准目录"])
    ws.append(["序号", "一级事项", "二级事项", "公开内容（要素）", "公开时限"])
    ws.append([1, "社会救助", "低保审核", "名单", "10个工作日内"])
    ws.append([2, "社会救助", "低保审核", "重复", "10个工作日内"])
    wb.save(path)
    proc, doc = run_json(demo_dir, "catalog", "import", str(path), "--new", "县目录")
    assert proc.returncode == 3
    assert "--skip-rejected" in doc["error"]["message"]
    assert len(run_json(demo_dir, "catalog", "list")[1]["result"]["catalogs"]) == 2
    proc, doc = run_json(
        demo_dir, "catalog", "import", str(path), "--new", "县目录", "--skip-rejected"
    )
    assert proc.returncode == 0, proc.stderr
    assert doc["result"]["created"] == 2  # the 一级 node and the one accepted row
