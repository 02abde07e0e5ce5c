"""Memory: peak RSS of an SDK process streaming 1,000,000 generated results into ``bulk_post_results``.

    python -m bench.memory [--results 1000000]

The results go to a sink server (a child process: stdlib ``http.server`` that answers the token endpoint and
every batch POST with its ``sourcedIdPairs``), so the figure is the SDK's alone and the run does not wait on a
database. The uploading process is a fresh child too; it reports its peak RSS (``VmHWM``) before the upload
(imports, client, first token) and after it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from bench._serve import free_port

SINK = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path.startswith("/oauth2/token"):
            answer = {"access_token": "sink-token", "token_type": "Bearer", "expires_in": 3600}
        else:
            ids = [r["sourcedId"] for r in json.loads(body)["results"]]
            answer = {"sourcedIdPairs": [{"suppliedSourcedId": i, "allocatedSourcedId": i} for i in ids]}
        data = json.dumps(answer).encode()
        self.send_response(201 if "results" in self.path else 200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

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


def measure(count: int = 1_000_000) -> dict[str, Any]:
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)])
    try:
        _wait(port)
        out = subprocess.run(
            [sys.executable, "-c", UPLOADER, str(count), f"http://127.0.0.1:{port}"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        sink.terminate()
        sink.wait()
    figures: dict[str, Any] = json.loads(out.stdout)
    assert figures["stored"] == count, figures
    figures["rss_before_mb"] = figures.pop("rss_before_kb") / 1024
    figures["rss_peak_mb"] = figures.pop("rss_peak_kb") / 1024
    figures["results"] = count
    figures["per_s"] = count / figures["seconds"]
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1_000_000)
    figures = measure(parser.parse_args().results)
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
