"""The validator's verdict is reused for specs that differ only in prose.

`validity.validity_digest` leaves out `description` and `summary` strings, and nothing else:
these tests change prose (same digest) and everything next to it that a validity rule can
read (new digest), and check that a cached verdict is only ever reused for a valid spec.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT, run_cli

from generator.cache import Cache
from generator.pages.build import dump_yaml
from generator.spec import sections
from generator.spec.sections import parse_spec
from generator.spec.validity import validity_digest

SEED = yaml.safe_load((ROOT / "specs" / "seed.yaml").read_text(encoding="utf-8"))
COURSE = "microsoft.graph.learningSelfInitiatedCourse"


def _edited(edit: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SEED)
    edit(spec)
    return spec


def _op(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/learningSelfInitiatedCourse"]["patch"]


def _schema(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["components"]["schemas"][COURSE]["allOf"][1]


PROSE_EDITS = {
    "info description": lambda s: s["info"].__setitem__("description", "Other words."),
    "operation summary": lambda s: _op(s).__setitem__("summary", "Change a course"),
    "operation description": lambda s: _op(s).__setitem__("description", "Other words."),
    "property description": lambda s: s["components"]["schemas"][
        "microsoft.vivaLearning.learningCourseActivity"
    ]["properties"]["status"].__setitem__("description", "Where the learner is."),
}


def _example(s: dict[str, Any], value: Any) -> None:
    _op(s)["requestBody"]["content"]["application/json"]["example"] = {"description": value}


def _renamed_200(s: dict[str, Any], value: Any) -> None:
    _op(s)["responses"][value] = _op(s)["responses"].pop("200")


# Each edit is made twice, with the two values; the specs differ only there.
RULE_EDITS: dict[str, tuple[Any, Any, Any]] = {
    "a description that is no string": (lambda s, v: _op(s).__setitem__("description", v), "7", 7),
    "a property type": (
        lambda s, v: _schema(s)["properties"]["startedDateTime"].__setitem__("type", v),
        "string",
        "integer",
    ),
    "a description inside an example": (_example, "a", "b"),
    "a description inside a default": (
        lambda s, v: _schema(s)["properties"]["startedDateTime"].__setitem__(
            "default", {"description": v}
        ),
        "a",
        "b",
    ),
    "a property named description": (
        lambda s, v: _schema(s)["properties"].__setitem__("description", {"type": v}),
        "string",
        "integer",
    ),
    "an extension's description": (
        lambda s, v: s["info"].__setitem__("x-note", {"description": v}),
        "a",
        "b",
    ),
    "a key 200 or '200'": (_renamed_200, "200", 200),
}


@pytest.mark.parametrize("edit", PROSE_EDITS.values(), ids=list(PROSE_EDITS))
def test_prose_edits_keep_the_digest(edit: Any) -> None:
    assert validity_digest(_edited(edit)) == validity_digest(SEED)


@pytest.mark.parametrize(("edit", "one", "other"), RULE_EDITS.values(), ids=list(RULE_EDITS))
def test_other_edits_change_the_digest(edit: Any, one: Any, other: Any) -> None:
    first = validity_digest(_edited(lambda s: edit(s, one)))
    assert first != validity_digest(_edited(lambda s: edit(s, other)))


def _sectioned_digest(spec: dict[str, Any], cache: Path) -> str:
    """The digest `sections.parse_spec` makes from its groups' digests (cached in ``cache``)."""
    read = parse_spec(dump_yaml(spec), "s.yaml", Cache("yaml", cache))
    assert read.digest is not None  # the spec was read in sections
    return read.digest


# 1 character: every block mapping is cut key by key, three deep (`x-note` included).
GROUPS = [1, 64 * 1024]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("edit", PROSE_EDITS.values(), ids=list(PROSE_EDITS))
def test_prose_edits_keep_the_digest_made_from_sections(
    tmp_path: Path, edit: Any, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "_GROUP_CHARS", group)
    cold = _sectioned_digest(SEED, tmp_path / "a")
    assert _sectioned_digest(SEED, tmp_path / "a") == cold  # from the cache: the same
    assert _sectioned_digest(_edited(edit), tmp_path / "a") == cold
    assert _sectioned_digest(_edited(edit), tmp_path / "b") == cold  # and from no cache


# Read from YAML, every key is a string (`spec_io`): `200:` and `'200':` are one spec there.
YAML_RULE_EDITS = {k: v for k, v in RULE_EDITS.items() if k != "a key 200 or '200'"}


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize(
    ("edit", "one", "other"), YAML_RULE_EDITS.values(), ids=list(YAML_RULE_EDITS)
)
def test_other_edits_change_the_digest_made_from_sections(
    tmp_path: Path, edit: Any, one: Any, other: Any, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "_GROUP_CHARS", group)
    first = _sectioned_digest(_edited(lambda s: edit(s, one)), tmp_path)
    assert first != _sectioned_digest(_edited(lambda s: edit(s, other)), tmp_path)


def test_moving_a_key_across_a_nested_mapping_changes_the_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Groups are framed by the nested mapping's name and size: the same groups, nested
    # differently, are another spec.
    monkeypatch.setattr(sections, "_GROUP_CHARS", 1)
    inside = {"openapi": "3.0.3", "a": {"b": {"c": 1}, "d": {"e": 2}}}
    outside = {"openapi": "3.0.3", "a": {"b": {"c": 1}}, "d": {"e": 2}}
    assert _sectioned_digest(inside, tmp_path) != _sectioned_digest(outside, tmp_path)


def test_a_cached_verdict_is_reused_only_for_a_valid_spec(tmp_path: Path) -> None:
    cache = {"APIGEN_CACHE_DIR": str(tmp_path / "cache")}
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(_edited(PROSE_EDITS["operation summary"])), encoding="utf-8")
    bad.write_text(
        yaml.safe_dump(_edited(lambda s: _op(s).__setitem__("description", 7))), encoding="utf-8"
    )
    assert run_cli("generate", str(good), "-o", str(tmp_path / "a"), env=cache).returncode == 0
    # The same spec with a non-string description: not the same digest, so validated anew.
    result = run_cli("generate", str(bad), "-o", str(tmp_path / "b"), env=cache)
    assert result.returncode == 2 and "invalid OpenAPI" in result.stderr
    assert not (tmp_path / "b").exists()
