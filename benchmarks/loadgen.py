"""A small closed-loop HTTP/1.1 load generator: N clients, each sends its next request when the previous answer
has been read in full, for a bounded time. Standard library only (asyncio streams), keep-alive when the server
allows it. Latency is measured from sending the request to the last byte of the body."""
from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    path: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    body_bytes: int = 0

    def percentile(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[k]

    def extend(self, other: "LoadResult") -> None:
        """Pool another window's measurements of the same path into this one."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.body_bytes += other.body_bytes
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count

    def summary(self) -> dict:
        n = len(self.latencies)
        return {"path": self.path, "clients": self.clients, "seconds": round(self.seconds, 2), "requests": n,
                "errors": self.errors, "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "rps": round(n / self.seconds, 1) if self.seconds else None,
                "p50_ms": _ms(self.percentile(50)), "p95_ms": _ms(self.percentile(95)),
                "mean_ms": _ms(statistics.fmean(self.latencies)) if n else None,
                "body_bytes": self.body_bytes // n if n else None}


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
        body = bytes(body)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
        headers["connection"] = "close"
    return status, body, headers.get("connection", "").lower() == "close"


async def _client(host, port, request: bytes, deadline: float, result: LoadResult, record_after: float):
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, body, close = await asyncio.wait_for(_read_response(reader), timeout=60)
            finished = time.perf_counter()
            if started >= record_after:
                result.latencies.append(finished - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.body_bytes += len(body)
                if status >= 400:
                    result.errors += 1
            if close:
                writer.close()
                writer = None
        except (OSError, ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError,
                IndexError):
            result.errors += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


def run_load(host: str, port: int, path: str, *, clients: int = 20, seconds: float = 10.0, warmup: float = 2.0,
             cookie: str = "", accept_encoding: str = "gzip, deflate, br") -> LoadResult:
    """``clients`` concurrent closed-loop clients on ``path`` for ``warmup`` + ``seconds``; only the last
    ``seconds`` are recorded."""
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: leshan-bench\r\n"
               f"Accept: text/html,*/*\r\nAccept-Encoding: {accept_encoding}\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "") + "Connection: keep-alive\r\n\r\n").encode()
    result = LoadResult(path=path, clients=clients, seconds=seconds)

    async def main():
        start = time.perf_counter()
        record_after = start + warmup
        deadline = record_after + seconds
        await asyncio.gather(*(_client(host, port, request, deadline, result, record_after)
                               for _ in range(clients)))

    asyncio.run(main())
    return result
