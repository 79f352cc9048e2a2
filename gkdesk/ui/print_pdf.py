"""Sending a rendered PDF to a printer page by page (the PDF stays the single source)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter


def configure_printer(printer: QPrinter, document: QPdfDocument) -> None:
    """Paper and orientation taken from the PDF's first page."""
    size = document.pagePointSize(0)
    landscape = size.width() > size.height()
    a3 = max(size.width(), size.height()) > 1000
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A3 if a3 else QPageSize.PageSizeId.A4))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)


def print_document(document: QPdfDocument, printer: QPrinter, dpi: int = 300) -> int:
    """Paint every page (times the copies the printer cannot make itself); pages printed."""
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
        first = True
        for _copy in range(copies):
            for page in range(document.pageCount()):
                if not first:
                    printer.newPage()
                first = False
                points = document.pagePointSize(page)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = document.render(page, size)
                painter.drawImage(target, image, QRectF(image.rect()))
                printed += 1
    finally:
        painter.end()
    return printed


__all__ = ["Qt", "configure_printer", "print_document"]


def check_print_path(pdf) -> str:
    """Self-check: the PDF opens in Qt's viewer and prints (to a PDF file) page by page."""
    from pathlib import Path

    document = QPdfDocument()
    document.load(str(pdf))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise RuntimeError(f"Qt 无法打开 {pdf}（{document.error().name}）")
    out = Path(pdf).with_name("self-check-printed.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    configure_printer(printer, document)
    printed = print_document(document, printer, dpi=72)
    if printed != document.pageCount() or not out.exists() or out.stat().st_size == 0:
        raise RuntimeError("打印组件没有输出内容")
    return f"预览与打印组件可用（{printed} 页）"
