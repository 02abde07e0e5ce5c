"""Memory: peak RSS of an SDK process streaming 1,000,000 generated results into ``bulk_post_results``, and of
one reading 1,000,000 results back through auto-pagination.

    python -m bench.memory [--results 1000000]

The results go to a sink server (a child process: stdlib ``http.server`` that answers the token endpoint, every
batch POST with its ``sourcedIdPairs``, and ``GET .../results`` with pages of generated results, ``totalCount``
the same million), so the figures are the SDK's alone and the runs do not wait on a database. The uploading and
the reading process are fresh children too; each reports its peak RSS (``VmHWM``) before its stream (imports,
client, first token, first call) and after it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench import command_line
from bench._serve import free_port

SINK = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOTAL = int(sys.argv[2])

class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        offset, limit = int(query.get("offset", ["0"])[0]), int(query.get("limit", ["100"])[0])
        page = [{"sourcedId": f"m-{i}", "status": "active", "dateLastModified": "2026-12-01T00:00:00.000Z",
                 "lineItem": {"sourcedId": f"li-{i // 1000}"}, "student": {"sourcedId": f"stu-{i % 1000}"},
                 "class": {"sourcedId": "c-1"}, "scoreStatus": "fully graded",
                 "scoreDate": "2024-09-08T10:00:00Z", "score": i % 101, "comment": "Well done"}
                for i in range(offset, min(offset + limit, TOTAL))]
        self.answer(200, {"results": page, "totalCount": TOTAL})
    def answer(self, status, answer):
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path.startswith("/oauth2/token"):
            answer = {"access_token": "sink-token", "token_type": "Bearer", "expires_in": 3600}
        else:
            ids = [r["sourcedId"] for r in json.loads(body)["results"]]
            answer = {"sourcedIdPairs": [{"suppliedSourcedId": i, "allocatedSourcedId": i} for i in ids]}
        self.answer(201 if "results" in self.path else 200, answer)

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
"""

UPLOADER = r"""
import json, sys
from timeback import Timeback

def peak_kb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

count, url = int(sys.argv[1]), sys.argv[2]

def results():
    for i in range(count):
        yield {"sourcedId": f"m-{i}", "lineItem": {"sourcedId": f"li-{i // 1000}"},
               "student": {"sourcedId": f"stu-{i % 1000}"}, "scoreStatus": "fully graded",
               "scoreDate": "2024-09-08T10:00:00Z", "score": i % 101, "comment": "Well done"}

with Timeback(base_url=url, client_id="sink", client_secret="sink-secret") as client:
    client.oneroster.gradebook.create_result_for_line_item(line_item_sourced_id="li-0", results=[next(results())])
    before = peak_kb()
    summary = client.oneroster.gradebook.bulk_post_results(results(), batch_size=1000, concurrency=4)
after = peak_kb()
print(json.dumps({"stored": summary.stored, "seconds": summary.seconds, "rss_before_kb": before, "rss_peak_kb": after}))
"""

READER = r"""
import json, sys, time
from timeback import Timeback

def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

with Timeback(base_url=sys.argv[1], client_id="sink", client_secret="sink-secret") as client:
    listing = client.oneroster.gradebook
    next(iter(listing.get_all_results(limit=10)))
    before = peak_kb()
    started = time.perf_counter()
    read = sum(1 for _ in listing.get_all_results(limit=3000))
    seconds = time.perf_counter() - started
after = peak_kb()
print(json.dumps({"read": read, "read_seconds": seconds, "read_rss_before_kb": before, "read_rss_peak_kb": after}))
"""


def measure(count: int = 1_000_000) -> dict[str, Any]:
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port), str(count)])
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(port)
        upload = subprocess.run([sys.executable, "-c", UPLOADER, str(count), url],
                                check=True, capture_output=True, text=True)  # fmt: skip
        read = subprocess.run([sys.executable, "-c", READER, url], check=True, capture_output=True, text=True)
    finally:
        sink.terminate()
        sink.wait()
    figures: dict[str, Any] = {**json.loads(upload.stdout), **json.loads(read.stdout)}
    assert figures["stored"] == count and figures["read"] == count, figures
    for name in ("rss_before", "rss_peak", "read_rss_before", "read_rss_peak"):
        figures[f"{name}_mb"] = figures.pop(f"{name}_kb") / 1024
    figures["results"] = count
    figures["per_s"] = count / figures["seconds"]
    figures["read_per_s"] = count / figures["read_seconds"]
    return figures


def _wait(port: int) -> None:
    import socket
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the sink server did not start")


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--results", type=int, default=1_000_000)
    figures = measure(parser.parse_args().results)
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
