"""The one door to message boxes and file dialogs; tests pass a fake with the same methods."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget


class Prompts:
    """Asks the user things. Every QMessageBox, QInputDialog and QFileDialog goes through here."""

    # The dialog classes are imported on first use: start-up never shows one.

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str, details: str = "") -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent
        )
        if details:
            box.setDetailedText(details)
        box.exec()

    def confirm(
        self, parent: QWidget | None, title: str, text: str, *, default_yes: bool = False
    ) -> bool:
        from PySide6.QtWidgets import QMessageBox

        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        default = QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No
        return (
            QMessageBox.question(parent, title, text, buttons, default)
            == QMessageBox.StandardButton.Yes
        )

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, text: str = ""
    ) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value if ok else None

    def choose_item(
        self, parent: QWidget | None, title: str, label: str, items: list[str]
    ) -> int | None:
        """The index of the entry the clerk picks from ``items``; None if cancelled."""
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return items.index(value) if ok and value in items else None

    def open_files(
        self, parent: QWidget | None, title: str, filters: str, start: Path | None = None
    ) -> list[Path]:
        """Several files at once (e.g. the photos of one posted sheet); [] if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(parent, title, str(start or ""), filters)
        return [Path(n) for n in names]

    def choose_printer(self, parent: QWidget | None, printer) -> bool:
        """The system print dialog (printer, paper, copies); False if the clerk cancels."""
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("打印公示单")
        return dialog.exec() == QPrintDialog.DialogCode.Accepted

    def open_file(
        self, parent: QWidget | None, title: str, filters: str, start: Path | None = None
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(parent, title, str(start or ""), filters)
        return Path(path) if path else None

    def save_file(
        self, parent: QWidget | None, title: str, filters: str, start: Path | None = None
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(parent, title, str(start or ""), filters)
        return Path(path) if path else None

    def choose_dir(
        self, parent: QWidget | None, title: str, start: Path | None = None
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        path = QFileDialog.getExistingDirectory(parent, title, str(start or ""))
        return Path(path) if path else None
