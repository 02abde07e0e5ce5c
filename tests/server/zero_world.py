"""A whole small world whose every record has sourcedId ``"0"`` and refers only to other ``"0"`` records.

Property-based generation starts from the simplest values, and the simplest non-empty string is ``"0"``: with this
world loaded, many generated references and path ids name a record that exists, so requests get past the
reference checks to the writes and reads behind them (``tests/server/test_fuzz.py``, ``bench/conformance.py``).
"""

from __future__ import annotations

from typing import Any

REF = {"sourcedId": "0"}
ZERO_WORLD: dict[str, list[dict[str, Any]]] = {
    "orgs": [{"sourcedId": "0", "name": "0", "type": "school"}],
    "academicSessions": [
        {"sourcedId": "0", "title": "0", "type": "term", "startDate": "2024-08-01", "endDate": "2025-06-30",
         "schoolYear": "2025", "org": REF},
    ],
    "courses": [{"sourcedId": "0", "title": "0", "org": REF}],
    "classes": [{"sourcedId": "0", "title": "0", "course": REF, "school": REF, "terms": [REF]}],
    "users": [
        {"sourcedId": "0", "enabledUser": True, "givenName": "0", "familyName": "0",
         "roles": [{"roleType": "primary", "role": "student", "org": REF},
                   {"roleType": "secondary", "role": "teacher", "org": REF}]},
    ],
    "enrollments": [{"sourcedId": "0", "role": "student", "user": REF, "class": REF}],
    "demographics": [{"sourcedId": "0"}],
    "categories": [{"sourcedId": "0", "title": "0"}],
    "scoreScales": [
        {"sourcedId": "0", "title": "0", "type": "0", "class": REF,
         "scoreScaleValue": [{"itemValueLHS": "0", "itemValueRHS": "0"}]},
    ],
    "lineItems": [
        {"sourcedId": "0", "title": "0", "class": REF, "school": REF, "category": REF, "assignDate": "2024-09-01",
         "dueDate": "2024-09-08", "resultValueMin": 0, "resultValueMax": 100},
    ],
    "results": [{"sourcedId": "0", "lineItem": REF, "student": REF, "scoreStatus": "fully graded", "score": 0,
                 "scoreDate": "2024-09-08"}],
    "assessmentLineItems": [{"sourcedId": "0", "title": "0"}],
    "assessmentResults": [{"sourcedId": "0", "assessmentLineItem": REF, "student": REF, "scoreStatus": "fully graded",
                           "scoreDate": "2024-09-08"}],
}  # fmt: skip
