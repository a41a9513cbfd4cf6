"""A real threaded HTTP server with a hit counter, so tests prove what reached the wire.

No mocked transport: the checker talks TCP to this server exactly as it would to a website. The
hit counter is the evidence for "one request per URL" and, when it stays at zero, for "the guard
stopped it before any connection".
"""

from __future__ import annotations

import collections
import gzip
import http.server
import threading
import time
import urllib.parse

GZIP_BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # ~20 KB -> 20 MB


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # slow/drip handlers must not block shutdown
    request_queue_size = 128  # the default backlog of 5 drops SYNs: 1 s retransmit stalls


class LinkServer:
    """ThreadingHTTPServer on `host` (ephemeral port unless given) counting hits per path."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.hits: collections.Counter[str] = collections.Counter()
        self.methods: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.inflight = 0
        self.max_inflight = 0
        self.starts: list[float] = []
        self.server = _Server((host, port), _handler_for(self))
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            return self.hits[path]

    def total(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler_for(owner: LinkServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._route()

        def do_GET(self) -> None:
            self._route()

        def _send(
            self, status: int, headers: dict[str, str] | None = None, body: bytes = b""
        ) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        def _redirect(self, status: int, location: str) -> None:
            self._send(status, {"Location": location})

        def _route(self) -> None:
            if self.path.startswith("http://"):  # an absolute-form request: we are a proxy
                owner.count("PROXY")
                with owner.lock:
                    owner.methods.append((self.command, self.path))
                self._send(200, body=b"via proxy")
                return
            parts = urllib.parse.urlsplit(self.path)
            path = parts.path
            query = urllib.parse.parse_qs(parts.query)
            seen = owner.count(path)
            with owner.lock:
                owner.methods.append((self.command, path))
            head = self.command == "HEAD"
            if path in ("/", "/ok"):
                self._send(200, body=b"ok")
            elif path.startswith("/perm/"):
                left = int(path.rsplit("/", 1)[1])
                if left > 0:
                    self._redirect(301, f"/perm/{left - 1}")
                else:
                    self._send(200)
            elif path == "/p308":
                self._redirect(308, "/ok")
            elif path == "/temp":
                self._redirect(302, "/ok")
            elif path == "/mixed":
                self._redirect(301, "/temp")
            elif path == "/to":
                self._redirect(302, query["url"][0])
            elif path == "/loop/a":
                self._redirect(301, "/loop/b")
            elif path == "/loop/b":
                self._redirect(301, "/loop/a")
            elif path == "/nolocation":
                self._send(301)
            elif path in ("/404", "/410"):
                self._send(int(path[1:]))
            elif path == "/ratelimited":
                self._send(429, {"Retry-After": "0"}) if seen == 1 else self._send(200)
            elif path == "/ratelimited-date":
                past = "Wed, 21 Oct 2015 07:28:00 GMT"
                self._send(429, {"Retry-After": past}) if seen == 1 else self._send(200)
            elif path == "/ratelimited-long":
                self._send(429, {"Retry-After": "3600"})
            elif path == "/flaky":
                self._send(500) if seen == 1 else self._send(200)
            elif path == "/down":
                self._send(503)
            elif path == "/nohead":
                self._send(405) if head else self._send(200, body=b"hello")
            elif path == "/forbidden-head":
                self._send(403) if head else self._send(200)
            elif path == "/hold":
                self._hold()
            elif path == "/slow":
                time.sleep(5)
                self._send(200)
            elif path == "/drip":
                self._drip()
            elif path == "/huge":
                self._send(405) if head else self._endless()
            elif path == "/bomb":
                headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
                self._send(405) if head else self._send(200, headers, GZIP_BOMB)
            else:
                self._send(404)

        def _hold(self) -> None:
            """Answer after 0.2 s, recording start times and the most requests in flight."""
            with owner.lock:
                owner.starts.append(time.monotonic())
                owner.inflight += 1
                owner.max_inflight = max(owner.max_inflight, owner.inflight)
            time.sleep(0.2)
            with owner.lock:
                owner.inflight -= 1
            self._send(200)

        def _drip(self) -> None:
            """A status line then one header byte every 50 ms: each read succeeds, none ends."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(200):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            self.close_connection = True

        def _endless(self) -> None:
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(4096):  # up to 256 MB, far more than anyone should read
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True

    return Handler
