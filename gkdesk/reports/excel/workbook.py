"""Reading clerks' workbooks (.xlsx/.xlsm/.xlsb/.xls/.ods): checked opening, cells, merges, headers."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import python_calamine as pc

from gkdesk.domain.errors import ValidationError, describe_os_error
from gkdesk.domain.text import normalise_text

SUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_OOXML_SUFFIXES = (".xlsx", ".xlsm", ".xlsb")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A sheet this large (rows x columns from A1 to the last used cell) is almost always a stray
# value far away from the table; reading it would exhaust memory on a 4 GB office PC.
MAX_CELLS = 5_000_000
_MAX_EXACT_INT = 2**53

RESAVE_HINT = (
    "请用 WPS 表格或 Excel 打开该文件，点击“文件 → 另存为”，"
    "文件类型选择“Excel 工作簿（*.xlsx）”，保存后再导入。"
)
PASSWORD_HINT = (
    "请在 WPS 或 Excel 中输入密码打开它，取消打开密码后保存"
    "（WPS：文件 → 文档加密 → 密码加密，清空打开密码；"
    "Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），再重新导入。"
)


class WorkbookError(ValidationError):
    """A workbook, sheet or cell cannot be used; the message says where and what to do."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        details = {
            "file": str(file) if file is not None else None,
            "sheet": sheet,
            "row": row,
            "column": column,
        }
        super().__init__(message, details={k: v for k, v in details.items() if v is not None})
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column


@dataclass
class SheetData:
    """One sheet's cells from A1, as Python values; ``merged`` holds 0-based inclusive ranges."""

    file: Path
    sheet: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


@dataclass(frozen=True)
class HeaderMatch:
    """Where a table's header is and which column holds which canonical name.

    ``row`` is the last header row (0-based), ``first_row`` the first (differs for a two-row
    header), ``columns`` maps canonical names to 0-based columns, ``unmatched`` lists the other
    non-empty header cells (local columns) and ``texts`` the display text of every header column.
    """

    row: int
    columns: dict[str, int]
    unmatched: list[tuple[int, str]]
    first_row: int = -1
    texts: dict[int, str] = field(default_factory=dict)

    def text(self, col: int) -> str:
        return self.texts.get(col, "")

    def describe(self, col: int) -> str:
        """A column as a clerk finds it: ``C列“公开内容”``."""
        name = self.texts.get(col)
        return f"{column_letter(col)}列“{name}”" if name else f"{column_letter(col)}列"


# -- cell addresses -----------------------------------------------------------------------------


def column_letter(col0: int) -> str:
    """The Excel column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    if col0 < 0:
        raise ValueError(f"column index must be >= 0, got {col0}")
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def cell_ref(row0: int, col0: int) -> str:
    """An "A1"-style reference from 0-based row and column."""
    if row0 < 0:
        raise ValueError(f"row index must be >= 0, got {row0}")
    return f"{column_letter(col0)}{row0 + 1}"


# -- opening ------------------------------------------------------------------------------------


def _name(path: Path) -> str:
    return f"“{path.name}”"


def _sniff(head: bytes) -> str:
    """The real container of a file from its first bytes: zip, ole, markup, text or binary."""
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text ("Unicode text" exports)
        text = head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", errors="ignore")
        return "markup" if text.lstrip().startswith("<") else "text"
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if stripped.startswith(b"<"):
        return "markup"
    if b"\x00" in head[:512]:
        return "binary"
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return "text"
        except UnicodeDecodeError as exc:
            # A multi-byte character cut off at the end of the sample still means text.
            if exc.start >= len(head) - 3:
                return "text"
    return "binary"


def _ole_streams(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _check_zip(path: Path) -> str:
    """The workbook kind inside a zip container, or a WorkbookError saying what it really is."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise WorkbookError(
            f"文件{_name(path)}已损坏（压缩结构不完整），可能没有复制或下载完整。"
            f"请重新获取文件；如果 WPS/Excel 还能打开它，{RESAVE_HINT}",
            file=path,
        ) from exc
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names or mimetype.startswith(
        b"application/vnd.oasis.opendocument.text"
    ):
        what = "Word 文档"
    elif "ppt/presentation.xml" in names:
        what = "PowerPoint 演示文稿"
    else:
        what = "普通压缩包（zip）"
    raise WorkbookError(
        f"文件{_name(path)}不是 Excel 工作簿，而是一个{what}。"
        "请选择真正的表格文件；如果表格在压缩包里，请先解压再导入。",
        file=path,
    )


def _os_error(path: Path, exc: OSError) -> WorkbookError:
    reason = describe_os_error(exc)
    hint = "如果文件正在 WPS 或 Excel 中打开，请先关闭它再试。"
    return WorkbookError(f"无法读取文件{_name(path)}：{reason}。{hint}", file=path)


def _password_error(path: Path) -> WorkbookError:
    return WorkbookError(
        f"文件{_name(path)}设置了打开密码（已加密），程序无法读取。{PASSWORD_HINT}", file=path
    )


def check_workbook_file(path: str | Path) -> str:
    """Refuse files that are not readable workbooks before parsing; return the real format.

    The format ("xlsx", "xlsb", "xls" or "ods") may differ from the name's suffix, e.g. an old
    .xls renamed .xlsx; the reader then opens it by content instead of by name.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise WorkbookError(
                f"找不到文件：{path}。请确认文件没有被移动、改名或删除后再选择一次。", file=path
            )
        if path.is_dir():
            raise WorkbookError(
                f"“{path}”是一个文件夹，不是文件。请打开文件夹，选择其中的 Excel 文件。", file=path
            )
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    if size == 0:
        raise WorkbookError(
            f"文件{_name(path)}是空的（0 字节），可能没有保存完整或下载失败。请重新获取或重新保存该文件。",
            file=path,
        )
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix in (".csv", ".txt", ".tsv"):
            what = "是文本（CSV）文件，不是 Excel 工作簿"
        elif suffix in (".et", ".ett"):
            what = "是 WPS 表格专用格式（.et），程序无法直接读取"
        elif suffix in (".doc", ".docx", ".wps", ".pdf"):
            what = "是文档，不是表格"
        else:
            what = f"的类型（{path.suffix or '无扩展名'}）不受支持"
        supported = "、".join(SUPPORTED_SUFFIXES)
        raise WorkbookError(
            f"文件{_name(path)}{what}。可以导入的格式：{supported}。{RESAVE_HINT}", file=path
        )
    kind = _sniff(head)
    if kind == "zip":
        return _check_zip(path)
    if kind == "ole":
        if suffix not in _OOXML_SUFFIXES and suffix != ".ods":
            return "xls"  # an encrypted workbook under .xls is recognised if reading fails
        data = _ole_streams(path)
        if _utf16("EncryptedPackage") in data:
            raise _password_error(path)
        # An OLE container under a new-style name is either an encrypted workbook or an old
        # .xls renamed by hand; only the latter has a Workbook/Book stream.
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        if suffix == ".ods":
            _bad(path)
        raise _password_error(path)
    if kind == "markup":
        raise WorkbookError(
            f"文件{_name(path)}不是真正的 Excel 文件，而是网页（HTML）或 XML 格式的表格"
            f"（业务系统导出的“.xls”常是这样）。{RESAVE_HINT}",
            file=path,
        )
    if kind == "text":
        raise WorkbookError(
            f"文件{_name(path)}不是真正的 Excel 文件：它的内容是纯文本（可能是 CSV 或文本文件被改了扩展名）。"
            f"{RESAVE_HINT}",
            file=path,
        )
    _bad(path)


def _bad(path: Path) -> NoReturn:
    raise WorkbookError(
        f"文件{_name(path)}的内容无法识别，不是 Excel 工作簿，或者已经损坏。"
        f"请确认选对了文件；如果 WPS/Excel 能打开它，{RESAVE_HINT}",
        file=path,
    )


_SUFFIX_KIND = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xlsb": "xlsb", ".xls": "xls", ".ods": "ods"}


class _OpenWorkbook:
    """A calamine workbook opened after the checks; maps every library error to Chinese."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        kind = check_workbook_file(self.path)
        self._fh = None
        try:
            if _SUFFIX_KIND[self.path.suffix.lower()] == kind:
                self.wb = pc.CalamineWorkbook.from_path(str(self.path))
            else:
                # Renamed files: let calamine detect the format from the content.
                self._fh = open(self.path, "rb")  # noqa: SIM115 - closed in close()
                self.wb = pc.CalamineWorkbook.from_filelike(self._fh)
        except Exception as exc:
            self._close_fh()
            raise self.error(exc) from exc

    def error(self, exc: Exception, sheet: str | None = None) -> WorkbookError:
        if isinstance(exc, WorkbookError):
            return exc
        if isinstance(exc, pc.PasswordError):
            return _password_error(self.path)
        if isinstance(exc, OSError) and not isinstance(exc, pc.CalamineError):
            return _os_error(self.path, exc)
        data = _ole_streams(self.path)
        if data.startswith(_OLE_MAGIC) and _utf16("EncryptedPackage") in data:
            return _password_error(self.path)
        where = f"的工作表“{sheet}”" if sheet else ""
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return WorkbookError(
            f"无法读取文件{_name(self.path)}{where}：文件可能已损坏，或不是 WPS/Excel 保存的标准格式"
            f"（技术信息：{detail}）。{RESAVE_HINT}",
            file=self.path,
            sheet=sheet,
        )

    def _close_fh(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def close(self) -> None:
        # Closing a read-only workbook cannot lose data; never let it mask the real error.
        with contextlib.suppress(Exception):
            self.wb.close()
        self._close_fh()

    def __enter__(self) -> _OpenWorkbook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def worksheets(self, include_hidden: bool = True) -> list[str]:
        try:
            metadata = self.wb.sheets_metadata
        except Exception as exc:
            raise self.error(exc) from exc
        names = [m.name for m in metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        if not include_hidden:
            visible = [
                m.name
                for m in metadata
                if m.typ == pc.SheetTypeEnum.WorkSheet and m.visible == pc.SheetVisibleEnum.Visible
            ]
            names = visible or names
        return names

    def resolve(self, sheet: str | int | None) -> str:
        names = self.worksheets()
        if not names:
            raise WorkbookError(
                f"文件{_name(self.path)}里没有任何工作表。请用 WPS/Excel 打开检查后重新保存。",
                file=self.path,
            )
        listed = "、".join(f"“{n}”" for n in names)
        if sheet is None:
            return self.worksheets(include_hidden=False)[0]
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            # Indexes count the sheets list_sheets() shows (the visible ones).
            shown = self.worksheets(include_hidden=False)
            if 0 <= sheet < len(shown):
                return shown[sheet]
            listed = "、".join(f"“{n}”" for n in shown)
            raise WorkbookError(
                f"文件{_name(self.path)}只有 {len(shown)} 个工作表（{listed}），没有第 {sheet + 1} 个。"
                "请从这些工作表中选择一个。",
                file=self.path,
            )
        wanted = str(sheet)
        if wanted in names:
            return wanted
        key = "".join(normalise_text(wanted).split())
        for name in names:
            if "".join(normalise_text(name).split()) == key:
                return name
        raise WorkbookError(
            f"文件{_name(self.path)}中没有名为“{wanted}”的工作表。现有的工作表：{listed}。"
            "请从中选择一个，或检查工作表名称是否写错。",
            file=self.path,
            sheet=wanted,
        )

    def read(self, name: str) -> SheetData:
        try:
            sheet = self.wb.get_sheet_by_name(name)
            end = sheet.end
            if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise WorkbookError(
                    f"文件{_name(self.path)}的工作表“{name}”范围过大（到第 {end[0] + 1} 行、"
                    f"{column_letter(end[1])} 列），可能在很远的位置有零散内容。"
                    "请删除表格以外多余的行和列后保存，再重新导入。",
                    file=self.path,
                    sheet=name,
                )
            raw = sheet.to_python(skip_empty_area=False) if end is not None else []
            merged = _merged_ranges(sheet)
        except Exception as exc:
            raise self.error(exc, name) from exc
        return SheetData(self.path, name, [_clean_row(r) for r in raw], merged)


def _merged_ranges(sheet: pc.CalamineSheet) -> list[tuple[int, int, int, int]]:
    """0-based inclusive merged ranges, or [] where the format or library gives none."""
    try:
        ranges = sheet.merged_cell_ranges
    except Exception:  # formats without merge information are still readable
        return []
    out: list[tuple[int, int, int, int]] = []
    for item in ranges or ():
        try:
            (r0, c0), (r1, c1) = item
        except (TypeError, ValueError):
            continue
        if r1 > r0 or c1 > c0:
            out.append((int(r0), int(c0), int(r1), int(c1)))
    return out


def _clean_row(row: list[object]) -> list[object]:
    out: list[object] = []
    append = out.append
    for value in row:
        kind = type(value)
        if kind is str:
            if not value or value.isspace():
                value = None
        # Whole numbers come back as floats from .xlsx; 序号 1.0 should read as 1. Beyond
        # 2**53 a float is not an exact integer (e.g. an ID typed as a number), so keep it.
        elif kind is float and value.is_integer() and -_MAX_EXACT_INT < value < _MAX_EXACT_INT:
            value = int(value)
        append(value)
    return out


def _has_value(rows: list[list[object]]) -> bool:
    return any(v is not None for row in rows for v in row)


def _empty_sheet_error(path: Path, name: str) -> WorkbookError:
    return WorkbookError(
        f"文件{_name(path)}的工作表“{name}”是空的，没有任何内容。"
        "请确认选对了工作表，或把数据放到这个工作表后再导入。",
        file=path,
        sheet=name,
    )


# -- public reading API -------------------------------------------------------------------------


def list_sheets(path: str | Path, *, include_hidden: bool = False) -> list[str]:
    """The worksheet names of a workbook in order (hidden ones only if asked or all are hidden)."""
    with _OpenWorkbook(path) as wb:
        names = wb.worksheets(include_hidden=include_hidden)
    if not names:
        raise WorkbookError(
            f"文件{_name(Path(path))}里没有任何工作表。请用 WPS/Excel 打开检查后重新保存。",
            file=path,
        )
    return names


def open_workbook(path: str | Path) -> _OpenWorkbook:
    """The checked workbook behind read_sheet, for readers that handle one big sheet themselves.

    Use it as a context manager. ``resolve(sheet)`` and ``worksheets()`` name sheets, ``wb`` is
    the calamine workbook and ``error(exc, sheet)`` turns a library error into a WorkbookError.
    """
    return _OpenWorkbook(path)


def merged_ranges(sheet: pc.CalamineSheet) -> list[tuple[int, int, int, int]]:
    """A calamine sheet's merged ranges, 0-based inclusive ([] where the format has none)."""
    return _merged_ranges(sheet)


def read_sheet(path: str | Path, sheet: str | int | None = None) -> SheetData:
    """One sheet's cells: by name, by 0-based index into list_sheets(), or the first visible one."""
    with _OpenWorkbook(path) as wb:
        name = wb.resolve(sheet)
        data = wb.read(name)
    if not _has_value(data.rows):
        raise _empty_sheet_error(data.file, name)
    return data


def iter_sheets(path: str | Path, *, include_hidden: bool = False) -> Iterator[SheetData]:
    """Every non-empty worksheet in order, opening the file once; refuses a file with none."""
    path = Path(path)
    with _OpenWorkbook(path) as wb:
        names = wb.worksheets(include_hidden=include_hidden)
        if not names:
            raise WorkbookError(
                f"文件{_name(path)}里没有任何工作表。请用 WPS/Excel 打开检查后重新保存。", file=path
            )
        found = False
        for name in names:
            data = wb.read(name)
            if _has_value(data.rows):
                found = True
                yield data
    if not found:
        listed = "、".join(f"“{n}”" for n in names)
        raise WorkbookError(
            f"文件{_name(path)}的所有工作表（{listed}）都是空的。请确认选对了文件。", file=path
        )


def fill_merged(
    rows: list[list[object]],
    merged: Sequence[tuple[int, int, int, int]],
    *,
    vertical_only: bool = False,
) -> list[list[object]]:
    """Copy each merged range's top-left value into every cell of the range (in place).

    With ``vertical_only`` only the range's first column is filled downwards: in data rows a
    horizontal merge means "spans these columns" (a 一级 title over empty 二级), not a repeat.
    """
    height = len(rows)
    for r0, c0, r1, c1 in merged:
        if r0 >= height or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if value is None:
            continue
        last_col = c0 if vertical_only else c1
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(last_col, len(row) - 1) + 1):
                row[c] = value
    return rows


# -- header detection ---------------------------------------------------------------------------

_HEADER_STRIP = re.compile(r"[\s*:]+")
_BRACKETS = str.maketrans(
    {"【": "[", "】": "]", "〔": "(", "〕": ")", "﹙": "(", "﹚": ")", "：": ":"}
)


def header_key(text: object) -> str:
    """A header cell or synonym reduced for comparison: half-width, no spaces, no * or colons."""
    if text is None:
        return ""
    s = normalise_text(str(text)).translate(_BRACKETS)
    return _HEADER_STRIP.sub("", s).lower()


def header_text(value: object) -> str:
    """A header cell as the clerk wrote it, with line breaks joined and runs of spaces collapsed."""
    if value is None:
        return ""
    s = str(value).replace("\u200b", "").replace("\ufeff", "").strip()
    s = re.sub(r"\s*\n\s*", "", s)
    return re.sub(r"\s+", " ", s)


@dataclass(frozen=True)
class _Synonyms:
    exact: dict[str, str]
    prefixes: list[tuple[str, str]]  # (key, canonical), longest key first


def _compile(synonyms: Mapping[str, Sequence[str]]) -> _Synonyms:
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for canonical, words in synonyms.items():
        # The canonical name itself matches exactly; listed words match as prefixes unless
        # written "=word".
        for word in (f"={canonical}", *words):
            exact_only = word.startswith("=")
            key = header_key(word[1:] if exact_only else word)
            if not key:
                continue
            exact.setdefault(key, canonical)
            if not exact_only:
                prefixes.append((key, canonical))
    prefixes.sort(key=lambda kc: -len(kc[0]))
    return _Synonyms(exact, prefixes)


def _match_cell(key: str, syn: _Synonyms) -> tuple[str, int] | None:
    """(canonical, quality) for one header key; exact matches beat longer prefixes."""
    if not key:
        return None
    if key in syn.exact:
        return syn.exact[key], 10_000
    for prefix, canonical in syn.prefixes:
        if key.startswith(prefix):
            return canonical, len(prefix)
    return None


@dataclass
class _RowMatch:
    columns: dict[str, int]
    matched_cols: set[int]
    unmatched: dict[int, str]
    numeric: int


def _match_row(row: Sequence[object], syn: _Synonyms) -> _RowMatch:
    best: dict[str, tuple[int, int, str]] = {}  # canonical -> (quality, col, key)
    candidates: list[tuple[int, str, str | None]] = []
    numeric = 0
    for col, value in enumerate(row):
        if value is None:
            continue
        if not isinstance(value, str):
            numeric += 1
            continue
        key = header_key(value)
        if not key:
            continue
        hit = _match_cell(key, syn)
        candidates.append((col, key, hit[0] if hit else None))
        if hit:
            canonical, quality = hit
            current = best.get(canonical)
            if current is None or quality > current[0]:
                best[canonical] = (quality, col, key)
    columns = {canonical: col for canonical, (_, col, _) in best.items()}
    matched_cols: set[int] = set()
    unmatched: dict[int, str] = {}
    for col, key, canonical in candidates:
        if canonical is not None and columns[canonical] == col:
            matched_cols.add(col)
        elif canonical is not None and best[canonical][2] == key:
            # The same header text again: a merged header filled across its columns.
            matched_cols.add(col)
        else:
            unmatched[col] = header_text(row[col])
    return _RowMatch(columns, matched_cols, unmatched, numeric)


def _cell_key(rows: Sequence[Sequence[object]], r: int, c: int) -> str:
    row = rows[r]
    return header_key(row[c]) if c < len(row) and isinstance(row[c], str) else ""


def find_header_row(
    rows: Sequence[Sequence[object]],
    synonyms: Mapping[str, Sequence[str]],
    required: Collection[str] = (),
    max_scan: int = 30,
) -> HeaderMatch | None:
    """The header among the first ``max_scan`` rows: the row matching the most canonical names.

    A cell matches a synonym after normalisation (half-width, no whitespace, no ``*``/colons)
    when it equals it or starts with it; a synonym written ``"=word"`` matches only exactly.
    A two-row header (group headers such as 公开事项 over 一级事项/二级事项) is combined when the
    next row adds names; ``row`` is then the last header row. Every name in ``required`` must
    be found. Returns None when no row qualifies. Fill merged header cells first for best results.
    """
    syn = _compile(synonyms)
    limit = min(max_scan, len(rows))
    matches = [_match_row(rows[r], syn) for r in range(min(limit + 1, len(rows)))]
    best_key: tuple[int, int, int] | None = None
    best: HeaderMatch | None = None
    for r in range(limit):
        top = matches[r]
        if not top.columns:
            continue
        options: list[tuple[int, HeaderMatch]] = [(1, _single(rows, r, top))]
        if r + 1 < len(matches):
            pair = _pair(rows, r, top, syn)
            if pair is not None:
                options.append((2, pair))
        for n_rows, match in options:
            if any(name not in match.columns for name in required):
                continue
            key = (len(match.columns), n_rows, -r)
            if best_key is None or key > best_key:
                best_key, best = key, match
    return best


def _single(rows: Sequence[Sequence[object]], r: int, m: _RowMatch) -> HeaderMatch:
    texts = {c: header_text(rows[r][c]) for c in m.matched_cols}
    texts.update(m.unmatched)
    return HeaderMatch(
        row=r,
        columns=dict(m.columns),
        unmatched=sorted(m.unmatched.items()),
        first_row=r,
        texts=texts,
    )


def _pair(
    rows: Sequence[Sequence[object]], r: int, top: _RowMatch, syn: _Synonyms
) -> HeaderMatch | None:
    """Combine row r with sub-headers in row r+1, or None when r+1 is not a sub-header row."""
    # Cells repeating the cell above are a vertically merged header filled in: they belong to
    # the top row's column and say nothing about whether r+1 is a sub-header row.
    below = rows[r + 1]
    masked = [
        None
        if value is not None and _cell_key(rows, r + 1, c) == _cell_key(rows, r, c) != ""
        else value
        for c, value in enumerate(below)
    ]
    sub = _match_row(masked, syn)
    if not any(name not in top.columns for name in sub.columns):
        return None
    # A data row under a one-row header may hold a few names by chance (全社会, 主动, 乡级) but
    # mostly free text and numbers; a sub-header row is mostly names.
    if len(sub.matched_cols) < len(sub.unmatched) + sub.numeric:
        return None
    columns = dict(top.columns)
    for name, col in sub.columns.items():
        columns.setdefault(name, col)
    used = set(columns.values()) | top.matched_cols
    texts: dict[int, str] = {}
    unmatched: dict[int, str] = {}
    width = max(len(rows[r]), len(rows[r + 1]))
    for c in range(width):
        upper = header_text(rows[r][c]) if c < len(rows[r]) and isinstance(rows[r][c], str) else ""
        lower = (
            header_text(rows[r + 1][c])
            if c < len(rows[r + 1]) and isinstance(rows[r + 1][c], str)
            else ""
        )
        if c in sub.matched_cols:
            texts[c] = lower
            continue
        if lower and header_key(lower) != header_key(upper):
            # A local sub-column, possibly under a known group (公开对象 over 其他群体).
            text = f"{upper}-{lower}" if upper else lower
        elif c in used:
            texts[c] = upper or lower
            continue
        else:
            text = upper or lower
        if text:
            texts[c] = text
            unmatched[c] = text
    return HeaderMatch(
        row=r + 1,
        columns=columns,
        unmatched=sorted(unmatched.items()),
        first_row=r,
        texts=texts,
    )


def save_workbook(workbook, target: Path) -> Path:
    """Save an openpyxl workbook via a temporary file and a rename: never a half-written target."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~gkdesk-", suffix=".xlsx.tmp", dir=target.parent)
        os.close(fd)
        workbook.save(tmp)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise WorkbookError(
            f"无法保存文件“{target.name}”到“{target.parent}”：{describe_os_error(exc)}。"
            "请确认文件夹存在并且可以写入；如果同名文件正在 WPS 或 Excel 中打开，请先关闭它再导出。",
            file=target,
        ) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target
