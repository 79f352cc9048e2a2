"""导入预览: what importing one exchange package would do, per table and per unit, before it is done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gkdesk.services.exchange import OUTCOME_LABELS, OUTCOMES, Plan
from gkdesk.services.exchange_tables import SPECS
from gkdesk.ui.dialogs.posting_edit_dialog import ERROR_STYLE, ok_cancel

TOTAL_LABEL = "合计"


def missing_text(missing: list[int]) -> str:
    return "、".join(f"缺第{n}号包" for n in missing) + "：请让对方补送"


def table_label(table: str) -> str:
    spec = SPECS.get(table)
    return spec.label if spec is not None else table


class PackagePreviewDialog(QDialog):
    """Shows a dry-run Plan; 导入 accepts. It never touches the database itself."""

    def __init__(self, plan: Plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入预览 - 来自{plan.from_name}第{plan.seq}号数据包")

        self.summary_label = QLabel(plan.summary(), self)
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        source = f"发送单位：{plan.from_name}（{plan.from_code}）"
        if plan.created_at:
            source += f"　生成时间：{plan.created_at.replace('T', ' ')[:16]}"
        source += f"\n密钥指纹：{plan.fingerprint}"
        if not plan.trusted:
            source += "（刚才已电话核对，导入时一并登记）"
        self.source_label = QLabel(source, self)
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        warnings = []
        if plan.missing_seqs:
            warnings.append(missing_text(plan.missing_seqs))
        warnings.extend(plan.notes)
        self.warning_label = QLabel("\n".join(warnings), self)
        self.warning_label.setObjectName("warning_label")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(ERROR_STYLE)
        self.warning_label.setVisible(bool(warnings))

        table_box = QGroupBox("按数据表", self)
        self.table_table = self._outcome_table(
            table_box, "表", [(table_label(t), c) for t, c in plan.by_table.items()]
        )
        self.table_table.setObjectName("table_table")
        QVBoxLayout(table_box).addWidget(self.table_table)

        unit_box = QGroupBox("按单位", self)
        self.unit_table = self._outcome_table(unit_box, "单位代码", sorted(plan.by_unit.items()))
        self.unit_table.setObjectName("unit_table")
        unit_layout = QVBoxLayout(unit_box)
        unit_layout.addWidget(self.unit_table)
        # Directories and programmes belong to no village: a county package may have no rows.
        unit_box.setVisible(bool(plan.by_unit))

        decide = (
            "导入后由县里决定保留哪一份"
            if plan.kind == "upward"
            else "本单位的修改先保留，导入后在“同步交换”页的“待处理冲突”中决定保留哪一份"
        )
        self.explain_label = QLabel(
            f"冲突：两边都改过，{decide}。\n暂缓：所属名单或公示尚未收到，收到后自动补上。\n拒收：不属于报送单位辖区的数据，不会导入，回执中会告知对方。",
            self,
        )
        self.explain_label.setWordWrap(True)
        returned = sum(1 for f in plan.feedback if f.get("outcome") == "return")
        self.feedback_label = QLabel(self)
        self.feedback_label.setWordWrap(True)
        if plan.feedback:
            self.feedback_label.setText(
                f"另有县里的回执和意见 {len(plan.feedback)} 条"
                + (f"，其中退回修改 {returned} 条" if returned else "")
                + "，导入后在“同步交换”页查看。"
            )
        self.feedback_label.setVisible(bool(plan.feedback))

        buttons, self.import_button = ok_cancel(self, "导入")
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.source_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(table_box, 2)
        layout.addWidget(unit_box, 1)
        layout.addWidget(self.explain_label)
        layout.addWidget(self.feedback_label)
        layout.addWidget(buttons)
        self.import_button.setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 48, self.sizeHint().height())

    def _outcome_table(
        self, parent: QWidget, head: str, rows: list[tuple[str, dict[str, int]]]
    ) -> QTableWidget:
        table = QTableWidget(0, 1 + len(OUTCOMES), parent)
        table.setHorizontalHeaderLabels([head, *(OUTCOME_LABELS[k] for k in OUTCOMES)])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        totals = dict.fromkeys(OUTCOMES, 0)
        for name, counts in rows:
            self._add_row(table, name, counts)
            for key in OUTCOMES:
                totals[key] += counts.get(key, 0)
        if len(rows) > 1:
            self._add_row(table, TOTAL_LABEL, totals, bold=True)
        return table

    @staticmethod
    def _add_row(table: QTableWidget, name: str, counts: dict[str, int], bold=False) -> None:
        row = table.rowCount()
        table.insertRow(row)
        cells = [QTableWidgetItem(name)]
        for key in OUTCOMES:
            n = counts.get(key, 0)
            # Blank zeros let the few non-zero outcomes stand out in a wide table.
            cell = QTableWidgetItem(str(n) if n else "")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells.append(cell)
        for column, cell in enumerate(cells):
            if bold:
                font = cell.font()
                font.setBold(True)
                cell.setFont(font)
            table.setItem(row, column, cell)

    @classmethod
    def ask(cls, plan: Plan, parent: QWidget | None = None) -> bool:
        """True when the clerk chose 导入."""
        return cls(plan, parent).exec() == QDialog.DialogCode.Accepted
