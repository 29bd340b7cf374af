"""Each model in a module of its own, imported on first use: what a fresh interpreter has
imported after each step a user takes, on the committed learning SDK."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, imported, run_cli, write_sdk

from generator.sdk.class_modules import module_names

LEARNING = ROOT / "generated" / "learning"
PREFIX = "learning_sdk.models._"


def imported_models(code: str) -> list[str]:
    """The model modules (`_<name>`) imported once ``code`` has run in a fresh interpreter."""
    script = (
        f"import sys\n{code}\n"
        "import json\n"
        f"print(json.dumps(sorted(m.removeprefix({PREFIX!r}) for m in sys.modules "
        f"if m.startswith({PREFIX!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=LEARNING,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_importing_the_package_imports_no_model() -> None:
    assert imported_models("import learning_sdk, learning_sdk.models") == []


def test_one_model_imports_its_class_and_its_bases_only() -> None:
    code = "import learning_sdk\nlearning_sdk.LearningAssignment"
    assert imported_models(code) == ["entity", "learning_assignment", "learning_course_activity"]


def test_the_classes_a_model_names_are_imported_when_its_fields_are_first_used() -> None:
    # Its field table is built then: the classes its fields hold, not their own tables.
    code = (
        "from learning_sdk.models import LearningAssignment\n"
        "a = LearningAssignment.from_dict({'status': 'completed', 'dueDateTime': {'dateTime': 'x'}})\n"
        "assert type(a).__name__ == 'LearningAssignment' and a.status == 'completed'\n"
        "assert type(a.due_date_time).__name__ == 'DateTimeTimeZone'"
    )
    assert imported_models(code) == [
        "assignment_type",
        "course_status",
        "date_time_time_zone",
        "entity",
        "learning_assignment",
        "learning_course_activity",
    ]


def test_a_base_reads_a_subtype_it_has_not_imported_yet() -> None:
    code = (
        "from learning_sdk.models import LearningCourseActivity\n"
        "a = LearningCourseActivity.from_dict("
        "{'@odata.type': '#microsoft.graph.learningSelfInitiatedCourse', 'startedDateTime': "
        "'2024-01-01T00:00:00Z'})\n"
        "assert type(a).__name__ == 'LearningSelfInitiatedCourse', type(a)\n"
        "assert a.started_date_time.year == 2024"
    )
    assert "learning_self_initiated_course" in imported_models(code)


def test_the_client_imports_its_models_when_an_operation_is_first_used() -> None:
    assert imported_models("import learning_sdk\nlearning_sdk.Client") == []
    code = (
        "from learning_sdk import Client\n"
        "endpoint = Client.create_learning_course_activity.endpoint\n"
        "assert endpoint.body == 'full' and endpoint.decode is not None\n"
        "assert endpoint.checks == ('LearningCourseActivity', 'LearningCourseActivity')"
    )
    assert imported_models(code) == ["entity", "learning_course_activity"]


def test_every_listed_class_is_there_and_dir_lists_it() -> None:
    sys.path.insert(0, str(LEARNING))
    try:
        import learning_sdk

        names = learning_sdk.models.__all__
        assert set(names) <= set(dir(learning_sdk.models)) and set(names) <= set(dir(learning_sdk))
        # What `from learning_sdk.models import *` does: every listed name, each a class.
        assert all(isinstance(getattr(learning_sdk.models, n), type) for n in names)
        assert all(getattr(learning_sdk, n) is getattr(learning_sdk.models, n) for n in names)
        with pytest.raises(AttributeError, match="'learning_sdk.models' has no attribute 'Nope'"):
            learning_sdk.models.Nope  # noqa: B018
        with pytest.raises(AttributeError, match="'learning_sdk' has no attribute 'Nope'"):
            learning_sdk.Nope  # noqa: B018
    finally:
        sys.path.remove(str(LEARNING))
        for module in [m for m in sys.modules if m.split(".")[0] == "learning_sdk"]:
            del sys.modules[module]


def test_type_checkers_still_flag_a_name_the_package_lacks(tmp_path: Path) -> None:
    # The lazy `__getattr__`s are hidden from type checkers: a typo is an error, not `Any`.
    user = tmp_path / "user.py"
    user.write_text(
        "import learning_sdk\nfrom learning_sdk import models\n\n"
        "ok = learning_sdk.LearningAssignment(notes='n')\n"
        "reveal_type(models.CourseStatus.COMPLETED)\n"
        "learning_sdk.LearningAssignmnet\n"
        "models.Nope\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={tmp_path / 'cache'}", str(user)],
        cwd=tmp_path,
        env={"MYPYPATH": str(LEARNING), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = result.stdout
    assert 'Module has no attribute "LearningAssignmnet"' in out, out
    assert 'Module has no attribute "Nope"' in out, out
    assert "CourseStatus.COMPLETED" in out and out.count("error:") == 2, out


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("models.py.j2", "it is now models/__init__.py.j2"),
        ("clinet.py.j2", "it would never be used"),
    ],
)
def test_an_override_that_names_no_template_is_exit_2(
    tmp_path: Path, name: str, fragment: str
) -> None:
    template = tmp_path / "templates" / "package" / "__package__" / name
    template.parent.mkdir(parents=True)
    template.write_text("{# a user's override #}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "generate", "specs/seed.yaml", "-o", str(out), "--templates", str(tmp_path / "templates"),
        cwd=ROOT,
        env={"APIGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and str(template) in result.stderr, result.stderr
    assert fragment in result.stderr and not out.exists()


def test_module_names_are_unique_lower_case_identifiers_of_bounded_length() -> None:
    long = "Very" * 40
    names = ["ABTest", "AbTest", "Item2", "Item10", long + "A", long + "B", "X"]
    modules = module_names(names)
    assert len(set(modules.values())) == len(names)
    for module in modules.values():
        assert module.isidentifier() and module == module.lower() and module.startswith("_")
        assert len(module) <= 90
    assert modules["ABTest"] != modules["AbTest"]  # one name on a case-insensitive disk


CASE_ONLY = """
openapi: 3.0.3
info: {title: dup, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties: {kind: {type: string}}
      discriminator:
        propertyName: kind
        mapping: {cat: "#/components/schemas/Cat", Cat: "#/components/schemas/Kitten"}
    Cat:
      allOf: [{$ref: "#/components/schemas/Pet"}, {type: object, properties: {a: {type: string}}}]
    Kitten:
      allOf: [{$ref: "#/components/schemas/Pet"}, {type: object, properties: {b: {type: string}}}]
"""


def test_subtype_values_that_differ_only_in_case_pick_one_class_everywhere(
    tmp_path: Path,
) -> None:
    # The runtime reads `@odata.type`-style values case-insensitively, so `cat` and `Cat` are
    # one key: the model and the validators must agree on which class it names, and the
    # index must hold no repeated key (ruff's F601). A spec with no paths has a client too.
    folder = write_sdk(CASE_ONLY, "dup.yaml", "dup_sdk", tmp_path)
    for tool in (["ruff", "check", "--no-cache"], ["mypy", "--strict", "--cache-dir", str(tmp_path / "c")]):
        result = subprocess.run(
            [sys.executable, "-m", *tool, "dup_sdk"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    spec = tmp_path / "dup.yaml"
    spec.write_text(CASE_ONLY, encoding="utf-8")
    warned = run_cli("generate", str(spec), "-o", str(tmp_path / "again"), cwd=tmp_path)
    assert warned.returncode == 0, warned.stderr
    assert "'cat' ('Cat') and 'Cat' ('Kitten') differ only in case" in warned.stderr
    with imported(folder, "dup_sdk") as sdk:
        pet = sdk.Pet.from_dict({"kind": "cat", "b": "x"})
        assert type(pet).__name__ == "Kitten"
        errors = sdk.validators.validate_pet({"kind": "cat", "b": 1})
        assert [e.path for e in errors] == ["/b"]  # Kitten's own check, as from_dict chose
