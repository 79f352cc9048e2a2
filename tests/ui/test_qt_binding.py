"""Guards against a Qt binding that corrupts memory when slots run.

PySide6 6.12.0 releases a slot's return value once too often: after a few thousand clicks
the interpreter aborts ("deallocating None"). A clerk clicks that often in a day, so the
binding version is pinned, and this test fails on any binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QPushButton


class _Receiver(QObject):
    ping = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    @Slot()
    def on_ping(self) -> None:
        self.calls += 1


def test_clicking_does_not_leak_or_over_release_none(qtbot):
    button = QPushButton("确定")
    qtbot.addWidget(button)
    calls = []
    button.clicked.connect(lambda: calls.append(1))
    before = sys.getrefcount(None)
    for _ in range(500):
        button.click()
    assert len(calls) == 500
    assert abs(sys.getrefcount(None) - before) < 50


def test_custom_signal_to_slot_keeps_refcounts(qtbot):
    receiver = _Receiver()
    receiver.ping.connect(receiver.on_ping)
    before = sys.getrefcount(None)
    for _ in range(500):
        receiver.ping.emit()
    assert receiver.calls == 500
    assert abs(sys.getrefcount(None) - before) < 50
