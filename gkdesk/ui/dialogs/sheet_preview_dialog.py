"""Preview of a bulletin sheet: options, pages, zoom, print, save and open in the system viewer."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.services.printing import PrintOptions
from gkdesk.ui.print_pdf import configure_printer, print_document
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner, wait_for

RenderFn = Callable[[Path, PrintOptions, Callable, Callable], object]


class SheetPreviewDialog(QDialog):
    """``render(target, options, progress, cancelled)`` writes the PDF (a service call)."""

    def __init__(
        self,
        title: str,
        render: RenderFn,
        tasks: TaskRunner,
        prompts: Prompts,
        work_dir: Path,
        *,
        options: PrintOptions | None = None,
        with_profile: bool = True,
        parent: QWidget | None = None,
        choose_font: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"公示单预览 - {title}")
        self._title = title
        self._render = render
        self._tasks = tasks
        self._prompts = prompts
        self._work_dir = work_dir
        self._choose_font = choose_font
        self.options = options or PrintOptions()
        self.pdf_path: Path | None = None
        self.result = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.profile_combo = QComboBox(self)
        self.profile_combo.addItem("公告栏（姓名完整，身份证号隐去）", "board")
        self.profile_combo.addItem("网站（姓名也隐去）", "web")
        self.profile_combo.setCurrentIndex(
            max(self.profile_combo.findData(self.options.profile), 0)
        )
        self.profile_combo.setEnabled(with_profile)
        self.paper_combo = QComboBox(self)
        self.paper_combo.addItems(["A4", "A3"])
        self.paper_combo.setCurrentText(self.options.paper)
        self.landscape_check = QCheckBox("横向", self)
        self.landscape_check.setChecked(self.options.landscape)
        self.start_edit = QDateEdit(self)
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy年M月d日")
        self.start_edit.setDate(
            QDate.currentDate()
            if self.options.notice_from is None
            else QDate(self.options.notice_from)
        )
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(0, 365)
        self.days_spin.setSpecialValueText("按项目规定")
        self.days_spin.setValue(self.options.notice_days or 0)
        self.office_edit = QLineEdit(self.options.office, self)
        self.office_edit.setPlaceholderText("默认：本乡镇人民政府")
        self.phone_edit = QLineEdit(self.options.phone, self)
        self.phone_edit.setPlaceholderText("例如 0431-12345678")
        self.handler_edit = QLineEdit(self.options.handler, self)
        self.reviewer_edit = QLineEdit(self.options.reviewer, self)
        self.font_label = QLabel(self)
        self.font_label.setWordWrap(True)
        self.font_button = QPushButton("选择字体文件…", self)
        self.regenerate_button = QPushButton("按以上设置重新生成", self)
        form = QFormLayout()
        form.addRow("渠道：", self.profile_combo)
        paper_row = QHBoxLayout()
        paper_row.addWidget(self.paper_combo)
        paper_row.addWidget(self.landscape_check)
        form.addRow("纸张：", paper_row)
        form.addRow("公示开始：", self.start_edit)
        form.addRow("公示天数：", self.days_spin)
        form.addRow("异议受理单位：", self.office_edit)
        form.addRow("监督举报电话：", self.phone_edit)
        form.addRow("经办人：", self.handler_edit)
        form.addRow("审核人：", self.reviewer_edit)
        form.addRow("字体：", self.font_label)
        form.addRow("", self.font_button)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.regenerate_button)
        left.addWidget(self.status_label)
        left.addStretch(1)
        left_widget = QWidget(self)
        left_widget.setLayout(left)

        self.zoom_out_button = QPushButton("缩小", self)
        self.zoom_in_button = QPushButton("放大", self)
        self.fit_button = QPushButton("适合宽度", self)
        self.print_button = QPushButton("打印…", self)
        self.save_button = QPushButton("另存为 PDF…", self)
        self.open_button = QPushButton("用系统程序打开", self)
        self.close_button = QPushButton("关闭", self)
        bar = QHBoxLayout()
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            bar.addWidget(button)
        bar.addStretch(1)
        for button in (self.print_button, self.save_button, self.open_button, self.close_button):
            bar.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(self.view, 1)
        right.addLayout(bar)
        right_widget = QWidget(self)
        right_widget.setLayout(right)
        splitter = QSplitter(self)
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.regenerate_button.clicked.connect(self._on_regenerate_button_clicked)
        self.font_button.clicked.connect(self._on_font_button_clicked)
        self.zoom_in_button.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(0.8))
        self.fit_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self._on_print_button_clicked)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self._zoom(1.25))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self._zoom(0.8))
        unit = self.fontMetrics().horizontalAdvance("汉")
        self.resize(unit * 80, unit * 52)
        self._set_ready(False)

    def read_options(self) -> PrintOptions:
        start = self.start_edit.date().toPython()
        return replace(
            self.options,
            profile=self.profile_combo.currentData(),
            paper=self.paper_combo.currentText(),
            landscape=self.landscape_check.isChecked(),
            notice_from=start,
            notice_days=self.days_spin.value() or None,
            office=self.office_edit.text().strip(),
            phone=self.phone_edit.text().strip(),
            handler=self.handler_edit.text().strip(),
            reviewer=self.reviewer_edit.text().strip(),
        )

    def generate(self) -> bool:
        """Render in the background with progress and cancel; show the result when done."""
        self.options = self.read_options()
        self._work_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="preview-", suffix=".pdf", dir=self._work_dir)
        os.close(fd)
        os.unlink(name)  # the renderer writes it atomically under this name
        target = Path(name)
        options = self.options
        job = self._tasks.run_db(lambda p, c: self._render(target, options, p, c), "生成公示单")
        JobProgressDialog(job, "正在生成公示单……", self)
        self.status_label.setText("正在生成……")
        try:
            self.result = wait_for(job)
        except Cancelled:
            self.status_label.setText("已取消，没有生成文件。")
            self._discard_preview()
            return False
        except GkError as exc:
            self._discard_preview()
            self.status_label.setText(exc.message)
            self.status_label.setStyleSheet("color: #b00020;")
            self._prompts.error(self, "公示单未生成", exc.message)
            return False
        self.status_label.setStyleSheet("")
        old = self.pdf_path
        self.document.close()
        self.pdf_path = target
        self.document.load(str(target))
        if old and old != target:
            # The old preview may be open in another program (Windows locks it): leave it then.
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
        warning = getattr(self.result, "warning", "") or getattr(
            getattr(self.result, "font", None), "warning", ""
        )
        text = f"共 {self.result.pages} 页。"
        if warning:
            text += f"\n注意：{warning}"
            self.status_label.setStyleSheet("color: #b06000;")
        self.status_label.setText(text)
        font = getattr(self.result, "font", None)
        if font is not None:
            self.font_label.setText(
                Path(font.path).name + ("（已嵌入）" if font.embedded else "（未嵌入）")
            )
        self._set_ready(True)
        return True

    def _set_ready(self, ready: bool) -> None:
        for button in (
            self.print_button,
            self.save_button,
            self.open_button,
            self.zoom_in_button,
            self.zoom_out_button,
            self.fit_button,
        ):
            button.setEnabled(ready)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(self.view.zoomFactor() * factor, 5.0)))

    @Slot()
    def _on_regenerate_button_clicked(self) -> None:
        self.generate()

    @Slot()
    def _on_font_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self, "选择中文字体文件", "字体文件 (*.ttf *.ttc *.otf);;所有文件 (*)"
        )
        if path is None:
            return
        if self._choose_font is not None:
            try:
                self._choose_font(str(path))
            except GkError as exc:
                self._prompts.warning(self, "无法使用该字体", exc.message)
                return
        self.options = replace(self.options, font_path=str(path))
        self.generate()

    @Slot()
    def _on_print_button_clicked(self) -> None:
        if self.pdf_path is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, self.document)
        if not self._prompts.choose_printer(self, printer):
            return
        pages = print_document(self.document, printer)
        self.status_label.setText(f"已发送到打印机：{pages} 页。")

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self.pdf_path is None:
            return
        path = self._prompts.save_file(
            self, "保存公示单", "PDF 文件 (*.pdf)", Path.home() / f"{self._title}.pdf"
        )
        if path is None:
            return
        path = path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")
        tmp = path.with_name(f".{path.name}.part")
        try:
            shutil.copyfile(self.pdf_path, tmp)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            self._prompts.error(
                self,
                "未保存",
                f"无法保存到 {path}：{exc.strerror or exc}。请换一个文件夹，或先关闭正在打开该文件的程序。",
            )
            return
        self.saved_path = path
        self.status_label.setText(f"已保存到：{path}")

    @Slot()
    def _on_open_button_clicked(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))

    def _discard_preview(self) -> None:
        """After a failed or cancelled run nothing stale may be printed or saved."""
        self.document.close()
        if self.pdf_path is not None:
            with contextlib.suppress(OSError):
                self.pdf_path.unlink(missing_ok=True)
        self.pdf_path = None
        self._set_ready(False)

    def done(self, result: int) -> None:  # noqa: D102 (clean the preview file on close)
        self._discard_preview()
        super().done(result)
