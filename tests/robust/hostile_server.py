"""A local HTTP server that misbehaves on purpose, counting every connection and request.

Routes: `/ok`; `/to?url=U` (302 to U); `/hop/N` (301 to /hop/N+1, forever); `/bomb` (a gzip
body that inflates to 64 MB); `/endless` (a body that never ends); `/endless-chunked`; `/drip`
(one header byte every 50 ms); `/silent` (accepts, never answers); `/huge-header` (one header
line of 8 MB); `/many-headers` (100,000 header lines); `/lying-length` (Content-Length of 10 GB,
no body). HEAD gets 405 on body routes so the checker falls back to GET and meets the body.

`connections` counts TCP connections accepted, so a test can prove a blocked target was never
even connected to, not merely never sent a request.
"""

from __future__ import annotations

import collections
import gzip
import http.server
import socket
import threading
import time
import urllib.parse

GZIP_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB -> 64 MB
# Built once here, so a test measuring the client's memory does not count the server's.
HUGE_HEADER = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (8 * 1024 * 1024) + b"\r\n\r\n"
MANY_HEADERS = b"HTTP/1.1 200 OK\r\n" + b"X-H: v\r\n" * 100_000 + b"\r\n"
CHUNK = b"x" * 65536
HEX_CHUNK = b"10000\r\n" + b"y" * 0x10000 + b"\r\n"


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, owner: HostileServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = super().get_request()
        with self.owner.lock:
            self.owner.connections += 1
        return sock, addr


class HostileServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.lock = threading.Lock()
        self.connections = 0
        self.hits: collections.Counter[str] = collections.Counter()
        self.stop = threading.Event()
        self.server = _Server(self, (host, port))
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def total(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _status(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _raw(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass

    def _forever(self, chunk: bytes, pause: float = 0.0) -> None:
        """Write `chunk` until the client goes or the server stops."""
        stop = self.server.owner.stop
        try:
            while not stop.is_set():
                self.wfile.write(chunk)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:
            pass
        self.close_connection = True

    def _route(self) -> None:
        owner = self.server.owner
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path
        with owner.lock:
            owner.hits[path] += 1
        body_route = path in ("/bomb", "/endless", "/endless-chunked", "/lying-length")
        if self.command == "HEAD" and body_route:
            self._status(405, {})
        elif path == "/ok":
            self._status(200, {}, b"ok")
        elif path == "/to":
            target = urllib.parse.parse_qs(parts.query)["url"][0]
            self._status(302, {"Location": target})
        elif path.startswith("/hop/"):
            self._status(301, {"Location": f"/hop/{int(path.rsplit('/', 1)[1]) + 1}"})
        elif path == "/bomb":
            headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
            self._status(200, headers, GZIP_BOMB)
        elif path == "/endless":
            self._raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            self._forever(CHUNK)
        elif path == "/endless-chunked":
            self._raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            self._forever(HEX_CHUNK)
        elif path == "/lying-length":
            self._raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n")
            self._forever(b"", pause=0.05)
        elif path == "/drip":
            self._raw(b"HTTP/1.1 200 OK\r\n")
            self._forever(b"X", pause=0.05)
        elif path == "/silent":
            self._forever(b"", pause=0.05)
        elif path == "/huge-header":
            self._raw(HUGE_HEADER)
            self.close_connection = True
        elif path == "/many-headers":
            self._raw(MANY_HEADERS)
            self.close_connection = True
        else:
            self._status(404, {})
