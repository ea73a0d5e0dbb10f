"""A Sentry stand-in for the tests: accepts envelopes over HTTP on 127.0.0.1 and keeps them."""

import gzip
import json
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Envelope:
    raw: bytes  # decompressed, as the SDK built it

    def items(self) -> list[tuple[dict, bytes]]:
        """(item header, payload) pairs, after the envelope's own header line."""
        data, out = self.raw, []
        pos = data.index(b"\n") + 1
        while pos < len(data):
            end = data.find(b"\n", pos)
            end = len(data) if end == -1 else end
            if not data[pos:end].strip():
                pos = end + 1
                continue
            header = json.loads(data[pos:end])
            pos = end + 1
            if "length" in header:
                payload, pos = data[pos : pos + header["length"]], pos + header["length"] + 1
            else:
                end = data.find(b"\n", pos)
                end = len(data) if end == -1 else end
                payload, pos = data[pos:end], end + 1
            out.append((header, payload))
        return out

    def events(self) -> list[bytes]:
        return [payload for header, payload in self.items() if header.get("type") == "event"]


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


class EnvelopeCatcher:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self._lock = threading.Condition()
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                raw = _decompress(body, self.headers.get("content-encoding", ""))
                with catcher._lock:
                    catcher.envelopes.append(Envelope(raw))
                    catcher._lock.notify_all()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.port}/1"

    def events(self) -> list[tuple[Envelope, bytes]]:
        with self._lock:
            return [(envelope, event) for envelope in self.envelopes for event in envelope.events()]

    def wait_for_events(self, count: int, timeout: float = 30, settle: float = 1) -> list:
        """The events once `count` have come, after `settle` more seconds in which none may."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.events()) < count and time.monotonic() < deadline:
                self._lock.wait(0.2)
        time.sleep(settle)
        return self.events()

    def clear(self) -> None:
        with self._lock:
            self.envelopes.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
