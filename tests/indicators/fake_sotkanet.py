"""A local stand-in for the Sotkanet REST API 1.1, answering from recorded responses.

It listens on 127.0.0.1 (a free port) in a thread of the test process, and answers
`/rest/1.1/regions`, `/rest/1.1/indicators/{id}` and `/rest/1.1/json?indicator=&years=&genders=`
from the files in tests/fixtures/sotkanet/, filtering the rows by the query as the API does.
`behaviour` makes it fail as a real server may: slow, an HTTP error, or a broken answer.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.conftest import FIXTURES

RECORDED = FIXTURES / "sotkanet"
PREFIX = "/rest/1.1"


@dataclass
class FakeSotkanet:
    url: str  # the API's base URL, for --api
    behaviour: str = "normal"  # normal, slow, error, garbage, wrong-shape
    requests: list[str] = field(default_factory=list)


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
    if path == f"{PREFIX}/regions":
        return 200, (RECORDED / "regions.json").read_bytes()
    if path.startswith(f"{PREFIX}/indicators/"):
        recorded = RECORDED / f"indicator-{path.rsplit('/', 1)[1]}.json"
        if not recorded.is_file():
            return 404, b'{"message":"Not Found"}'
        return 200, recorded.read_bytes()
    if path == f"{PREFIX}/json":
        indicator = query.get("indicator", [""])[0]
        recorded = RECORDED / f"json-{indicator}.json"
        if not recorded.is_file():
            return 200, b"[]"
        years = {int(y) for y in query.get("years", [])}
        genders = set(query.get("genders", ["male", "female", "total"]))
        rows = [
            row
            for row in json.loads(recorded.read_text(encoding="utf-8"))
            if row["year"] in years and row["gender"] in genders
        ]
        return 200, json.dumps(rows).encode()
    return 404, b'{"message":"Not Found"}'


@contextmanager
def fake_sotkanet() -> Iterator[FakeSotkanet]:
    state = FakeSotkanet(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            parts = urlsplit(self.path)
            status, body = _answer(parts.path, parse_qs(parts.query))
            if state.behaviour == "slow":
                time.sleep(1.5)
            elif state.behaviour == "error":
                status, body = 503, b"Service Unavailable"
            elif state.behaviour == "garbage":
                body = b"<html>Maintenance break</html>"
            elif state.behaviour == "wrong-shape" and status == 200:
                body = b'{"results": []}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may have given up waiting (the timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    # Serve the recorded answers until Ctrl-C, e.g. to make the examples' lock files:
    #   python -m tests.indicators.fake_sotkanet
    #   agreement-builder indicators fetch workbooks/lappi.yaml --api URL
    with fake_sotkanet() as served:
        print(f"the recorded Sotkanet answers at {served.url} (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
