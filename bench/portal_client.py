"""A small HTTP/1.1 client for the portal benchmark: keep-alive connections on raw asyncio streams.

The client runs on the same cores as the server it measures, so it must cost little: no URL
objects, no header classes, no cookie jar; one request written, one response read by its
Content-Length (Starlette always sends one). httpx would spend about as much CPU per request as a
page of the portal does to render, and take that from the server.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit


class Connection:
    """One keep-alive connection to ``base_url``; opened on first use, again if the server closed it."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        return await self._request(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())

    async def post(self, path: str, form: dict[str, str]) -> tuple[int, bytes]:
        body = urlencode(form).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return await self._request(head.encode() + body)

    async def _request(self, raw: bytes) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        body = await reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None
