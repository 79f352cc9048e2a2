"""Greys out the controls the signed-in role may not use, whatever a page's own logic says.

The services refuse such calls anyway (gkdesk.services.guard); this only spares the clerk a
button that can do nothing but show a refusal. The tooltip says why it is grey.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class RoleGate(QObject):
    def __init__(self, services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._held: set[int] = set()

    def guard(self, widget: QWidget, service: str, method: str) -> bool:
        """Keep ``widget`` disabled unless the role may call ``service.method``; True if allowed."""
        if self._services.may(service, method):
            return True
        person = self._services.actor()
        widget.setToolTip(f"当前账号（{person.display_name}，{person.role_label}）无权进行此操作。")
        widget.setEnabled(False)
        widget.installEventFilter(self)
        self._held.add(id(widget))
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.EnabledChange
            and id(watched) in self._held
            and isinstance(watched, QWidget)
            and watched.isEnabled()
        ):
            watched.setEnabled(False)
        return False
