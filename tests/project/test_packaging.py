"""The Windows build: gkdesk.spec (PyInstaller), installer.iss (Inno Setup) and the icon.

The slow tests build the bundle with PyInstaller on this machine (Linux in CI) once per session
and run the built program's --self-check, as a clerk would after installing. iscc does not run
on Linux, so installer.iss is checked as text for what the installer promises.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import gkdesk

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "gkdesk.spec"
ISS = ROOT / "installer.iss"
ICON = ROOT / "resources" / "gkdesk.ico"
APP_ID = "{{8C4E7E1B-52D4-4C2B-9F0A-6B1E3D5A7C21}"

# Measured: 211 MiB on Linux (x86-64, Debian, PySide6 6.11.3, Python 3.11, PyInstaller 6.22):
# Qt 60, libpython and system libraries 57, ICU 37, Pillow 15, cryptography 13, the two
# executables 13 (each carries the Python modules), lib-dynload 12. The limit leaves
# room for another distribution's system libraries, not for a stray Qt module (QtQuick alone
# would add 16 MiB, QtWebEngine 200).
MAX_BUNDLE_MIB = 250

# Qt modules the program does not use; none of their libraries may end up in the bundle.
UNUSED_QT = re.compile(
    r"Qt6?(WebEngine|Quick|Qml|3D|Multimedia|Charts|DataVisualization|Bluetooth|Nfc|"
    r"Positioning|Sensors|SerialPort|SerialBus|Sql|Test|Designer|Help|SpatialAudio|"
    r"RemoteObjects|Scxml|TextToSpeech|HttpServer|Location|Graphs|VirtualKeyboard|WebView)"
)
# Development and test packages the program never imports.
UNUSED_PYTHON = ("tkinter", "pytest", "_pytest", "hypothesis", "pypdf", "xlwt", "IPython", "numpy")


# -- gkdesk.spec --------------------------------------------------------------------------------


def spec_functions(*names: str) -> dict:
    """Plain helper functions of the spec, run without PyInstaller."""
    tree = ast.parse(SPEC.read_text("utf-8"))
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert {n.name for n in wanted} == set(names)
    namespace = {"ROOT": ROOT, "Path": Path, "ast": ast, "re": re}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def spec_calls(function: str) -> list[dict[str, ast.expr]]:
    tree = ast.parse(SPEC.read_text("utf-8"))
    return [
        {kw.arg: kw.value for kw in node.keywords}
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
    ]


def test_spec_takes_the_version_from_the_package():
    spec = SPEC.read_text("utf-8")
    assert f'"{gkdesk.__version__}"' not in spec and f"'{gkdesk.__version__}'" not in spec
    helpers = spec_functions("read_version", "version_numbers")
    assert helpers["read_version"]() == gkdesk.__version__
    numbers = helpers["version_numbers"]
    assert numbers(gkdesk.__version__)[: len(gkdesk.__version__.split("."))] == tuple(
        int(part) for part in gkdesk.__version__.split(".")
    )
    assert numbers("1.2") == (1, 2, 0, 0)
    assert numbers("1.2.3rc1") == (1, 2, 3, 0)
    assert numbers("2.0.1.dev3+g1234") == (2, 0, 1, 0)


def test_spec_builds_a_windowed_gkdesk_exe_and_a_console_gkdesk_cli():
    exes = {ast.literal_eval(call["name"]): call for call in spec_calls("EXE")}
    assert set(exes) == {"gkdesk", "gkdesk-cli"}
    assert ast.literal_eval(exes["gkdesk"]["console"]) is False
    assert ast.literal_eval(exes["gkdesk-cli"]["console"]) is True
    for call in exes.values():
        assert "version" in call and "icon" in call
        assert ast.literal_eval(call["upx"]) is False
    (collect,) = spec_calls("COLLECT")
    assert ast.literal_eval(collect["name"]) == "gkdesk"  # installer.iss packs dist\gkdesk\*
    spec = SPEC.read_text("utf-8")
    assert '"resources" / "gkdesk.ico"' in spec
    assert 'collect_submodules("gkdesk")' in spec


# -- the icon -----------------------------------------------------------------------------------


def test_icon_holds_every_size_windows_shows():
    from PIL import Image

    with Image.open(ICON) as icon:
        assert icon.format == "ICO"
        sizes = {size for size, _ in icon.info["sizes"]}
        assert sizes >= {16, 32, 48, 64, 128, 256}
        for size in (16, 32, 256):
            icon.size = (size, size)
            colours = {colour for _count, colour in icon.convert("RGBA").getcolors(1 << 20)}
            # Red square, white glyph: each size is drawn, not left empty.
            assert any(r > 150 and g < 80 and b < 80 and a == 255 for r, g, b, a in colours)
            assert any(min(r, g, b) > 230 and a == 255 for r, g, b, a in colours)


def test_icon_script_draws_the_same_sizes(tmp_path):
    import importlib.util

    loader = importlib.util.spec_from_file_location("make_icon", ROOT / "tools" / "make_icon.py")
    make_icon = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(make_icon)
    if not make_icon.FONT.exists():
        pytest.skip(f"no CJK font at {make_icon.FONT} (fonts-wqy-microhei)")
    from PIL import Image

    written = make_icon.make_icon(tmp_path / "gkdesk.ico")
    with Image.open(written) as fresh, Image.open(ICON) as kept:
        assert fresh.info["sizes"] == kept.info["sizes"]


# -- installer.iss ------------------------------------------------------------------------------


def iss() -> str:
    raw = ISS.read_bytes()
    # Older Inno Setup compilers read a script without a BOM in the ANSI code page.
    assert raw.startswith(b"\xef\xbb\xbf"), "installer.iss must be UTF-8 with a BOM"
    return raw.decode("utf-8-sig")


def iss_section(name: str) -> str:
    match = re.search(rf"^\[{name}\]\n(.*?)(?=^\[\w+\]\n|\Z)", iss(), re.M | re.S)
    assert match, name
    return match.group(1)


def test_installer_keeps_its_app_id_and_installs_per_user_in_chinese():
    text = iss()
    setup = iss_section("Setup")
    assert f"AppId={APP_ID}\n" in setup
    assert "PrivilegesRequired=lowest\n" in setup
    assert "PrivilegesRequiredOverridesAllowed=dialog\n" in setup  # offers all users too
    assert "DefaultDirName={autopf}\\gkdesk\n" in setup
    assert "ArchitecturesInstallIn64BitMode=x64compatible\n" in setup
    assert "ArchitecturesAllowed=x64compatible\n" in setup
    assert 'MessagesFile: "compiler:Languages\\ChineseSimplified.isl"' in text
    # That file ships with Inno Setup 6.5: an older compiler says so instead of failing on it.
    assert "#if Ver < EncodeVer(6, 5, 0)\n  #pragma error" in text
    assert "LicenseFile" not in setup


def test_installer_version_comes_from_the_command_line_or_the_built_exe():
    text = iss()
    assert re.search(r'^#define AppVersion\s+"', text, re.M) is None  # no second copy
    block = re.search(r"^#ifndef AppVersion\n(.*?)^#endif", text, re.M | re.S)
    assert block, "iscc /DAppVersion=... must override the default"
    assert 'GetStringFileInfo(AppExe, "ProductVersion")' in block.group(1)
    assert '#define AppExe "dist\\gkdesk\\gkdesk.exe"' in text
    assert re.search(r'^#if AppVersion == ""\n\s*#error ', text, re.M)
    setup = iss_section("Setup")
    for line in ("AppVersion={#AppVersion}", "VersionInfoVersion={#AppVersion}"):
        assert line + "\n" in setup


def test_installer_packs_the_pyinstaller_folder_with_shortcuts_and_icon():
    setup = iss_section("Setup")
    assert "SetupIconFile=resources\\gkdesk.ico\n" in setup and ICON.exists()
    assert "UninstallDisplayIcon={app}\\gkdesk.exe\n" in setup
    files = iss_section("Files")
    assert 'Source: "dist\\gkdesk\\*"; DestDir: "{app}"' in files
    assert "recursesubdirs" in files
    icons = iss_section("Icons")
    assert re.search(
        r'^Name: "\{group\}\\基层公开工作台"; Filename: "\{app\}\\gkdesk\.exe"$', icons, re.M
    )
    desktop = [line for line in icons.splitlines() if "{autodesktop}" in line]
    assert len(desktop) == 1 and "Tasks: desktopicon" in desktop[0]
    assert "gkdesk.exe" in desktop[0] and "gkdesk-cli" not in icons
    assert 'Name: "desktopicon"' in iss_section("Tasks")


def test_uninstall_asks_before_deleting_the_data_folder_and_defaults_to_keep():
    code = iss_section("Code")
    assert "ExpandConstant('{localappdata}\\gkdesk')" in code
    step = re.search(r"procedure CurUninstallStepChanged\(.*?\n(.*?)^end;", code, re.M | re.S)
    assert step
    body = step.group(1)
    assert "usPostUninstall" in body and "UninstallSilent" in body
    question = body.index("MsgBox(")
    assert "MB_YESNO or MB_DEFBUTTON2" in body  # 否 is the default button
    assert "删除" in body[question:]
    # The only deletion is the one the 是 answer leads to.
    assert body.count("DelTree(") == 1
    assert body.index("= IDYES then") < body.index("DelTree(")
    assert "UninstallDelete" not in iss()


def test_uninstall_deletes_the_folder_the_program_uses_on_windows(monkeypatch):
    """installer.iss's {localappdata}\\gkdesk is gkdesk.paths' default data dir on Windows."""
    import platformdirs
    import platformdirs.windows

    folders = {"CSIDL_LOCAL_APPDATA": "LOCALAPPDATA", "CSIDL_APPDATA": "APPDATA"}
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", folders.__getitem__)

    def windows_user_data_dir(*args, **kwargs):
        return platformdirs.windows.Windows(*args, **kwargs).user_data_dir

    monkeypatch.setattr(platformdirs, "user_data_dir", windows_user_data_dir)
    from gkdesk.paths import default_data_dir

    assert default_data_dir().relative_to("LOCALAPPDATA") == Path("gkdesk")


# -- a windowed start has no stdout/stderr ------------------------------------------------------

WINDOWED = """
import json, sys
sys.stdout = sys.stderr = None  # what a console=False build on Windows starts with
from gkdesk.app import main

class Prompts:
    shown = []
    def _show(self, parent, title, text, **kw):
        Prompts.shown.append([title, text])
    info = warning = error = _show

data_dir, report = sys.argv[1], sys.argv[2]
results = {
    "smoke": main(["--data-dir", data_dir, "--smoke"], prompts=Prompts()),
    "self_check": main(["--data-dir", data_dir, "--self-check"], prompts=Prompts()),
    "shown": Prompts.shown,
}
with open(report, "w", encoding="utf-8") as out:
    json.dump(results, out, ensure_ascii=False)
"""


def test_windowed_start_without_console_streams(tmp_path):
    import json

    report = tmp_path / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", WINDOWED, str(tmp_path / "data"), str(report)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
    results = json.loads(report.read_text("utf-8"))
    assert results["smoke"] == 0
    # With no console to print to, the self-check shows its report in a dialog.
    assert results["self_check"] == 0
    ((title, text),) = results["shown"]
    assert "自检" in title and "自检通过" in text
    assert (tmp_path / "data" / "logs" / "gkdesk.log").stat().st_size > 0


# -- the built bundle (slow: one PyInstaller build per session) ---------------------------------


class Bundle:
    def __init__(self, root: Path, work: Path, seconds: float) -> None:
        self.root = root
        self.work = work
        self.seconds = seconds

    def exe(self, name: str) -> Path:
        return self.root / (f"{name}.exe" if sys.platform == "win32" else name)

    def files(self) -> list[Path]:
        return [p for p in self.root.rglob("*") if p.is_file() and not p.is_symlink()]

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files())

    def internal(self) -> Path:
        return self.root / "_internal"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Bundle:
    pytest.importorskip("PyInstaller")
    base = tmp_path_factory.mktemp("pyinstaller")
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(base / "config"))
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(SPEC),
            "--noconfirm",
            "--distpath",
            str(base / "dist"),
            "--workpath",
            str(base / "build"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        pytest.fail(
            f"PyInstaller failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-6000:]}"
        )
    return Bundle(base / "dist" / "gkdesk", base / "build" / "gkdesk", seconds)


def run_built(bundle: Bundle, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    }
    if sys.platform == "win32":
        env.update(os.environ)  # SYSTEMROOT and friends
    return subprocess.run(
        [str(bundle.exe(args[0])), *args[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=600,
    )


@pytest.mark.slow
def test_built_program_passes_its_self_check(bundle, tmp_path):
    assert bundle.exe("gkdesk").is_file()
    data = tmp_path / "data"
    done = run_built(bundle, tmp_path, "gkdesk", "--self-check", "--data-dir", str(data))
    report = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, report + done.stderr.decode("utf-8", "replace")[-3000:]
    assert f"基层公开工作台 {gkdesk.__version__} 自检" in report
    assert "自检通过" in report and "[失败]" not in report
    assert "Qt 预览与打印" in report  # QtPdf and QtPrintSupport work from the bundle
    assert (data / "logs" / "gkdesk.log").is_file()
    assert not (tmp_path / "home" / "data" / "gkdesk").exists()  # the user's folder untouched


@pytest.mark.slow
def test_built_command_line_runs(bundle, tmp_path):
    done = run_built(bundle, tmp_path, "gkdesk-cli", "--version")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert gkdesk.__version__ in (done.stdout + done.stderr).decode("utf-8", "replace")


@pytest.mark.slow
def test_bundle_holds_resources_migrations_and_the_qt_it_needs(bundle):
    from PyInstaller.archive.readers import ZlibArchiveReader

    resources = bundle.internal() / "resources"
    source = ROOT / "resources"
    expected = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    assert {p.relative_to(resources) for p in resources.rglob("*") if p.is_file()} == expected

    modules = set(ZlibArchiveReader(str(bundle.work / "PYZ-00.pyz")).toc)
    package = ROOT / "gkdesk"
    for path in package.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        assert name in modules, f"{name} missing from the bundle"
    assert "gkdesk.db.migrations.m0001_initial" in modules
    for name in UNUSED_PYTHON:
        assert not any(m == name or m.startswith(name + ".") for m in modules), name

    names = {p.name for p in bundle.internal().rglob("*")}
    for needed in ("Core", "Gui", "Widgets", "Pdf", "PdfWidgets", "PrintSupport"):
        assert any(re.match(rf"(lib)?Qt6{needed}\b", n) for n in names), needed
    qt_plugins = Path(__import__("PySide6").__file__).parent / "Qt" / "plugins"
    if not qt_plugins.is_dir():  # Windows wheels keep plugins beside the package
        qt_plugins = qt_plugins.parent.parent / "plugins"
    for plugin in (qt_plugins / "printsupport").glob("*"):
        assert plugin.name in names, f"print support plugin {plugin.name} missing"
    translations = {p.name for p in bundle.internal().rglob("*.qm")}
    assert translations == {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}


@pytest.mark.slow
def test_bundle_leaves_out_unused_qt_and_its_libraries_are_complete(bundle):
    unused = sorted(p.name for p in bundle.internal().rglob("*") if UNUSED_QT.search(p.name))
    assert unused == []
    if sys.platform != "linux":
        return
    from PyInstaller.depend import bindepend

    present = {p.name for p in bundle.internal().rglob("*")}
    missing = set()
    for path in bundle.files():
        if ".so" not in path.name:
            continue
        for needed in bindepend.get_imports(str(path)):
            name = Path(needed[0] if isinstance(needed, tuple) else needed).name
            if name.startswith("libQt6") and name not in present:
                missing.add(f"{path.name} needs {name}")
    assert not missing


@pytest.mark.slow
def test_bundle_size(bundle, capsys):
    mib = bundle.size() / 2**20
    with capsys.disabled():
        print(f"\n  bundle {bundle.root}: {mib:.1f} MiB, built in {bundle.seconds:.0f} s")
    assert mib < MAX_BUNDLE_MIB
