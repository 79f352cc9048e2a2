"""`gkdesk keys ...` and `gkdesk package ...` between two real installations, as processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run(*args, data_dir):
    cmd = [sys.executable, "-m", "gkdesk", "--data-dir", str(data_dir), *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=ENV, timeout=180
    )


def run_json(*args, data_dir):
    proc = run("--json", *args, data_dir=data_dir)
    return proc, json.loads(proc.stdout)


def test_keys_and_packages_from_township_to_county_and_back(tmp_path):
    county, township, stick = tmp_path / "county", tmp_path / "township", tmp_path / "stick"
    stick.mkdir()
    assert run("demo", "--level", "county", data_dir=county).returncode == 0
    assert run("demo", data_dir=township).returncode == 0
    proc, keys = run_json("keys", "export", "--out", str(stick), data_dir=county)
    assert proc.returncode == 0, proc.stderr
    county_key = keys["result"]["file"]

    proc = run("package", "export", "--out", str(stick), data_dir=township)
    assert proc.returncode == 3 and "公钥" in proc.stderr  # the county's key comes first
    assert run("keys", "trust", county_key, data_dir=township).returncode == 0
    proc, out = run_json("package", "export", "--out", str(stick), data_dir=township)
    assert proc.returncode == 0, proc.stderr
    package = out["result"]["packages"][0]["file"]
    assert os.path.exists(package) and package.endswith(".gkpkg")

    proc = run("package", "import", package, "--dry-run", data_dir=county)
    assert proc.returncode == 4
    _, own = run_json("keys", "show", data_dir=township)
    fingerprint = own["result"]["own"]["fingerprint"]
    assert fingerprint in proc.stderr and "--trust" in proc.stderr

    proc, plan = run_json("package", "import", package, "--trust", fingerprint, data_dir=county)
    assert proc.returncode == 0, proc.stderr
    assert plan["result"]["applied"] and plan["result"]["totals"]["new"] > 0
    proc = run("package", "import", package, data_dir=county)
    assert proc.returncode == 0 and "已导入过" in proc.stdout
    proc, status = run_json("package", "status", data_dir=county)
    qingshan = next(t for t in status["result"]["townships"] if t["code"] == "220188100000")
    assert qingshan["last_seq"] == 1 and qingshan["key_registered"]

    bad = tmp_path / "bad.gkpkg"
    data = bytearray(Path(package).read_bytes())
    data[len(data) // 3] ^= 0xFF
    bad.write_bytes(bytes(data))
    proc = run("package", "import", str(bad), data_dir=county)
    assert proc.returncode == 4 and "bad.gkpkg" in proc.stderr


def test_imports_leave_a_backup_to_go_back_to(tmp_path):
    data = tmp_path / "data"
    assert run("demo", data_dir=data).returncode == 0
    out = tmp_path / "目录.xlsx"
    assert (
        run("catalog", "export", "--catalog", "1", "--out", str(out), data_dir=data).returncode == 0
    )
    proc = run("catalog", "import", str(out), "--new", "复制的目录", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    assert list((data / "backups").glob("gkdesk-*-before-import.db"))
