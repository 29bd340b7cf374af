"""Reading specs: positions are found only when an error or lint asks for them."""

from __future__ import annotations

from generator.spec.io import parse_spec_text

TEXT = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /things:\n    get: {}\n"


def test_positions_are_read_from_the_text_on_first_use() -> None:
    spec = parse_spec_text(TEXT, "spec.yaml")
    assert spec.data["paths"]["/things"] == {"get": {}}
    assert spec._positions == []  # nothing kept while the build only needs the data
    assert spec.line_of("/paths/~1things/get") == 7
    assert spec.line_of("/info/title") == 3
    assert spec.line_of("/paths/~1things/get/missing") == 7  # the nearest ancestor
    assert spec.positions["/info"] == (3, 3)


def test_json_specs_have_positions_too() -> None:
    spec = parse_spec_text('{"openapi": "3.0.3",\n "paths": {}}', "spec.json")
    assert spec.line_of("/paths") == 2
    assert spec.positions["/paths"] == (2, 11)


def test_yaml_scalars_are_typed_as_the_safe_loader_types_them() -> None:
    import yaml

    text = (
        "a: plain\nb: 'quoted: yes'\nc: yes\nd: 12\ne: 1.5\nf: ~\ng: 2024-05-01\nh: -3\n"
        "i: .5\nj: \"\\u00e9t\\u00e9\"\nk: 0x1F\nl: +7\nm: !!str 12\nn: on\no: ''\n"
    )
    assert parse_spec_text(text, "s.yaml").data == yaml.safe_load(text)


def test_yaml_keys_become_strings_and_their_duplicates_are_refused() -> None:
    import pytest

    from generator.errors import InputError

    data = parse_spec_text("200:\n  a: 1\non: 2\n.inf: 3\n", "s.yaml").data
    assert data == {"200": {"a": 1}, "true": 2, "inf": 3}
    with pytest.raises(InputError, match="duplicate key '1'") as caught:
        parse_spec_text("a: 1\n1: 2\n'1': 3\n", "s.yaml")
    assert caught.value.line == 3


def test_yaml_values_json_cannot_hold_are_refused_with_their_line() -> None:
    import pytest

    from generator.errors import InputError

    for text, message in (
        ("a: 1\nb: .nan\n", "NaN or infinity"),
        ("a: 1\nb: -.inf\n", "NaN or infinity"),
        # libyaml refuses a surrogate escape itself; either way it never reaches the data.
        ('a: 1\nb: "x\\ud800"\n', "surrogate|invalid Unicode"),
        ('a: 1\n"k\\udfff": 2\n', "surrogate|invalid Unicode"),
    ):
        with pytest.raises(InputError, match=message) as caught:
            parse_spec_text(text, "s.yaml")
        assert caught.value.line in (2, None), text
