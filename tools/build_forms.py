"""Compile forms/*.ui into gkdesk/ui/forms/ui_*.py with `pyside6-uic -a` (run after editing a form)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
OUT = ROOT / "gkdesk" / "ui" / "forms"


def uic_command() -> list[str]:
    exe = shutil.which("pyside6-uic")
    if exe:
        return [exe]
    return [sys.executable, "-m", "PySide6.scripts.pyside_tool", "uic"]


def drop_unused_imports(source: str) -> str:
    """Keep only the Qt names a form uses.

    uic imports some forty classes into every form; with PySide6's lazy loading each one is
    created on import, which costs start-up time for names the form never touches.
    """
    tree = ast.parse(source)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        start, end = node.lineno - 1, node.end_lineno
        out.extend(lines[cursor:start])
        kept = [alias.name for alias in node.names if (alias.asname or alias.name) in used]
        if kept:
            out.append(f"from {node.module} import {', '.join(kept)}\n")
        cursor = end
    out.extend(lines[cursor:])
    return "".join(out)


def compile_form(ui_file: Path) -> str:
    """The generated Python for one form; the path is given relative so output is stable."""
    result = subprocess.run(
        [*uic_command(), "-a", str(ui_file.relative_to(ROOT).as_posix())],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return drop_unused_imports(result.stdout)


def target_for(ui_file: Path) -> Path:
    return OUT / f"ui_{ui_file.stem}.py"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    init = OUT / "__init__.py"
    if not init.exists():
        init.write_text(
            '"""Generated from forms/*.ui by tools/build_forms.py; do not edit."""\n', "utf-8"
        )
    for ui_file in sorted(FORMS.glob("*.ui")):
        target_for(ui_file).write_text(compile_form(ui_file), "utf-8", newline="\n")
        print(f"{ui_file.relative_to(ROOT)} -> {target_for(ui_file).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
