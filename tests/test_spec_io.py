"""Reading specs: positions are found only when an error or lint asks for them."""

from __future__ import annotations

from generator.spec_io import parse_spec_text

TEXT = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /things:\n    get: {}\n"


def test_positions_are_read_from_the_text_on_first_use() -> None:
    spec = parse_spec_text(TEXT, "spec.yaml")
    assert spec.data["paths"]["/things"] == {"get": {}}
    assert spec._positions == []  # nothing kept while the build only needs the data
    assert spec.line_of("/paths/~1things/get") == 7
    assert spec.line_of("/info/title") == 3
    assert spec.line_of("/paths/~1things/get/missing") == 7  # the nearest ancestor
    assert spec.positions["/info"] == (3, 3)


def test_json_specs_have_no_positions() -> None:
    spec = parse_spec_text('{"openapi": "3.0.3", "paths": {}}', "spec.json")
    assert spec.line_of("/paths") is None
