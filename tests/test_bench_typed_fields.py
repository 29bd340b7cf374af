"""bench/openapi_suites.py's typed-field count: which generated fields had a schema naming a
type (issue 17's target counts only those), the same for every tool."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import load_bench


def test_typed_fields_follow_refs_and_all_of_refinements(tmp_path: Path) -> None:
    bench = load_bench("openapi_suites.py")
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Detail": {"type": "object", "properties": {"code": {"type": "string"}}},
                "Base": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "detail": {"$ref": "#/components/schemas/Detail"},
                        "anything": {},
                        "free": {"type": "object"},
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "mixed": {"oneOf": [{"type": "string"}, True]},
                    },
                },
                "Child": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "properties": {
                                "code": {"minLength": 1},
                                "detail": {"properties": {"code": {"minLength": 1}}},
                                "loose": {"allOf": [{"minLength": 3}]},
                            }
                        },
                    ]
                },
                "Whatever": True,
            }
        },
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    index = bench.typed_index(path)
    typed = {
        ("Base", "code"): True,
        ("Base", "detail"): True,
        ("Base", "anything"): False,
        ("Base", "free"): False,
        ("Base", "counts"): True,
        ("Base", "mixed"): False,
        ("Child", "code"): True,  # a refinement of an inherited string
        ("Child", "loose"): False,  # constraints only: no type named
        ("ChildDetail", "code"): True,  # an inline class named by its path
        ("Whatever", "root"): False,  # datamodel-codegen's RootModel field
    }
    assert {key: index.typed(*key) for key in typed} == typed
