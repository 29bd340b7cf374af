"""generator.spec.sections: a spec read section by section, some from the cache, is the spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, synthetic_spec

from generator.cache import Cache
from generator.errors import InputError
from generator.spec import sections
from generator.spec.io import parse_spec_text
from generator.spec.sections import _cuts, parse_spec

SEED = (ROOT / "specs" / "seed.yaml").read_text(encoding="utf-8")


def _cache(tmp_path: Path) -> Cache:
    return Cache("yaml", tmp_path / "cache")


def _dump(value: object) -> str:
    from generator.pages.build import dump_yaml

    return dump_yaml(value)


SYNTHETIC = _dump(__import__("json").loads(synthetic_spec(30, 60)))


@pytest.mark.parametrize("group", [64 * 1024, 300, 1])
@pytest.mark.parametrize("text", [SEED, SYNTHETIC])
def test_read_cold_then_warm_it_is_the_whole_parse(
    tmp_path: Path, text: str, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small groups force every large section to be read key by key, nested three deep.
    monkeypatch.setattr(sections, "_GROUP_CHARS", group)
    whole = parse_spec_text(text, "s.yaml").data
    cache = _cache(tmp_path)
    assert _cuts(text, 0, len(text), 0) is not None  # these specs are cut into sections
    cold = parse_spec(text, "s.yaml", cache).spec
    warm = parse_spec(text, "s.yaml", cache).spec
    assert cold.data == whole and warm.data == whole
    assert list(warm.data) == list(whole)  # key order kept
    assert repr(warm.data) == repr(whole)  # types too: 1 stays 1, 1.0 stays 1.0
    assert warm.text == text and warm.line_of("/paths") == parse_spec_text(text, "s.yaml").line_of("/paths")


def test_an_edited_section_is_read_again_and_the_rest_from_the_cache(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    parse_spec(SEED, "s.yaml", cache)
    entries = sorted(p.name for p in cache.folder.rglob("*") if p.is_file())  # type: ignore[union-attr]
    edited = SEED.replace("title:", "title: Edited\n  x-old-title:", 1)
    assert parse_spec(edited, "s.yaml", cache).spec.data == parse_spec_text(edited, "s.yaml").data
    after = sorted(p.name for p in cache.folder.rglob("*") if p.is_file())  # type: ignore[union-attr]
    assert len(after) == len(entries) + 1  # only the `info` section was new


@pytest.mark.parametrize(
    "text",
    [
        "---\nopenapi: 3.0.3\npaths: {}\n",  # a document marker
        '{"openapi": "3.0.3", "paths": {}}\n',  # flow style
        'openapi: 3.0.3\n"paths": {}\n',  # a quoted key
        "openapi: 3.0.3\npaths:\n\t{}\n",  # a tab at column 0
        "- a\n- b\n",  # not a mapping
        "  openapi: 3.0.3\nx: 1\n",  # a line less indented than the keys
    ],
)
def test_text_that_cannot_be_cut_safely_is_parsed_whole(text: str) -> None:
    assert _cuts(text, 0, len(text), 0) is None


def test_a_quoted_scalar_running_over_a_cut_falls_back_to_the_whole_parse(tmp_path: Path) -> None:
    # The line `b: c"` looks like a key, so the text is cut there; the first section then
    # does not read on its own, and the whole parse decides.
    text = 'openapi: 3.0.3\na: "x\nb: c"\npaths: {}\n'
    assert _cuts(text, 0, len(text), 0) is not None
    assert parse_spec(text, "s.yaml", _cache(tmp_path)).spec.data == parse_spec_text(text, "s.yaml").data


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("openapi: 3.0.3\npaths: {}\nopenapi: 3.1.0\n", "duplicate key 'openapi'", 3),
        ("openapi: 3.0.3\npaths:\n  /x: *ref\n", "aliases must name an anchor", 3),
        ("openapi: 3.0.3\npaths:\n  a: [1,\n", "invalid YAML", None),
    ],
)
def test_errors_are_the_whole_parses_with_its_line(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_spec(text, "s.yaml", _cache(tmp_path))
    if line is not None:
        assert caught.value.line == line


def test_a_value_json_cannot_hold_is_used_but_not_remembered(tmp_path: Path) -> None:
    import datetime

    text = "openapi: 3.0.3\ninfo:\n  x-date: 2024-05-01\npaths: {}\n"
    cache = _cache(tmp_path)
    for _ in range(2):
        data = parse_spec(text, "s.yaml", cache).spec.data
        assert data["info"]["x-date"] == datetime.date(2024, 5, 1)


def test_without_a_cache_the_spec_is_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")
    assert parse_spec(SEED, "s.yaml", Cache("yaml")).spec.data == parse_spec_text(SEED, "s.yaml").data


def test_a_schema_edit_is_read_again_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sections, "_GROUP_CHARS", 2000)
    cache = _cache(tmp_path)
    parse_spec(SYNTHETIC, "s.yaml", cache)
    before = {p.name for p in cache.folder.rglob("*") if p.is_file()}  # type: ignore[union-attr]
    edited = SYNTHETIC.replace("description: The ", "description: Edited. The ", 1)
    assert edited != SYNTHETIC
    assert parse_spec(edited, "s.yaml", cache).spec.data == parse_spec_text(edited, "s.yaml").data
    after = {p.name for p in cache.folder.rglob("*") if p.is_file()}  # type: ignore[union-attr]
    assert len(after - before) == 1  # one group of about 2,000 characters was read again


@pytest.mark.parametrize("levels", [96, 97, 98, 120])
def test_nesting_is_counted_from_the_document_not_the_group(
    tmp_path: Path, levels: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Groups three mappings deep are read on their own; the limit must still bite where
    # the whole parse's does (or not at all where it does not).
    monkeypatch.setattr(sections, "_GROUP_CHARS", 1)
    body = "".join("  " * (3 + i) + f"k{i}:\n" for i in range(levels)) + "  " * (3 + levels) + "v: 1\n"
    text = "openapi: 3.0.3\ncomponents:\n  schemas:\n    X:\n" + body + "paths: {}\n"
    try:
        expected: object = parse_spec_text(text, "s.yaml").data
    except InputError as exc:
        expected = str(exc)
    try:
        got: object = parse_spec(text, "s.yaml", _cache(tmp_path)).spec.data
    except InputError as exc:
        got = str(exc)
    assert got == expected
    assert isinstance(expected, str) == (levels >= 97)
