"""A Hugging Face hub on loopback that serves one model folder, for `hearth models pull` tests.

It answers the requests ``huggingface_hub.snapshot_download`` makes: the repo's info and file
list (``/api/models/<repo>/revision/<rev>``, ``/api/models/<repo>/tree/<rev>``) and each file
(``/<repo>/resolve/<rev>/<path>``, HEAD and GET, with the commit and ETag headers the client
checks). Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@contextmanager
def serve_model(repo_id: str, folder: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve ``folder`` as ``repo_id``; yields (endpoint URL, request log)."""
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    etags = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}
    log: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, body: bytes, headers: dict[str, str], status: int = 200) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _route(self) -> None:
            path = unquote(urlparse(self.path).path)
            log.append(f"{self.command} {path}")
            api = f"/api/models/{repo_id}/revision/"
            tree = f"/api/models/{repo_id}/tree/"
            resolve = f"/{repo_id}/resolve/"
            if path.startswith(tree):
                listing = [
                    {"type": "file", "path": name, "size": p.stat().st_size, "oid": etags[name][:40]}
                    for name, p in files.items()
                ]
                self._reply(json.dumps(listing).encode(), {"Content-Type": "application/json"})
            elif path.startswith(api):
                info = {
                    "id": repo_id,
                    "modelId": repo_id,
                    "sha": COMMIT,
                    "siblings": [{"rfilename": name} for name in files],
                    "private": False,
                }
                self._reply(json.dumps(info).encode(), {"Content-Type": "application/json"})
            elif path.startswith(resolve):
                name = path[len(resolve) :].split("/", 1)[1]
                if name not in files:
                    self._reply(b"not found", {"X-Error-Code": "EntryNotFound"}, status=404)
                    return
                headers = {
                    "X-Repo-Commit": COMMIT,
                    "ETag": f'"{etags[name]}"',
                    "Content-Type": "application/octet-stream",
                }
                self._reply(files[name].read_bytes(), headers)
            else:
                self._reply(b"no such repo", {"X-Error-Code": "RepoNotFound"}, status=404)

        do_GET = _route
        do_HEAD = _route

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
