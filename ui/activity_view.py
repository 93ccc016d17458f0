"""The activity view: what Hearth did (from the audit log), newest first, with undo where possible."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import dates, worker
from ui.services import Services

COLUMNS = ("When", "Action", "Tier", "Decision", "Result")


def _get(row: dict[str, Any], *keys: str, default: Any = "") -> Any:
    for key in keys:
        if key in row and row[key] not in (None, ""):
            return row[key]
    return default


def _when(row: dict[str, Any]) -> str:
    value = _get(row, "ts", "time", "timestamp")
    if isinstance(value, int | float):
        return dates.human(dt.datetime.fromtimestamp(value).isoformat(timespec="seconds"))
    return dates.human(str(value))


class ActivityView(QWidget):
    undo_finished = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.rows: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        top = QHBoxLayout()
        self.summary = QLabel("Everything Hearth did or was asked to do, from the audit log.")
        self.summary.setObjectName("Secondary")
        top.addWidget(self.summary, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_selected)
        top.addWidget(self.refresh_button)
        top.addWidget(self.undo_button)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        worker.run_task(self.services.audit_entries, self._show, lambda exc: self.summary.setText(str(exc)))

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = list(reversed(rows))
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            action = _get(row, "tool", "action", "kind")
            args = _get(row, "arguments", default=None)
            if isinstance(args, dict) and args:
                action = f"{action}  {json.dumps(args, ensure_ascii=False)[:120]}"
            values = (
                _when(row),
                str(action),
                str(_get(row, "tier")),
                str(_get(row, "decision", "kind")),
                str(_get(row, "output", "result", "message"))[:160].replace("\n", " "),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(index, column, item)
        self._selection()

    def _selected(self) -> dict[str, Any] | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _selection(self) -> None:
        row = self._selected()
        undoable = bool(row and (_get(row, "undo_available", default=False)
                                 or (row.get("kind") == "result" and row.get("ok") and row.get("undo"))))
        self.undo_button.setEnabled(undoable)

    def undo_selected(self) -> None:
        row = self._selected()
        if not row:
            return
        action_id = str(_get(row, "action_id", "id"))
        self.undo_button.setEnabled(False)

        def done(result: Any) -> None:
            self.summary.setText(f"Undone: {result}" if result else "Undone.")
            self.undo_finished.emit(action_id)
            self.refresh()

        worker.run_task(lambda: self.services.undo(action_id), done, lambda exc: self.summary.setText(f"Could not undo: {exc}"))
