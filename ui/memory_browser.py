"""The memory browser: sources with counts and last sync, add a source with progress, search with
filters, view an item, and forget (an item, a source, a person, a date range, or everything)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import events as ev
from app.wording import THIS_COMPUTER
from memory.originals import is_file_of_its_own
from ui import dates, markdown_render, theme, worker
from ui.bridge import EventBridge
from ui.item_viewer import ItemViewer
from ui.services import Services

SOURCE_TYPES = ("document", "mail", "message", "calendar", "contact", "conversation")
ADD_KINDS = (
    ("Folder (documents, mail, calendars, contacts)…", "documents", "folder"),
    ("Mail (mbox file)…", "mbox", "file"),
    ("Mail (Maildir folder)…", "maildir", "folder"),
    ("Calendar (.ics)…", "ics", "file"),
    ("Contacts (.vcf)…", "vcf", "file"),
    ("Messages (iMessage chat.db)…", "imessage", "file"),
)
_KIND_FILTERS = {"mbox": "Mailbox (*.mbox *.mbx);;All files (*)", "ics": "Calendar (*.ics)", "vcf": "Contacts (*.vcf)",
                 "imessage": "Messages database (chat.db *.db)"}


def _short_date(value: str) -> str:
    return dates.human(value, empty="never")


COMPACTION_POLL_MS = 5000


class MemoryBrowser(QWidget):
    def __init__(self, services: Services, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("Page")
        self.setWindowTitle("Memory — Hearth")
        self.setWindowIcon(theme.app_icon())
        self.resize(1080, 700)
        self.services = services
        self.sources: list[dict[str, Any]] = []
        self.results: list[ev.Citation] = []
        self.ingesting = False
        bridge.ingest.connect(self._on_ingest_event)
        # while the core compacts in the background, look again now and then until it is done
        self.compaction_poll = QTimer(self)
        self.compaction_poll.setInterval(COMPACTION_POLL_MS)
        self.compaction_poll.timeout.connect(self._poll_compaction)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(splitter)

        # --- sources -----------------------------------------------------------------------
        left = QWidget()
        left.setObjectName("Sidebar")
        lay = QVBoxLayout(left)
        lay.setContentsMargins(14, 14, 14, 14)
        lay.setSpacing(8)
        title = QLabel("Sources")
        title.setObjectName("Title")
        lay.addWidget(title)
        self.stats_label = QLabel("Reading the memory…")
        self.stats_label.setObjectName("Secondary")
        self.stats_label.setWordWrap(True)
        lay.addWidget(self.stats_label)
        # shown only while forgotten passages still have a vector in the index (under the stats
        # line, so the panel keeps its width when it comes and goes)
        self.compact_button = QPushButton("Erase Fingerprints")
        self.compact_button.setToolTip("Rebuild the search index so forgotten passages leave no trace in it")
        self.compact_button.clicked.connect(lambda: self.compact())
        self.compact_button.hide()
        lay.addWidget(self.compact_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.source_table = QTableWidget(0, 3)
        self.source_table.setHorizontalHeaderLabels(("Source", "Items", "Last sync"))
        self.source_table.verticalHeader().hide()
        self.source_table.setShowGrid(False)
        self.source_table.setIconSize(QSize(16, 16))
        self.source_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.source_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.source_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.source_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.source_table, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("Secondary")
        self.progress_label.setWordWrap(True)
        lay.addWidget(self.progress)
        lay.addWidget(self.progress_label)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add Source")
        self.add_button.setProperty("role", "primary")
        add_menu = QMenu(self.add_button)
        for text, kind, chooser in ADD_KINDS:
            add_menu.addAction(theme.icon(theme.source_icon_name(kind)), text,
                               lambda k=kind, c=chooser: self.choose_source(k, c))
        self.add_button.setMenu(add_menu)
        self.forget_source_button = QPushButton("Forget Source")
        self.forget_source_button.setProperty("role", "danger")
        self.forget_source_button.clicked.connect(lambda: self.forget_source())
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.forget_source_button)
        lay.addLayout(row)
        splitter.addWidget(left)

        # --- search and items ----------------------------------------------------------------
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(16, 14, 16, 14)
        rl.setSpacing(8)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search your memory")
        self.query.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.query.returnPressed.connect(lambda: self.search())
        self.query.setClearButtonEnabled(True)
        rl.addWidget(self.query)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.type_filter = QComboBox()
        self.type_filter.addItem("All kinds", "")
        for source_type in SOURCE_TYPES:
            self.type_filter.addItem(theme.icon(theme.source_icon_name(source_type)), source_type.title(), source_type)
        self.since_check = QCheckBox("From")
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.since.setCalendarPopup(True)
        self.until_check = QCheckBox("to")
        self.until = QDateEdit(QDate.currentDate())
        self.until.setCalendarPopup(True)
        self.person = QLineEdit()
        self.person.setPlaceholderText("Person")
        self.person.setMaximumWidth(150)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(lambda: self.search())
        for widget in (self.type_filter, self.since_check, self.since, self.until_check, self.until, self.person):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.search_button)
        rl.addLayout(filters)
        inner = QSplitter(Qt.Orientation.Vertical)
        self.result_list = QListWidget()
        self.result_list.setIconSize(QSize(18, 18))
        self.result_list.setWordWrap(True)
        self.result_list.setSpacing(2)
        self.result_list.currentRowChanged.connect(self.view_item)
        inner.addWidget(self.result_list)
        self.detail = QTextBrowser()
        self.detail.setObjectName("DetailView")
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("Select a memory to read it in full.")
        inner.addWidget(self.detail)
        inner.setSizes([300, 260])
        rl.addWidget(inner, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton("Open Original")
        self.open_button.clicked.connect(self.open_item)
        self.forget_item_button = QPushButton("Forget Item")
        self.forget_item_button.setProperty("role", "danger")
        self.forget_item_button.clicked.connect(lambda: self.forget_item())
        self.forget_person_button = QPushButton("Forget Person…")
        self.forget_person_button.clicked.connect(lambda: self.forget_person())
        self.forget_range_button = QPushButton("Forget Dates…")
        self.forget_range_button.clicked.connect(lambda: self.forget_range())
        self.wipe_button = QPushButton("Wipe All…")
        self.wipe_button.setProperty("role", "danger")
        self.wipe_button.clicked.connect(lambda: self.wipe_all())
        for widget in (self.open_button, self.forget_item_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (self.forget_person_button, self.forget_range_button, self.wipe_button):
            actions.addWidget(widget)
        rl.addLayout(actions)
        self.status = QLabel("")
        self.status.setObjectName("Secondary")
        rl.addWidget(self.status)
        splitter.addWidget(right)
        splitter.setSizes([380, 700])
        self._update_buttons()

    # --- sources ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        worker.run_task(self.services.memory_overview, self._show_overview,
                        lambda exc: self.stats_label.setText(f"The memory is not available: {exc}"))

    def _show_overview(self, overview: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        stats, sources = overview
        self.sources = sources
        chunks = stats.get("chunks", 0)
        disk = stats.get("disk_bytes") or stats.get("bytes") or 0
        size = f" · {disk / 1e6:.1f} MB" if disk else ""
        text = f"{chunks:,} passage{'s' if chunks != 1 else ''} from {len(sources)} source{'s' if len(sources) != 1 else ''}{size}\nStored only on {THIS_COMPUTER}, in {stats.get('location', '')}"
        pending = int(stats.get("vectors_pending", 0) or 0)
        background = bool(stats.get("compacting"))
        if pending:
            many = pending != 1
            text += (f"\n{pending:,} forgotten passage{'s' if many else ''} still leave{'' if many else 's'} a search "
                     "fingerprint (numbers, not text) in the index until it is rebuilt.")
            if background:
                text += " Hearth rebuilds it in the background once you are not adding or forgetting anything."
        self.stats_label.setText(text)
        self.compact_button.setVisible(pending > 0)
        if pending and background and self.isVisible():
            self.compaction_poll.start()
        else:
            self.compaction_poll.stop()
        self.source_table.setRowCount(len(sources))
        for row, source in enumerate(sources):
            kind = str(source.get("kind", ""))
            path = str(source.get("path", ""))
            name = Path(path).name or path
            item = QTableWidgetItem(theme.icon(theme.source_icon_name(kind)), name)
            item.setToolTip(f"{kind}: {path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.source_table.setItem(row, 0, item)
            count = int(source.get("added", 0) or 0) + int(source.get("updated", 0) or 0)
            total = source.get("items", count)
            self.source_table.setItem(row, 1, QTableWidgetItem(f"{total:,}" if isinstance(total, int) else str(total)))
            self.source_table.setItem(row, 2, QTableWidgetItem(_short_date(str(source.get("last_ingest", "")))))
        self._update_buttons()

    def choose_source(self, kind: str, chooser: str) -> None:
        if chooser == "folder":
            path = QFileDialog.getExistingDirectory(self, "Choose a folder for Hearth to remember")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a file for Hearth to remember", "",
                                                  _KIND_FILTERS.get(kind, "All files (*)"))
        if path:
            self.add_source(path, kind)

    def add_source(self, path: str, kind: str | None = None) -> None:
        """Ingest ``path`` in the background, showing progress as it goes."""
        if self.ingesting:
            return
        self.ingesting = True
        self.add_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(f"Reading {Path(path).name}…")
        worker.run_task(lambda: self.services.ingest(path, kind), self._ingest_done, self._ingest_failed)

    def _poll_compaction(self) -> None:
        if not self.isVisible():
            self.compaction_poll.stop()
        elif not self.ingesting:
            self.refresh()

    def compact(self) -> None:
        """Rebuild the index without forgotten passages' fingerprints, in the background."""
        if self.ingesting:
            return
        self.ingesting = True
        self.add_button.setEnabled(False)
        self.compact_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText("Rebuilding the search index…")
        worker.run_task(self.services.compact_memory, self._compact_done, self._compact_failed)

    def _compact_done(self, finished: ev.IngestFinished) -> None:
        self._job_over()
        erased = finished.removed
        kept = finished.updated
        self.progress_label.setText(f"Rebuilt the search index from {kept:,} passage{'s' if kept != 1 else ''}: "
                                    f"{erased:,} fingerprint{'s' if erased != 1 else ''} erased.")
        self.refresh()

    def _compact_failed(self, exc: BaseException) -> None:
        self._job_over()
        self.progress_label.setText(f"Could not rebuild the index: {exc}")

    def _job_over(self) -> None:
        self.ingesting = False
        self.add_button.setEnabled(True)
        self.compact_button.setEnabled(True)
        self.progress.hide()

    def _on_ingest_event(self, event: ev.Event, _channel: str) -> None:
        if isinstance(event, ev.IngestProgress) and self.ingesting:
            if event.total:
                self.progress.setRange(0, event.total)
                self.progress.setValue(event.done)
            current = Path(event.current).name if event.current else ""
            self.progress_label.setText(f"{event.done:,} of {event.total:,}  {current}" if event.total else f"{event.done:,}  {current}")

    def _ingest_done(self, finished: ev.IngestFinished) -> None:
        self._job_over()
        text = f"Added {finished.added}, updated {finished.updated}, removed {finished.removed}"
        if finished.skipped:
            text += f", skipped {finished.skipped}"
            if finished.skipped_reasons:
                text += f" ({finished.skipped_reasons[0]}…)"
        self.progress_label.setText(text + ".")
        self.refresh()

    def _ingest_failed(self, exc: BaseException) -> None:
        self._job_over()
        self.progress_label.setText(f"Could not add it: {exc}")

    def selected_source(self) -> str:
        row = self.source_table.currentRow()
        item = self.source_table.item(row, 0) if row >= 0 else None
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    # --- search and items ------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        return {
            "source_types": self.type_filter.currentData() or None,
            "since": self.since.date().toString("yyyy-MM-dd") if self.since_check.isChecked() else None,
            "until": self.until.date().toString("yyyy-MM-dd") if self.until_check.isChecked() else None,
            "person": self.person.text().strip() or None,
        }

    def search(self, note: str = "") -> None:
        """Search with the current filters; ``note`` (e.g. what was just forgotten) stays in the status."""
        query = self.query.text().strip()
        if not query:
            return
        self.status.setText(note or "Searching…")
        filters = self.filters()
        worker.run_task(lambda: self.services.search(query, k=20, **filters), lambda r: self._show_results(r, note),
                        lambda exc: self.status.setText(f"Search failed: {exc}"))

    def _show_results(self, results: list[ev.Citation], note: str = "") -> None:
        self.results = list(results)
        self.result_list.clear()
        self.detail.clear()
        for citation in self.results:
            when = dates.human(citation.date)
            heading = f"{citation.title or citation.source_type}   ·   {when}" if when else citation.title or citation.source_type
            label = f"{heading}\n{' '.join(citation.snippet.split())[:160]}"
            item = QListWidgetItem(theme.icon(theme.source_icon_name(citation.source_type)), label)
            item.setToolTip(citation.path or citation.title)
            self.result_list.addItem(item)
        found = f"{len(self.results)} memories found." if self.results else "Nothing found."
        self.status.setText(f"{note} {found}" if note else found)
        self._update_buttons()

    def current(self) -> ev.Citation | None:
        row = self.result_list.currentRow()
        return self.results[row] if 0 <= row < len(self.results) else None

    def view_item(self, _row: int = -1) -> None:
        citation = self.current()
        self._update_buttons()
        if citation is None:
            return
        header = f"<h3>{markdown_render.plain(citation.title)}</h3><p style='color:{theme.palette().text_secondary}'>"
        header += markdown_render.plain(" · ".join(p for p in (citation.source_type.title(), dates.human(citation.date)) if p))
        if citation.people:
            header += " · " + markdown_render.plain(", ".join(citation.people))
        if not citation.trusted:
            header += " · third-party content"
        header += "</p>"
        self.detail.setHtml(header + f"<p>{markdown_render.plain(citation.snippet)}</p>")

        def show(text: str) -> None:
            if self.current() is citation:
                self.detail.setHtml(header + f"<p>{markdown_render.plain(text)}</p>")

        worker.run_task(lambda: self.services.item_text(citation.item_id), show, lambda exc: None)

    def open_item(self) -> None:
        """A document opens in the system's app for it; a mail, thread, event or contact (or a
        file that is gone) in Hearth's own read-only viewer."""
        citation = self.current()
        if citation is None:
            return

        def opened(is_file: bool) -> None:
            if is_file:
                QDesktopServices.openUrl(QUrl.fromLocalFile(citation.path))
            else:
                viewer = ItemViewer(citation, self.services, self)
                viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                viewer.show()

        worker.run_task(lambda: citation.source_type == "document" and is_file_of_its_own(citation.path), opened,
                        lambda exc: opened(False))

    def _update_buttons(self) -> None:
        citation = self.current()
        self.forget_item_button.setEnabled(citation is not None)
        self.open_button.setEnabled(citation is not None)

    # --- forgetting ------------------------------------------------------------------------------

    def _confirm(self, title: str, text: str, confirm: bool) -> bool:
        if not confirm:
            return True
        return QMessageBox.warning(self, title, text, QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
                                   QMessageBox.StandardButton.Cancel) == QMessageBox.StandardButton.Yes

    def _forget(self, what: dict[str, Any], label: str) -> None:
        self.status.setText(f"Forgetting {label}…")

        def done(removed: int) -> None:
            note = f"Forgot {label} ({removed} passage{'s' if removed != 1 else ''} removed)."
            self.status.setText(note)
            self.refresh()
            if self.query.text().strip():
                self.search(note)
            else:
                self.result_list.clear()
                self.detail.clear()
                self.results = []

        worker.run_task(lambda: self.services.forget(**what), done, lambda exc: self.status.setText(f"Could not forget: {exc}"))

    def forget_item(self, confirm: bool = True) -> None:
        citation = self.current()
        if citation and self._confirm("Forget this memory?", f"Hearth will forget “{citation.title}”.", confirm):
            self._forget({"item_id": citation.item_id}, f"“{citation.title}”")

    def forget_source(self, path: str | None = None, confirm: bool = True) -> None:
        path = path or self.selected_source()
        if path and self._confirm("Forget this source?", f"Hearth will forget everything it read from\n{path}", confirm):
            self._forget({"source_path": path}, Path(path).name)

    def forget_person(self, person: str | None = None, confirm: bool = True) -> None:
        if person is None:
            person, ok = QInputDialog.getText(self, "Forget a person", "Forget everything that mentions (name or address):")
            if not ok:
                return
        person = person.strip()
        if person and self._confirm("Forget this person?", f"Hearth will forget everything involving {person}.", confirm):
            self._forget({"person": person}, person)

    def forget_range(self, since: str | None = None, until: str | None = None, confirm: bool = True) -> None:
        if since is None or until is None:
            since = self.since.date().toString("yyyy-MM-dd")
            until = self.until.date().toString("yyyy-MM-dd")
        if self._confirm("Forget these dates?", f"Hearth will forget everything dated {since} to {until}.", confirm):
            self._forget({"since": since, "until": until}, f"{since} to {until}")

    def wipe_all(self, confirm: bool = True) -> None:
        if not self._confirm("Wipe the whole memory?", "Hearth will forget everything it has read. This cannot be undone.", confirm):
            return
        self.status.setText("Wiping…")
        worker.run_task(self.services.wipe_memory, lambda n: (self.status.setText(f"Memory wiped ({n} passages removed)."), self.refresh(), self._show_results([])),
                        lambda exc: self.status.setText(f"Could not wipe: {exc}"))
