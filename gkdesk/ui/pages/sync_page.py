"""同步交换: keys, packages to and from the county on a USB stick, receipts and conflicts."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.services.exchange import ExportResult, Plan, UntrustedKeyError
from gkdesk.services.exchange_tables import SPECS
from gkdesk.ui.dialogs.package_preview_dialog import PackagePreviewDialog
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner, finish, wait_for
from gkdesk.ui.widgets.role_gate import RoleGate

KEY_FILTERS = "公钥文件 (*.gkkey);;所有文件 (*)"
PACKAGE_FILTERS = "数据包 (*.gkpkg);;所有文件 (*)"
LATE = QColor("#b00020")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# Fields never shown when comparing the two sides of a conflict: bookkeeping, or personal.
_BOOKKEEPING = {"id", "uuid", "version", "sent_version", "updated_at", "origin"}


def when(value) -> str:
    """A stored time as the clerk reads it (peewee may hand back a datetime or its text)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value).replace("T", " ")[:16]


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def record_count(counts: dict | str) -> int:
    """Rows in a package; sealed personal parts and files ride along and are not rows."""
    if isinstance(counts, str):
        try:
            counts = json.loads(counts or "{}")
        except ValueError:
            return 0
    total = 0
    for key, value in counts.items():
        if "/" in key:
            continue
        if isinstance(value, dict):  # an imported package logs its plan per table
            total += sum(int(n) for n in value.values())
        elif isinstance(value, int):
            total += value
    return total


def record_title(table: str, record: dict) -> str:
    for key in ("title", "name", "file_name", "period", "code"):
        value = record.get(key)
        if value:
            return str(value)
    return str(record.get("uuid", ""))[:8]


def differences(table: str, local: dict, incoming: dict, limit: int = 6) -> list[str]:
    hidden = _BOOKKEEPING | set(SPECS[table].pii if table in SPECS else ())
    out = []
    for key, value in incoming.items():
        if key in hidden or key not in local or str(local[key]) == str(value):
            continue
        out.append(f"{key}：本地“{local[key]}”，对方“{value}”")
        if len(out) == limit:
            break
    return out


def _table(parent: QWidget, name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # Several tables share one scrolling page: each stays a few rows high and scrolls itself.
    table.setMinimumHeight(table.fontMetrics().height() * 8)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))


class SyncPage(QWidget):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._exchange = services.exchange
        self._tasks = tasks
        self._prompts = prompts
        self.home = None
        self.mode = ""  # "county", "township" or "" (not set up / no parent)
        self._statuses: list = []

        # -- keys --
        self.key_group = QGroupBox("本单位密钥", self)
        self.unit_label = QLabel(self.key_group)
        self.fingerprint_label = QLabel(self.key_group)
        self.fingerprint_label.setObjectName("fingerprint_label")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.fingerprint_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        font.setFamily("Consolas")
        font.setStyleHint(font.StyleHint.Monospace)
        self.fingerprint_label.setFont(font)
        self.fingerprint_hint = QLabel(
            "对方登记本单位公钥前，请电话核对这串指纹；对方念的和这里显示的一致，才说明公钥文件"
            "没有被调换。",
            self.key_group,
        )
        self.fingerprint_hint.setWordWrap(True)
        self.export_key_button = QPushButton("导出本单位公钥…", self.key_group)
        self.export_key_button.setToolTip("把本单位的公钥文件保存到U盘，交给县里或乡镇登记")
        self.trust_key_button = QPushButton("登记对方公钥…", self.key_group)
        self.trust_key_button.setToolTip("登记县里或乡镇交来的公钥文件（先电话核对指纹）")
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.export_key_button)
        key_buttons.addWidget(self.trust_key_button)
        key_buttons.addStretch(1)
        self.trusted_table = _table(
            self.key_group, "trusted_table", ["关系", "单位", "代码", "指纹"], 3
        )
        key_layout = QVBoxLayout(self.key_group)
        key_layout.addWidget(self.unit_label)
        key_layout.addWidget(self.fingerprint_label)
        key_layout.addWidget(self.fingerprint_hint)
        key_layout.addLayout(key_buttons)
        key_layout.addWidget(QLabel("已登记的对方单位：", self.key_group))
        key_layout.addWidget(self.trusted_table)

        # -- import one package (both levels) --
        self.import_button = QPushButton("导入数据包…", self)
        self.import_button.setToolTip("导入U盘上的一个 .gkpkg 数据包：先预览，确认后才导入")
        self.import_hint = QLabel(self)
        self.import_hint.setWordWrap(True)
        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addWidget(self.import_hint, 1)

        # -- township: report upward --
        self.upward_group = QGroupBox("向县里上报", self)
        self.parent_label = QLabel(self.upward_group)
        self.parent_label.setObjectName("parent_label")
        self.parent_label.setWordWrap(True)
        self.pending_label = QLabel(self.upward_group)
        self.pending_label.setObjectName("pending_label")
        self.pending_label.setWordWrap(True)
        self.export_up_button = QPushButton("生成上报数据包…", self.upward_group)
        self.export_up_button.setToolTip("把上次上报以来的变动打成一个数据包，保存到U盘")
        up_buttons = QHBoxLayout()
        up_buttons.addWidget(self.export_up_button)
        up_buttons.addStretch(1)
        self.sent_table = _table(
            self.upward_group, "sent_table", ["序号", "时间", "文件", "条数"], 2
        )
        self.feedback_table = _table(
            self.upward_group, "feedback_table", ["时间", "结果", "内容", "意见"], 3
        )
        up_layout = QVBoxLayout(self.upward_group)
        up_layout.addWidget(self.parent_label)
        up_layout.addWidget(self.pending_label)
        up_layout.addLayout(up_buttons)
        up_layout.addWidget(QLabel("已生成的上报数据包：", self.upward_group))
        up_layout.addWidget(self.sent_table)
        up_layout.addWidget(QLabel("县里的回执与退回修改：", self.upward_group))
        up_layout.addWidget(self.feedback_table)

        # -- county: townships --
        self.county_group = QGroupBox("各乡镇报送情况", self)
        self.township_table = _table(
            self.county_group,
            "township_table",
            ["乡镇", "密钥", "最近收到", "缺包", "逾期事项", "冲突", "暂缓", "补贴合计（元）"],
            7,
        )
        self.import_folder_button = QPushButton("导入U盘文件夹…", self.county_group)
        self.import_folder_button.setToolTip("一次导入U盘（或一个文件夹）里的全部数据包")
        self.export_down_button = QPushButton("生成下发数据包…", self.county_group)
        self.export_down_button.setToolTip(
            "为每个已登记公钥的乡镇生成一个下发数据包：目录、补贴项目、工作日历和回执"
        )
        county_buttons = QHBoxLayout()
        county_buttons.addWidget(self.import_folder_button)
        county_buttons.addWidget(self.export_down_button)
        county_buttons.addStretch(1)
        county_layout = QVBoxLayout(self.county_group)
        county_layout.addWidget(self.township_table)
        county_layout.addLayout(county_buttons)

        # -- conflicts --
        self.conflict_group = QGroupBox("待处理冲突", self)
        self.conflict_hint = QLabel(self.conflict_group)
        self.conflict_hint.setWordWrap(True)
        self.conflict_table = _table(
            self.conflict_group, "conflict_table", ["乡镇", "表", "记录", "时间"], 2
        )
        self.keep_local_button = QPushButton("保留县里的", self.conflict_group)
        self.take_incoming_button = QPushButton("采用乡镇报送的", self.conflict_group)
        conflict_buttons = QHBoxLayout()
        conflict_buttons.addWidget(self.keep_local_button)
        conflict_buttons.addWidget(self.take_incoming_button)
        conflict_buttons.addStretch(1)
        conflict_layout = QVBoxLayout(self.conflict_group)
        conflict_layout.addWidget(self.conflict_hint)
        conflict_layout.addWidget(self.conflict_table)
        conflict_layout.addLayout(conflict_buttons)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.key_group)
        body_layout.addLayout(import_row)
        body_layout.addWidget(self.upward_group)
        body_layout.addWidget(self.county_group)
        body_layout.addWidget(self.conflict_group)
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.export_key_button.clicked.connect(self._on_export_key_button_clicked)
        self.trust_key_button.clicked.connect(self._on_trust_key_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_up_button.clicked.connect(self._on_export_up_button_clicked)
        self.import_folder_button.clicked.connect(self._on_import_folder_button_clicked)
        self.export_down_button.clicked.connect(self._on_export_down_button_clicked)
        self.keep_local_button.clicked.connect(self._on_keep_local_button_clicked)
        self.take_incoming_button.clicked.connect(self._on_take_incoming_button_clicked)
        self.conflict_table.itemSelectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.activate)
        self.upward_group.hide()
        self.county_group.hide()
        self.conflict_group.hide()
        self._update_buttons()
        gate = RoleGate(services, self)
        gate.guard(self.export_key_button, "exchange", "export_key_file")
        gate.guard(self.trust_key_button, "exchange", "trust_key_file")
        gate.guard(self.import_button, "exchange", "apply")
        gate.guard(self.export_up_button, "exchange", "export_upward")
        gate.guard(self.import_folder_button, "exchange", "import_folder")
        gate.guard(self.export_down_button, "exchange", "export_downward")
        gate.guard(self.keep_local_button, "exchange", "resolve_conflict")
        gate.guard(self.take_incoming_button, "exchange", "resolve_conflict")

    # -- loading ------------------------------------------------------------------------------

    def activate(self) -> None:
        self.reload()

    def reload(self) -> None:
        try:
            self.home = self._services.overview.home_unit()
            if self.home is None:
                raise GkError("尚未设置本单位。请先完成初始设置，再交换数据包。")
            parent = self._exchange.parent()
            self._statuses = []
            if self.home.level == "county":
                self.mode = "county"
            elif parent is not None:
                self.mode = "township"
            else:
                self.mode = ""
            self._load_keys()
            if self.mode == "township":
                self._load_upward(parent)
            elif self.mode == "county":
                self._load_county()
            self._load_conflicts()
        except GkError as exc:
            self.mode = ""
            self.unit_label.setText(exc.message)
            self.fingerprint_label.clear()
            self.conflict_group.hide()
        self.upward_group.setVisible(self.mode == "township")
        self.county_group.setVisible(self.mode == "county")
        self.key_group.setEnabled(self.home is not None)
        self.import_button.setEnabled(self.home is not None)
        self.import_hint.setText(
            "导入乡镇报送的单个数据包（如需一次导入整个U盘，用下面的“导入U盘文件夹…”）。"
            if self.mode == "county"
            else "导入县里下发的数据包：目录、补贴项目、工作日历和县里的回执。"
        )
        self._update_buttons()

    def _load_keys(self) -> None:
        keys = self._exchange.public_keys()
        self.unit_label.setText(f"本单位：{self.home.name}（{self.home.code}）　本单位公钥指纹：")
        self.fingerprint_label.setText(keys.fingerprint)
        _fill(
            self.trusted_table,
            [
                [t.relation_label, t.unit_name, t.unit_code, t.fingerprint]
                for t in self._exchange.trusted()
            ],
        )

    def _load_upward(self, parent) -> None:
        registered = any(
            t.unit_code == parent.code and t.relation == "parent" for t in self._exchange.trusted()
        )
        state = (
            "公钥已登记"
            if registered
            else "公钥尚未登记：请先点“登记对方公钥…”登记县里的公钥文件，才能生成上报数据包"
        )
        self.parent_label.setText(f"上级县：{parent.name}（{parent.code}），{state}。")
        self.parent_label.setStyleSheet("" if registered else f"color: {LATE.name()};")
        pending = self._exchange.pending_counts()
        if pending:
            parts = [f"{SPECS[t].label if t in SPECS else t} {n} 条" for t, n in pending.items()]
            self.pending_label.setText("待上报：" + "，".join(parts) + "。")
        else:
            self.pending_label.setText("没有新的变动：上次上报以来本单位没有改动过任何内容。")
        _fill(
            self.sent_table,
            [
                [f"第{p.seq}号", when(p.created_at), p.file_name, str(record_count(p.counts))]
                for p in self._exchange.packages("out")
            ],
        )
        rows = self._exchange.feedback("in")
        _fill(
            self.feedback_table,
            [[when(f.created_at), f.outcome_label, f.title, f.comment] for f in rows],
        )
        for row, f in enumerate(rows):
            if f.outcome == "return":
                for column in range(self.feedback_table.columnCount()):
                    self.feedback_table.item(row, column).setForeground(QBrush(LATE))

    def _load_county(self) -> None:
        statuses = self._statuses = self._exchange.county_view()
        self.township_table.setRowCount(0)
        for s in statuses:
            if s.last_seq:
                received = f"第{s.last_seq}号" + (
                    f" {s.last_received:%Y-%m-%d}" if s.last_received else ""
                )
            else:
                received = "尚未收到"
            values = [
                s.name,
                "已登记" if s.key_registered else "未登记",
                received,
                "、".join(f"缺第{n}号包" for n in s.missing_seqs),
                str(s.overdue) if s.overdue else "",
                str(s.open_conflicts) if s.open_conflicts else "",
                str(s.held) if s.held else "",
                yuan(sum(s.program_totals.values())) if s.program_totals else "",
            ]
            row = self.township_table.rowCount()
            self.township_table.insertRow(row)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column >= 4:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.township_table.setItem(row, column, cell)
            self.township_table.item(row, 0).setToolTip(s.code)
            if s.program_totals:
                self.township_table.item(row, 7).setToolTip(
                    "\n".join(f"{name}：{yuan(fen)} 元" for name, fen in s.program_totals.items())
                )
            for column in (1, 3, 5):
                if values[column] and values[column] != "已登记":
                    self.township_table.item(row, column).setForeground(QBrush(LATE))

    def _unit_names(self) -> dict[str, str]:
        names = {t.unit_code: t.unit_name for t in self._exchange.trusted()}
        names.update({s.code: s.name for s in self._statuses})
        return names

    def _load_conflicts(self) -> None:
        conflicts = self._exchange.conflicts()
        county = self.mode == "county"
        # A township sees the group only when a county package collided with its own edits.
        self.conflict_group.setVisible(county or bool(conflicts))
        self.keep_local_button.setText("保留县里的" if county else "保留本单位的")
        self.take_incoming_button.setText("采用乡镇报送的" if county else "采用县里下发的")
        self.conflict_table.setHorizontalHeaderLabels(
            ["乡镇" if county else "来自", "表", "记录", "时间"]
        )
        self.conflict_hint.setText(
            "同一条记录两边都改过。选中一行，决定保留哪一份（鼠标停在记录上可看两边的差别）。"
            if conflicts
            else "没有待处理的冲突。"
        )
        names = self._unit_names() if conflicts else {}
        self.conflict_table.setRowCount(0)
        for c in conflicts:
            try:
                local, incoming = json.loads(c.local), json.loads(c.incoming)
            except ValueError:
                local, incoming = {}, {}
            row = self.conflict_table.rowCount()
            self.conflict_table.insertRow(row)
            values = [
                names.get(c.origin, c.origin),
                SPECS[c.table_name].label if c.table_name in SPECS else c.table_name,
                record_title(c.table_name, incoming or local),
                when(c.created_at),
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(ID_ROLE, c.id)
                self.conflict_table.setItem(row, column, cell)
            diff = differences(c.table_name, local, incoming)
            if diff:
                self.conflict_table.item(row, 2).setToolTip("\n".join(diff))

    def _update_buttons(self) -> None:
        selected = self.selected_conflict() is not None
        self.keep_local_button.setEnabled(selected)
        self.take_incoming_button.setEnabled(selected)

    def _selected_conflict_row(self) -> int | None:
        rows = {index.row() for index in self.conflict_table.selectedIndexes()}
        return rows.pop() if len(rows) == 1 else None

    def selected_conflict(self) -> int | None:
        row = self._selected_conflict_row()
        cell = self.conflict_table.item(row, 0) if row is not None else None
        return cell.data(ID_ROLE) if cell is not None else None

    # -- keys ---------------------------------------------------------------------------------

    @Slot()
    def _on_export_key_button_clicked(self) -> None:
        folder = self._prompts.choose_dir(self, "选择保存公钥文件的文件夹（如U盘）")
        if folder is None:
            return
        try:
            path = self._exchange.export_key_file(folder)
            fingerprint = self._exchange.public_keys().fingerprint
        except GkError as exc:
            self._prompts.error(self, "公钥未导出", exc.message)
            return
        self._prompts.info(
            self,
            "公钥已导出",
            f"本单位公钥文件已保存到：\n{path}\n\n请把这个文件交给对方登记，"
            f"并电话告诉对方指纹：{fingerprint}",
        )

    @Slot()
    def _on_trust_key_button_clicked(self) -> None:
        path = self._prompts.open_file(self, "选择对方的公钥文件", KEY_FILTERS)
        if path is not None:
            self.trust_key_file(path)

    def trust_key_file(self, path: Path) -> bool:
        from gkdesk.sync.keys import read_key_file

        try:
            keys = read_key_file(Path(path))
        except GkError as exc:
            self._prompts.error(self, "公钥未登记", exc.message)
            return False
        known = next((t for t in self._exchange.trusted() if t.unit_code == keys.unit_code), None)
        replacing = ""
        if known is not None and known.fingerprint != keys.fingerprint:
            replacing = (
                f"\n\n注意：已登记过{known.unit_name}的公钥（指纹 {known.fingerprint}），"
                "登记后将替换它。只有对方确实换了电脑或重装了程序才应替换。"
            )
        if not self._prompts.confirm(
            self,
            "核对指纹",
            f"公钥文件属于：{keys.unit_name}（{keys.unit_code}）\n\n"
            f"请与对方电话核对指纹：{keys.fingerprint}。一致才能登记。指纹一致吗？{replacing}",
        ):
            return False
        try:
            unit = self._exchange.trust(keys)
        except GkError as exc:
            self._prompts.error(self, "公钥未登记", exc.message)
            return False
        self._prompts.info(
            self,
            "公钥已登记",
            f"已登记{unit.relation_label}{unit.unit_name}（{unit.unit_code}）的公钥。",
        )
        self.reload()
        return True

    # -- importing ----------------------------------------------------------------------------

    @Slot()
    def _on_import_button_clicked(self) -> None:
        path = self._prompts.open_file(self, "选择要导入的数据包", PACKAGE_FILTERS)
        if path is not None:
            self.import_package(path)

    def _inspect(self, path: Path, trust: str | None) -> Plan:
        exchange = self._exchange
        job = self._tasks.run_db(lambda _p, _c: exchange.inspect(path, trust), "检查数据包")
        progress = JobProgressDialog(job, f"正在检查数据包 {path.name}……", self)
        # The check takes no cancel request: a 取消 button here would do nothing.
        progress.setCancelButton(None)
        try:
            return wait_for(job)
        finally:
            finish(progress)

    def import_package(self, path: Path) -> Plan | None:
        """Check, preview, confirm, apply: the whole import of one package file."""
        path = Path(path)
        title = "数据包未导入"
        trust = None
        try:
            try:
                plan = self._inspect(path, None)
            except UntrustedKeyError as exc:
                if not self._prompts.confirm(
                    self,
                    "核对对方密钥",
                    f"数据包 {path.name} 来自{exc.unit_name}（{exc.unit_code}），"
                    "本单位还没有登记它的公钥。\n\n"
                    f"请打电话与对方核对密钥指纹：{exc.fingerprint}\n\n"
                    "对方电脑上“同步交换”页显示的指纹与此一致，才能登记并导入。指纹一致吗？",
                ):
                    return None
                trust = exc.fingerprint
                plan = self._inspect(path, trust)
        except Cancelled:
            return None
        except GkError as exc:
            self._prompts.error(self, title, self._naming(exc.message, path))
            return None
        if plan.already_imported:
            self._prompts.info(self, "已导入过", plan.summary())
            return plan
        if not PackagePreviewDialog.ask(plan, self):
            return None
        exchange = self._exchange

        backups = self._services.backups

        def work(progress, cancelled):
            backups.backup("before-import")  # an import can always be undone by a restore
            return exchange.apply(path, trust, progress=progress, cancelled=cancelled)

        job = self._tasks.run_db(work, "导入数据包")
        progress = JobProgressDialog(job, f"正在导入数据包 {path.name}……", self)
        try:
            applied = wait_for(job)
        except Cancelled:
            self._prompts.info(self, "已取消", "导入已取消，本单位的数据没有任何改动。")
            return None
        except GkError as exc:
            self._prompts.error(self, title, self._naming(exc.message, path))
            return None
        finally:
            finish(progress)
        self._prompts.info(self, "导入完成", applied.summary())
        self.reload()
        return applied

    @staticmethod
    def _naming(message: str, path: Path) -> str:
        """Every refusal names the file, so the clerk knows which one on the stick is bad."""
        return message if path.name in message else f"数据包 {path.name}：{message}"

    # -- township: upward ---------------------------------------------------------------------

    @Slot()
    def _on_export_up_button_clicked(self) -> None:
        self.export_upward()

    def export_upward(self) -> ExportResult | None:
        try:
            pending = self._exchange.pending_counts()
        except GkError as exc:
            self._prompts.error(self, "未生成数据包", exc.message)
            return None
        if not pending and not self._prompts.confirm(
            self,
            "生成上报数据包",
            "上次上报以来没有新的变动。仍要生成一个数据包吗？（县里可据此确认本单位按时报送）",
        ):
            return None
        folder = self._prompts.choose_dir(self, "选择U盘（或保存上报数据包的文件夹）")
        if folder is None:
            return None
        exchange = self._exchange
        job = self._tasks.run_db(
            lambda p, c: exchange.export_upward(folder, progress=p, cancelled=c),
            "生成上报数据包",
        )
        progress = JobProgressDialog(job, "正在生成上报数据包……", self)
        try:
            result = wait_for(job)
        except Cancelled as exc:
            self._prompts.info(self, "已取消", exc.message)
            self.reload()
            return None
        except GkError as exc:
            self._prompts.error(self, "未生成数据包", exc.message)
            self.reload()
            return None
        finally:
            finish(progress)
        self._prompts.info(
            self,
            "上报数据包已生成",
            f"已生成第{result.seq}号上报数据包（{record_count(result.counts)} 条记录）：\n{result.path}\n\n"
            "请把这个文件拷到U盘带给县里；副本保存在 outbox 文件夹"
            f"（{result.outbox_copy.parent}）。",
        )
        self.reload()
        return result

    # -- county -------------------------------------------------------------------------------

    @Slot()
    def _on_import_folder_button_clicked(self) -> None:
        folder = self._prompts.choose_dir(self, "选择U盘（或存放乡镇数据包的文件夹）")
        if folder is not None:
            self.import_folder(folder)

    def import_folder(self, folder: Path) -> list | None:
        exchange = self._exchange
        job = self._tasks.run_db(
            lambda p, c: (
                self._services.backups.backup("before-import"),
                exchange.import_folder(folder, True, progress=p, cancelled=c),
            )[1],
            "导入U盘文件夹",
        )
        progress = JobProgressDialog(job, "正在导入数据包……", self)
        try:
            results = wait_for(job)
        except Cancelled as exc:
            self._prompts.info(self, "已取消", exc.message)
            self.reload()
            return None
        except GkError as exc:
            self._prompts.error(self, "未导入", exc.message)
            return None
        finally:
            finish(progress)
        done = [f"{path.name}：{text}" for path, plan, text in results if plan is not None]
        failed = [f"{path.name}：{text}" for path, plan, text in results if plan is None]
        parts = []
        if done:
            parts.append(f"已处理 {len(done)} 个数据包：\n" + "\n".join(done))
        if failed:
            parts.append(
                f"以下 {len(failed)} 个数据包没有导入：\n"
                + "\n".join(failed)
                + "\n\n没有导入的不影响其他数据包。密钥未登记的，请用“导入数据包…”逐个导入"
                "并电话核对指纹；损坏的请让乡镇重新拷贝。"
            )
        text = "\n\n".join(parts)
        if failed:
            self._prompts.warning(self, "导入结果", text)
        else:
            self._prompts.info(self, "导入结果", text)
        self.reload()
        return results

    @Slot()
    def _on_export_down_button_clicked(self) -> None:
        self.export_downward()

    def export_downward(self) -> list[ExportResult] | None:
        try:
            children = [t for t in self._exchange.trusted() if t.relation == "child"]
        except GkError as exc:
            self._prompts.error(self, "未生成数据包", exc.message)
            return None
        if not children:
            self._prompts.info(
                self,
                "生成下发数据包",
                "还没有登记任何乡镇的公钥。请先用“登记对方公钥…”登记乡镇交来的公钥文件，"
                "或导入乡镇报送的数据包时核对指纹登记。",
            )
            return None
        folder = self._prompts.choose_dir(self, "选择U盘（或保存下发数据包的文件夹）")
        if folder is None:
            return None
        exchange = self._exchange
        # Filled by the worker and read only after the job has ended, so a cancel part-way
        # still tells the clerk which packages were made.
        made: list[tuple[str, ExportResult]] = []
        failed: list[str] = []

        def work(progress, cancelled):
            for n, unit in enumerate(children):
                if cancelled():
                    raise Cancelled()
                progress(n, len(children), f"正在生成给{unit.unit_name}的数据包")
                try:
                    result = exchange.export_downward(folder, unit.unit_code, cancelled=cancelled)
                except Cancelled:
                    raise
                except GkError as exc:
                    failed.append(f"{unit.unit_name}：{exc.message}")
                    continue
                made.append((unit.unit_name, result))
            progress(len(children), len(children), "完成")

        job = self._tasks.run_db(work, "生成下发数据包")
        progress = JobProgressDialog(job, "正在生成下发数据包……", self)
        cancelled = False
        try:
            wait_for(job)
        except Cancelled:
            cancelled = True
        except GkError as exc:
            failed.append(exc.message)
        finally:
            finish(progress)
        parts = []
        if cancelled:
            parts.append("已取消，其余乡镇的数据包没有生成。")
        if made:
            parts.append(
                f"已生成 {len(made)} 个下发数据包：\n"
                + "\n".join(f"{name}：{r.path}" for name, r in made)
                + "\n\n请把这些文件拷到U盘，分别交给各乡镇导入；副本保存在 outbox 文件夹。"
            )
        if failed:
            parts.append("以下没有生成：\n" + "\n".join(failed))
        text = "\n\n".join(parts)
        if failed:
            self._prompts.warning(self, "生成下发数据包", text)
        else:
            self._prompts.info(self, "生成下发数据包", text)
        self.reload()
        return [r for _name, r in made]

    # -- conflicts ----------------------------------------------------------------------------

    @Slot()
    def _on_keep_local_button_clicked(self) -> None:
        self.resolve_selected("local")

    @Slot()
    def _on_take_incoming_button_clicked(self) -> None:
        self.resolve_selected("incoming")

    def resolve_selected(self, take: str) -> None:
        conflict_id = self.selected_conflict()
        if conflict_id is None:
            return
        record = self.conflict_table.item(self._selected_conflict_row(), 2).text()
        choice = self.keep_local_button if take == "local" else self.take_incoming_button
        if not self._prompts.confirm(
            self,
            "处理冲突",
            f"“{record}”：{choice.text()}版本？\n另一份将不再保留，这个决定不能撤销。",
        ):
            return
        try:
            self._exchange.resolve_conflict(conflict_id, take)
        except GkError as exc:
            self._prompts.error(self, "处理冲突", exc.message)
        self.reload()
