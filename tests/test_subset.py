"""Generating a subset of a large spec: the operations asked for and what they reach."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, models_source, run_cli
from openapi_spec_validator import validate

sys.path.insert(0, str(ROOT / "bench"))
from make_spec import make_spec  # noqa: E402

from generator.errors import InputError  # noqa: E402
from generator.spec.subset import Selection, subset_spec  # noqa: E402


def test_path_patterns_keep_matching_operations_and_the_schemas_they_reach() -> None:
    spec = yaml.safe_load((ROOT / "specs" / "learning.yaml").read_text())
    sub = subset_spec(spec, Selection(include_paths=("/me/**",)))
    validate(sub)
    assert sorted(sub["paths"]) == [
        "/me/employeeExperience/learningCourseActivities",
        "/me/employeeExperience/learningCourseActivities/{learningCourseActivityId}",
    ]
    kept = set(sub["components"]["schemas"])
    assert "microsoft.graph.learningCourseActivity" in kept
    # lists return learningCourseActivity, so its subtypes stay for @odata.type dispatch
    assert {"microsoft.graph.learningAssignment", "microsoft.graph.learningSelfInitiatedCourse"} <= kept
    # a discriminator keeps only the subtypes that stay
    for schema in sub["components"]["schemas"].values():
        for target in (schema.get("discriminator") or {}).get("mapping", {}).values():
            assert target.split("/")[-1] in kept


def test_a_selection_that_keeps_nothing_is_an_input_error() -> None:
    spec = yaml.safe_load((ROOT / "specs" / "learning.yaml").read_text())
    with pytest.raises(InputError, match="keeps no operation"):
        subset_spec(spec, Selection(include_paths=("/nothing/**",)))


def test_tags_and_exclusions() -> None:
    spec = make_spec(40, 80)
    tags = sorted({t for item in spec["paths"].values() for op in item.values() if isinstance(op, dict) for t in op.get("tags", [])})
    sub = subset_spec(spec, Selection(include_tags=(tags[0],), exclude_paths=("/**/{*}",)))
    validate(sub)
    for path, item in sub["paths"].items():
        assert "{" not in path
        for op in item.values():
            if isinstance(op, dict) and "responses" in op:
                assert tags[0] in op["tags"]


def test_generate_a_subset_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "sub"
    result = run_cli("generate", "tests/golden/edge/spec.yaml", "-o", str(out), "--package", "sub", "--include-path", "/things/*")
    assert result.returncode == 0, result.stderr
    client = (out / "sub" / "client.py").read_text()
    assert "def things_get_thing(" in client and "def things_list_things(" not in client
    assert "ThingCollectionResponse" not in models_source(out / "sub")
