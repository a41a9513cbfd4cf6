"""Benchmark web server: every request answers 200 after a fixed latency, and is counted.

Runs as its own process so that its work does not share a GIL with the checker being measured.
It listens on one port on several loopback addresses (Linux routes all of 127/8 to `lo`), so the
corpus can spread links over many "hosts" the way real pages do. Minimal HTTP/1.1 with keep-alive;
`/__stats` returns the counters as JSON and `/__reset` zeroes them (neither is delayed or counted).

Usage: python bench/links/server.py --hosts 20 --latency 0.05
Prints one JSON line {"port": ..., "hosts": [...]} when ready.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import socket
import sys
import threading


class Stats:
    def __init__(self) -> None:
        self.methods: collections.Counter[str] = collections.Counter()
        self.paths: collections.Counter[str] = collections.Counter()

    def snapshot(self) -> dict[str, object]:
        return {
            "requests": sum(self.methods.values()),
            "methods": dict(self.methods),
            "distinct_targets": len(self.paths),
            "max_per_target": max(self.paths.values(), default=0),
        }


async def handle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stats: Stats, latency: float
) -> None:
    host = writer.get_extra_info("sockname")[0]
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            if target in ("/__stats", "/__reset"):
                if target == "/__reset":
                    stats.methods.clear()
                    stats.paths.clear()
                body = json.dumps(stats.snapshot()).encode()
            else:
                stats.methods[method] += 1
                stats.paths[f"{host}{target}"] += 1
                await asyncio.sleep(latency)
                body = b"ok\n"
            response = (
                f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                f"{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n"
            ).encode()
            writer.write(response if method == "HEAD" else response + body)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


def shared_port(hosts: list[str]) -> int:
    """A port free on every host (try ephemeral ports until one binds everywhere)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((hosts[0], 0))
            port = int(probe.getsockname()[1])
        try:
            for host in hosts:
                with socket.socket() as other:
                    other.bind((host, port))
        except OSError:
            continue
        return port
    raise SystemExit("no port free on all hosts")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    hosts = [f"127.0.0.{i}" for i in range(1, args.hosts + 1)]
    port = shared_port(hosts)
    stats = Stats()
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, stats, args.latency), hosts, port, backlog=4096
    )
    print(json.dumps({"port": port, "hosts": hosts}), flush=True)
    # Exit with the parent: it holds our stdin open and closing it (even by dying) ends us.
    loop = asyncio.get_running_loop()
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(server.close)), daemon=True
    ).start()
    async with server:
        with contextlib.suppress(asyncio.CancelledError):
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
