"""The 工作台账 matrix (units x items, one status per cell) as a printable workbook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from gkdesk.domain.catalog import STATUS_DONE, STATUS_OVERDUE, STATUS_PENDING, STATUS_ZERO, STATUSES
from gkdesk.reports.excel.workbook import save_workbook

FILLS = {
    STATUS_DONE: "C6EFCE",
    STATUS_ZERO: "DDEBF7",
    STATUS_OVERDUE: "FFC7CE",
    STATUS_PENDING: "FFFFFF",
}


def write_ledger_xlsx(
    path: Path,
    title: str,
    today: date,
    units: Sequence[tuple[str, str]],
    items: Sequence[tuple[str, str]],
    cells: Mapping[tuple[int, int], str],
) -> Path:
    """units: (code, name); items: (path text, period text); cells[(unit, item)] = status.

    Cells of items not expected of a unit stay empty. Written to a temporary file first.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "工作台账"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last_col = 2 + len(items) + 1
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(last_col, 3))
    counts = dict.fromkeys(STATUSES, 0)
    for status in cells.values():
        counts[status] += 1
    summary = "，".join(f"{s} {counts[s]}" for s in STATUSES)
    ws.cell(2, 1, f"统计日期：{today.year}年{today.month}月{today.day}日　{summary}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(last_col, 3))
    header = ["区划代码", "单位", *[f"{name}\n（{period}）" for name, period in items], "逾期项数"]
    for col, text in enumerate(header, 1):
        cell = ws.cell(3, col, text)
        cell.font = Font(bold=True)
        cell.alignment = center
        cell.border = border
    for u, (code, name) in enumerate(units):
        row = 4 + u
        ws.cell(row, 1, code).border = border
        ws.cell(row, 2, name).border = border
        overdue = 0
        for i in range(len(items)):
            status = cells.get((u, i))
            cell = ws.cell(row, 3 + i, status or "")
            cell.alignment = center
            cell.border = border
            if status:
                cell.fill = PatternFill("solid", fgColor=FILLS[status])
                overdue += status == STATUS_OVERDUE
        total = ws.cell(row, last_col, overdue)
        total.border = border
        total.alignment = center
    ws.column_dimensions["A"].width = 15
    ws.column_dimensions["B"].width = 14
    for i in range(len(items)):
        ws.column_dimensions[get_column_letter(3 + i)].width = 12
    ws.row_dimensions[3].height = 60
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return save_workbook(wb, path)
