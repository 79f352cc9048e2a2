"""Editable sentence templates for 公示 sheets (resources/templates/*.json) and filling them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from gkdesk.domain.errors import ValidationError
from gkdesk.paths import resource_dir

_NAME = re.compile(r"^[A-Za-z0-9_]+$")
# "{{" and "}}" are literal braces as in str.format; {key} is a placeholder. Nothing else is
# interpreted: no format specs, no attribute or index access ("{unit.__class__}" stays text).
_TOKEN = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def template_dir() -> Path:
    """The folder holding the sheet templates."""
    return resource_dir() / "templates"


def load_template(name: str, *, directory: Path | None = None) -> dict:
    """The template ``name`` (file name without .json) as a dict; Chinese errors when unusable."""
    if not _NAME.match(name or ""):
        raise ValidationError(f"模板名称“{name}”无效，只能包含字母、数字和下划线。")
    folder = directory if directory is not None else template_dir()
    path = folder / f"{name}.json"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(
            f"找不到公示模板“{name}”（{path}）。请检查程序目录下的 resources/templates 文件夹是否完整，"
            "必要时重新安装程序。"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"无法读取公示模板“{path}”：{exc}。请用记事本打开检查，并以 UTF-8 编码保存。"
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"公示模板“{path.name}”格式有误（第 {exc.lineno} 行第 {exc.colno} 列附近）。"
            "修改模板时请保留英文双引号、逗号和花括号，或者从安装包中恢复原文件。"
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(f"公示模板“{path.name}”的内容应当是一组“名称: 文字”，请检查。")
    return data


def fill(pattern: str, /, **values: object) -> str:
    """Put ``values`` into ``{key}`` places; unknown keys stay visible as ``{key}``."""
    return _fill_map(pattern, values)


def _fill_map(pattern: str, values: Mapping[str, object]) -> str:
    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        key = m.group(1)
        if key in values:
            value = values[key]
            return "" if value is None else str(value)
        return token

    return _TOKEN.sub(repl, pattern)
