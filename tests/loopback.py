"""A real HTTP server on 127.0.0.1 whose answers each test scripts, for the download paths."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (to provoke client timeouts).
    delay: float = 0.0
    #: Send only this many bytes of the body while announcing the full length.
    truncate_at: int | None = None
    #: Seconds between single bytes of the body (a slow-drip upstream); 0 sends it at once.
    drip: float = 0.0


class Loopback:
    def __init__(self) -> None:
        self.routes: dict[str, deque[Reply]] = defaultdict(deque)
        self.sticky: dict[str, Reply] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body_in = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, dict(self.headers), body_in))
                path = self.path
                queue = server.routes.get(path)
                if not queue and "?" in path:
                    queue = server.routes.get(path.split("?")[0])
                if queue:
                    reply = queue.popleft()
                else:
                    reply = server.sticky.get(path) or server.sticky.get(path.split("?")[0]) or Reply(404, b"not found")
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "text/csv", **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    body = reply.body if reply.truncate_at is None else reply.body[: reply.truncate_at]
                    if self.command != "HEAD" and reply.drip:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    elif self.command != "HEAD":
                        self.wfile.write(body)
                    if reply.truncate_at is not None:
                        self.wfile.flush()
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_HEAD = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def queue(self, path: str, *replies: Reply) -> None:
        self.routes[path].extend(replies)

    def always(self, path: str, reply: Reply) -> None:
        self.sticky[path] = reply

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
