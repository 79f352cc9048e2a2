"""目录事项: choose a directory, edit its tree and items, search, Excel in and out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.catalog import CATALOG_KINDS, CatalogItem, ItemFields
from gkdesk.domain.errors import FieldError, GkError
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner
from gkdesk.ui.widgets.catalog_item_form import CatalogItemForm
from gkdesk.ui.widgets.catalog_tree_view import CatalogTreeView, build_model
from gkdesk.ui.widgets.role_gate import RoleGate


@dataclass
class UndoStep:
    label: str
    undo: Callable[[], int | None]  # returns the item id to select afterwards


class CatalogItemsTab(QWidget):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._catalogs = services.catalogs
        self._tasks = tasks
        self._prompts = prompts
        self._items: dict[int, CatalogItem] = {}
        self._undo: list[UndoStep] = []
        self._matches: list[int] = []

        self.catalog_combo = QComboBox(self)
        self.catalog_combo.setObjectName("catalog_combo")
        self.catalog_combo.setMinimumContentsLength(16)
        self.new_button = QToolButton(self)
        self.new_button.setText("新建目录")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_menu = QMenu(self.new_button)
        self.new_button.setMenu(self.new_menu)
        self.import_button = QPushButton("从 Excel 导入…", self)
        self.export_button = QPushButton("导出 Excel…", self)
        top = QHBoxLayout()
        top.addWidget(QLabel("目录：", self))
        top.addWidget(self.catalog_combo, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(
            "搜索事项：名称、内容、依据、主体、时限（Ctrl+F，回车找下一个）"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_label = QLabel(self)
        self.add_root_button = QPushButton("新增一级事项", self)
        self.add_child_button = QPushButton("新增下级事项", self)
        self.delete_button = QPushButton("删除", self)
        self.undo_button = QPushButton("撤销", self)
        self.undo_button.setToolTip("撤销上一步修改（Ctrl+Z）")
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.search_label)
        bar.addWidget(self.add_root_button)
        bar.addWidget(self.add_child_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.undo_button)

        self.tree = CatalogTreeView(self)
        self.tree.setObjectName("item_tree")
        self.form = CatalogItemForm(self._safe_areas(), self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)

        for template in self._catalogs.templates():
            action = self.new_menu.addAction(
                f"从模板新建：{template.name}（{template.item_count}项）"
            )
            action.triggered.connect(
                lambda _checked=False, key=template.key: self.install_template(key)
            )
        self.new_menu.addSeparator()
        for kind, label in CATALOG_KINDS.items():
            action = self.new_menu.addAction(f"新建空白{label}")
            action.triggered.connect(lambda _checked=False, k=kind: self.create_empty(k))

        self.catalog_combo.currentIndexChanged.connect(self._on_catalog_combo_current_index_changed)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.add_root_button.clicked.connect(self._on_add_root_button_clicked)
        self.add_child_button.clicked.connect(self._on_add_child_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.tree.move_requested.connect(self._on_tree_move_requested)
        self.form.save_requested.connect(self._on_form_save_requested)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search_edit.setFocus)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self._on_undo_button_clicked)
        self._update_buttons()
        gate = RoleGate(services, self)
        gate.guard(self.import_button, "catalog_excel", "apply")
        gate.guard(self.export_button, "catalog_excel", "export")
        gate.guard(self.add_root_button, "catalogs", "add_item")
        gate.guard(self.add_child_button, "catalogs", "add_item")
        gate.guard(self.delete_button, "catalogs", "delete_item")
        gate.guard(self.undo_button, "catalogs", "restore_items")

    # -- loading ---------------------------------------------------------------------------

    def _safe_areas(self) -> list[str]:
        try:
            return self._catalogs.areas()
        except OSError:
            return []

    @property
    def catalog_id(self) -> int | None:
        return self.catalog_combo.currentData()

    def reload_catalogs(self, select: int | None = None) -> None:
        select = select if select is not None else self.catalog_id
        self.catalog_combo.blockSignals(True)
        self.catalog_combo.clear()
        for catalog in self._catalogs.list_catalogs():
            self.catalog_combo.addItem(
                f"{catalog.name}（{catalog.kind_label}，{catalog.item_count}项）", catalog.id
            )
        index = self.catalog_combo.findData(select) if select is not None else 0
        self.catalog_combo.setCurrentIndex(max(index, 0))
        self.catalog_combo.blockSignals(False)
        self.reload_items()

    def reload_items(self, select: int | None = None) -> None:
        catalog_id = self.catalog_id
        items = self._catalogs.items(catalog_id) if catalog_id is not None else []
        self._items = {item.id: item for item in items}
        model = build_model(items, self.tree)
        old = self.tree.model()
        self.tree.setModel(model)
        if old is not None:
            old.deleteLater()
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.tree.expandToDepth(0)
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(
            0, max(self.tree.columnWidth(0), self.fontMetrics().horizontalAdvance("汉") * 18)
        )
        if catalog_id is None:
            self.empty_label.setText(
                "还没有公开目录。点“新建目录”从内置模板（县级标准目录或村务公开目录）新建，或从 Excel 导入县里下发的目录。"
            )
        else:
            self.empty_label.setText("")
        self.empty_label.setVisible(catalog_id is None)
        if select is not None:
            self.select_item(select)
        else:
            self.form.show_item(None)
        if self.search_edit.text():
            self._on_search_edit_text_changed(self.search_edit.text())
        self._update_buttons()

    def select_item(self, item_id: int) -> None:
        index = self.tree.index_of(item_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
            self.tree.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def path_text(self, item_id: int) -> str:
        names = []
        item = self._items.get(item_id)
        while item is not None:
            names.insert(0, item.title)
            item = self._items.get(item.parent_id)
        return " / ".join(names)

    # -- editing ---------------------------------------------------------------------------

    def _run(self, action: Callable[[], object]) -> object | None:
        """Run one edit; show a refused edit as the service said it, change nothing else."""
        try:
            return action()
        except FieldError as exc:
            self.form.show_error(exc)
            self._prompts.warning(self, "未保存", exc.message)
        except GkError as exc:
            self._prompts.warning(self, "操作未完成", exc.message)
        return None

    def _push_undo(self, label: str, undo: Callable[[], int | None]) -> None:
        self._undo.append(UndoStep(label, undo))
        del self._undo[:-50]
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_catalog = self.catalog_id is not None
        current = self.tree.current_item_id()
        for widget in (self.search_edit, self.add_root_button, self.export_button, self.tree):
            widget.setEnabled(has_catalog)
        self.add_child_button.setEnabled(current is not None)
        self.delete_button.setEnabled(current is not None)
        self.undo_button.setEnabled(bool(self._undo))
        self.undo_button.setText(f"撤销：{self._undo[-1].label}" if self._undo else "撤销")

    def add_item(self, parent_id: int | None) -> None:
        if self.catalog_id is None:
            return
        title = self._prompts.ask_text(self, "新增事项", "事项名称：")
        if title is None:
            return
        item = self._run(
            lambda: self._catalogs.add_item(self.catalog_id, parent_id, ItemFields(title=title))
        )
        if item is not None:
            self._push_undo(
                f"新增“{item.title}”", lambda: (self._catalogs.delete_item(item.id), parent_id)[1]
            )
            self.reload_items(select=item.id)

    @Slot()
    def _on_add_root_button_clicked(self) -> None:
        self.add_item(None)

    @Slot()
    def _on_add_child_button_clicked(self) -> None:
        current = self.tree.current_item_id()
        if current is not None:
            self.add_item(current)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        current = self.tree.current_item_id()
        if current is None:
            return
        item = self._items[current]
        below = "及其所有下级事项" if item.has_children else ""
        if not self._prompts.confirm(
            self, "删除事项", f"删除“{item.title}”{below}？\n可以用“撤销”恢复。"
        ):
            return
        ids = self._run(lambda: self._catalogs.delete_item(current))
        if ids:
            self._push_undo(
                f"删除“{item.title}”", lambda: (self._catalogs.restore_items(ids), current)[1]
            )
            self.reload_items(select=item.parent_id)

    @Slot(object)
    def _on_form_save_requested(self, fields: ItemFields) -> None:
        item = self.form.item
        if item is None:
            return
        before = item.fields
        saved = self._run(lambda: self._catalogs.update_item(item.id, fields))
        if saved is not None:
            self.form.clear_error()
            self._push_undo(
                f"修改“{saved.title}”", lambda: self._catalogs.update_item(item.id, before).id
            )
            self.reload_items(select=item.id)

    @Slot(int, object, int)
    def _on_tree_move_requested(self, item_id: int, parent_id: int | None, position: int) -> None:
        item = self._items[item_id]
        old_parent, old_position = item.parent_id, item.position
        moved = self._run(lambda: self._catalogs.move_item(item_id, parent_id, position))
        if moved is not None:
            self._push_undo(
                f"移动“{item.title}”",
                lambda: self._catalogs.move_item(item_id, old_parent, old_position).id,
            )
            self.reload_items(select=item_id)

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        if not self._undo:
            return
        step = self._undo.pop()
        select = self._run(step.undo)
        self.reload_items(select=select if isinstance(select, int) else None)

    # -- selection and search ----------------------------------------------------------------

    @Slot()
    def _on_tree_current_changed(self, current, _previous) -> None:
        item_id = self.tree.item_id(current)
        self.form.show_item(self._items.get(item_id), self.path_text(item_id) if item_id else "")
        self._update_buttons()

    @Slot(int)
    def _on_catalog_combo_current_index_changed(self, _index: int) -> None:
        self._undo.clear()
        self.reload_items()

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self._matches = (
            self._catalogs.search(self.catalog_id, text) if self.catalog_id and text.strip() else []
        )
        order = {item_id: n for n, item_id in enumerate(self._items)}
        self._matches.sort(key=lambda i: order.get(i, 0))
        if not text.strip():
            self.search_label.setText("")
        else:
            self.search_label.setText(
                f"找到 {len(self._matches)} 项" if self._matches else "没有找到"
            )
        if self._matches:
            self.select_item(self._matches[0])

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        if not self._matches:
            return
        current = self.tree.current_item_id()
        index = self._matches.index(current) + 1 if current in self._matches else 0
        self.select_item(self._matches[index % len(self._matches)])

    # -- catalogs ----------------------------------------------------------------------------

    def install_template(self, key: str) -> None:
        catalog = self._run(lambda: self._catalogs.install_template(key))
        if catalog is not None:
            self.reload_catalogs(select=catalog.id)

    def create_empty(self, kind: str) -> None:
        name = self._prompts.ask_text(self, "新建目录", "目录名称：", CATALOG_KINDS[kind])
        if name is not None:
            catalog = self._run(lambda: self._catalogs.create_catalog(name, kind))
            if catalog is not None:
                self.reload_catalogs(select=catalog.id)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        catalog_id = self.catalog_id
        if catalog_id is None:
            return
        name = self._catalogs.get_catalog(catalog_id).name
        path = self._prompts.save_file(
            self, "导出公开目录", "Excel 工作簿 (*.xlsx)", Path.home() / f"{name}.xlsx"
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        excel = self._services.catalog_excel
        job = self._tasks.run_db(lambda _p, _c: excel.export(catalog_id, path), "导出公开目录")
        JobProgressDialog(job, "正在导出公开目录……", self)
        job.succeeded.connect(
            lambda result: self._prompts.info(self, "导出完成", f"已导出到：\n{result}")
        )
        job.failed.connect(self._show_failure)

    @Slot()
    def _on_import_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.catalog_import_dialog import run_catalog_import

        catalog_id = run_catalog_import(
            self, self._services, self._tasks, self._prompts, self.catalog_id
        )
        if catalog_id is not None:
            self._undo.clear()
            self.reload_catalogs(select=catalog_id)

    @Slot(object)
    def _show_failure(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, GkError) else f"出现意外错误：{exc}"
        self._prompts.error(self, "操作未完成", message)
