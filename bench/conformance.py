"""Run an official 1EdTech OneRoster 1.2 OpenAPI document (gradebook by default) against the local server.

    python -m bench.conformance [--spec PATH] [--examples 25] [--seed 20240229] [--coverage] [--json FILE]

Starts a server (``LocalServer``) with the ``"0"`` world of ``tests/server/zero_world.py`` loaded, takes a token,
and lets schemathesis send every operation of the official document its examples and generated requests, valid
and invalid, checking every answer against the *official* document: status codes, content types, response
schemas, valid requests accepted, invalid ones refused, no 5xx. Prints the number of cases, the statuses seen and
every kind of failure with a count and an example; ``docs/conformance.md`` explains each difference.

The run is deterministic for a given seed (generation is derandomized); ``--coverage`` adds schemathesis' boundary
value phase (many more cases).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
import schemathesis
from schemathesis.core.result import Ok
from schemathesis.engine import events, from_schema

from bench import command_line
from tests.server.zero_world import ZERO_WORLD
from timeback.server import ServerSettings
from timeback.server.runner import LocalServer
from timeback.server.seed import load_seed

SPEC = Path(__file__).resolve().parents[1] / "spec" / "onerosterv1p2gradebookservice_openapi3_v1p0.json"
CLIENT = ("conformance-client", "conformance-secret-not-real")


@dataclass
class Report:
    spec: str
    seed: int
    examples: int
    operations: int = 0
    cases: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # "code kind | reason" -> failing checks
    example_of: dict[str, str] = field(default_factory=dict)  # same key -> one operation and request
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        failures = [
            {"kind": kind, "count": count, "explained_by": explain(kind), "example": self.example_of[kind]}
            for kind, count in self.failures.most_common()
        ]
        return {
            "spec": self.spec, "seed": self.seed, "examples": self.examples, "operations": self.operations,
            "cases": self.cases, "statuses": dict(sorted(self.statuses.items())), "server_errors": self.server_errors,
            "failures": failures, "seconds": round(self.seconds, 1),
        }  # fmt: skip

    def unexplained(self) -> list[str]:
        """Kinds of failure that docs/conformance.md does not account for."""
        return [kind for kind in self.failures if explain(kind) is None]


_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"")


def _reason(failure: Any, response: Any) -> str:
    """What went wrong, with the values of one case left out, so that cases of one cause count together."""
    kind = f"{failure.code} {failure.kind_title}"
    if hasattr(failure, "schema_path"):  # a response that violates the document's schema
        found = re.search(r"Schema at (\S+):", str(failure.message))
        where = found.group(1).removeprefix("/components/schemas/") if found else "(response)"
        where = re.sub(r"/(allOf|anyOf|oneOf)/\d+", "", where)
        message = str(failure.validation_message or failure._raw_message)
        if "Additional properties" not in message and " is not " in message:
            message = _VALUES.sub("…", message, count=1)
        return f"{kind} | {where}: {message}"
    if failure.code == "ST201":  # what schemathesis broke in the request, which the server took
        broken = [line.strip() for line in str(failure.message).splitlines() if "Invalid component" in line]
        return f"{kind} | {broken[0] if broken else ''}"
    if failure.code == "ST202" and response is not None:  # what the server said about the request
        try:
            said = json.loads(response.content or b"{}").get("imsx_description", "")
        except ValueError:
            said = response.content[:80].decode(errors="replace")
        if said.startswith("Invalid request body: "):  # the first problem, named by its last field only
            name, _, problem = said.removeprefix("Invalid request body: ").split("; ")[0].partition(": ")
            said = f"Invalid request body: {name.rsplit('.', 1)[-1]}: {problem}" if name != "body" else problem
            said = re.sub(r"^\w+\.sourcedId", "sourcedId", said)
        said = re.sub(r"(position|offset) \d+.*", r"\1 …", _VALUES.sub("…", said.replace("path's", "path")))
        said = re.sub(r"…(, …)+", "…", re.sub(r"\[\d+\]", "[]", said))
        return f"{kind} | {response.status_code} {said[:120]}"
    first = str(failure.message).strip().splitlines()[0] if failure.message else ""
    return f"{kind} | {first}"


def base_path(document: dict[str, Any]) -> str:
    """Where the document's paths live: its first server's ``basePath`` variable, else the path of its URL."""
    server = (document.get("servers") or [{}])[0]
    declared = server.get("variables", {}).get("basePath", {}).get("default")
    return str(declared if declared is not None else urlparse(server.get("url", "")).path).rstrip("/")


def run(spec: Path = SPEC, *, examples: int = 25, seed: int = 20240229, coverage: bool = False) -> Report:
    report = Report(spec=spec.name, seed=seed, examples=examples)
    started = time.monotonic()
    settings = ServerSettings(client_id=CLIENT[0], client_secret=CLIENT[1])
    with LocalServer(settings) as server:
        load_seed(server.app.state.service, ZERO_WORLD)
        form = {"grant_type": "client_credentials", "client_id": CLIENT[0], "client_secret": CLIENT[1]}
        token = httpx.post(f"{server.url}/oauth2/token", data=form).json()["access_token"]
        config = schemathesis.Config.from_dict({
            "seed": seed,
            "base-url": server.url + base_path(json.loads(spec.read_text())),
            "headers": {"Authorization": f"Bearer {token}"},
            "continue-on-failure": True,
            "generation": {"max-examples": examples, "deterministic": True},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": coverage},
                       "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        })  # fmt: skip
        schema = schemathesis.openapi.from_path(spec, config=config)
        report.operations = sum(isinstance(result, Ok) for result in schema.get_all_operations())
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _collect(report, event.recorder)
    report.seconds = time.monotonic() - started
    return report


def _collect(report: Report, recorder: Any) -> None:
    for interaction in recorder.interactions.values():
        report.cases += 1
        status = interaction.response.status_code if interaction.response is not None else 0
        report.statuses[f"{status // 100}xx"] += 1
        report.server_errors += status >= 500
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            key = _reason(failure, interaction.response if interaction is not None else None)
            report.failures[key] += 1
            if key not in report.example_of:
                node = recorder.cases.get(case_id)
                case = node.value if node is not None else None
                request = f"{case.method} {case.formatted_path}" if case is not None else case_id
                if case is not None and case.query:
                    request += "?" + urlencode(case.query, doseq=True)
                report.example_of[key] = request


# Every kind of failure docs/conformance.md explains, by its section there: (section, pattern of the kind).
DIFFERENCES = [
    ("D1 envelope", r"^ST108 .*SetDType: Additional properties .*'totalCount'"),
    ("D2 error details", r"^ST108 .*imsx_StatusInfoDType: Additional properties .*'imsx_error_details'"),
    ("D3 references", r'^ST108 .*GUIDRefDType: "(href|type)" is a required property'),
    ("D4 dates", r'^ST108 .*(assignDate|dueDate|scoreDate).*is not a "date(-time)?"'),
    ("D5 scoreStatus", r"^ST202 .* scoreStatus: .* is not one of"),
    ("D6 query checked",
     r"^ST202 .* 400 (Unknown field in|… (is empty|holds an empty name)|Invalid filter|Unknown filter field"
     r"|Cannot sort by)"),
    ("D7 empty values", r"^ST202 .* 422 (Invalid request body: (sourcedId|title): String should have at least 1"
     r"|Invalid request body: \w+: needs at least 1 item|The body needs the)"),
    ("D8 consistency", r"^ST202 .* 422 (Unknown reference|Reference not allowed here|.*does not match the"
     r"|Dates in reverse|Circular parentAssessmentLineItem)"),
    ("D9 paging bounds", r"^ST201 .*parameter `(offset|limit)` in query - "
     r"(\w+: Value greater than maximum|violates (`\w+`, )*`maximum`)"),  # (schemathesis words it both ways)
    ("D10 Timeback operations", r"^ST204 .*Unsupported method (POST|PUT|PATCH|DELETE|GET) returned"
     r"|^ST205 .*Undocumented methods advertised: (POST|PUT|PATCH|DELETE|GET)(, (POST|PUT|PATCH|DELETE|GET))*$"),
    ("D11 U+0000", r"^ST202 .* 422 .*contains U\+0000"),
    ("D12 Timeback rostering shapes",
     r'^ST108 .*((OrgDType: "identifier"|CourseDType: "courseCode") is a required property'
     r"|AcademicSessionDType: Additional properties .*\('org' was unexpected\)"
     r"""|SingleAcademicSessionDType: (Additional properties .*\('term' was unexpected\)"""
     r'|"academicSession" is a required property))'),
    ("D13 Timeback rostering answers",
     r"^ST108 .*(AcademicSessionDType/properties/schoolYear: \d+ is not of type"
     r"|(ClassDType/properties/(classCode|location)|EnrollmentDType/properties/(beginDate|endDate)"
     r"|OrgDType/properties/children"
     r"|DemographicsDType/properties/\w+): null is not"
     r"|EnrollmentDType: Additional properties .*\('course' was unexpected\))"),
]  # fmt: skip


def explain(kind: str) -> str | None:
    return next((label for label, pattern in DIFFERENCES if re.search(pattern, kind)), None)


def print_report(report: Report) -> None:
    print(f"{report.spec}: {report.operations} operations, {report.cases} cases in {report.seconds:.1f} s")
    print(f"  seed {report.seed}, up to {report.examples} generated cases per operation")
    print("  statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(report.statuses.items())))
    print(f"  5xx answers: {report.server_errors}")
    print(f"  failing checks: {sum(report.failures.values())} in {len(report.failures)} kinds")
    for key, count in report.failures.most_common():
        label = explain(key) or "NOT EXPLAINED in docs/conformance.md"
        print(f"  {count:5d}  [{label}] {key}\n         e.g. {report.example_of[key]}")


def main() -> None:
    parser = command_line(__doc__)
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20240229)
    parser.add_argument("--coverage", action="store_true", help="add the boundary-value phase")
    parser.add_argument("--json", type=Path, help="also write the report as JSON")
    args = parser.parse_args()
    report = run(args.spec, examples=args.examples, seed=args.seed, coverage=args.coverage)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2) + "\n")


if __name__ == "__main__":
    main()
