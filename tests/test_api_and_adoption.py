"""What a team adopting apigen touches: the Python API, `apigen init`, template overrides,
and a new user's path from a folder of pages to an installed SDK making a call."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, run_cli
from support.http_server import reply, serve

from generator import api
from generator.errors import InputError


def test_python_api_returns_values_and_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = api.build(tmp_path)  # no config there: the bundled seed page
    manifest = (tmp_path / "generated" / "seed" / ".apigen-manifest").read_text().split()
    assert [o.name for o in outcomes] == ["seed"] and outcomes[0].files == len(manifest) > 20
    assert (tmp_path / "generated" / "seed" / "seed_sdk" / "py.typed").is_file()
    assert api.build(tmp_path, check=True)[0].stale == ""
    spec = api.spec([ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"])
    assert "microsoft.graph.learningSelfInitiatedCourse" in spec["components"]["schemas"]
    report = api.lint([ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md"], rules={"page-todo": "off"})
    assert report.findings and all(f.rule_id != "page-todo" for f in report.findings)
    assert api.diff(ROOT / "specs" / "seed.yaml", ROOT / "specs" / "seed.yaml").bump == "none"
    assert capsys.readouterr().out == ""


def test_python_api_raises_input_error_with_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.3\ninfo: [\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        api.diff(bad, ROOT / "specs" / "seed.yaml")
    assert info.value.file == str(bad) and info.value.line is not None


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "apigen.toml").write_text('[[build]]\nname = "x"\nspec = "s.yaml"\noutput = "o"\npackage = "p"\ncolour = 1\n')
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "tool.apigen.build[0].colour" in result.stderr and "unknown key" in result.stderr


def test_init_refuses_to_overwrite_and_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    shutil.copy(ROOT / "specs" / "pages" / "learningselfinitiatedcourse-update.md", tmp_path / "pages")
    assert run_cli("init", "pages", cwd=tmp_path).returncode == 0
    again = run_cli("init", "pages", cwd=tmp_path)
    assert again.returncode == 2 and "apigen.toml" in again.stderr


def test_template_override_adds_a_method_to_every_model(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "golden" / "override" / "sdk"))
    try:
        import override_sdk  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    thing = override_sdk.Thing(display_name="t", count=3)
    assert thing.describe() == "Thing with 3 properties"  # @odata.type, displayName, count
    models = [getattr(override_sdk.models, n) for n in override_sdk.models.__all__]
    classes = [m for m in models if isinstance(m, type) and issubclass(m, override_sdk._runtime.Model)]
    assert classes and all(hasattr(c, "describe") for c in classes)


def _venv_python(folder: Path) -> Path:
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(folder)
    return folder / "bin" / "python"


def test_new_user_from_pages_to_an_installed_sdk_making_a_call(tmp_path: Path) -> None:
    """init on a copy of the learning pages, build, pip install the SDK into a fresh venv,
    and update a course activity against a loopback server."""
    shutil.copytree(ROOT / "specs" / "pages" / "learning", tmp_path / "learning")
    assert run_cli("init", "learning", cwd=tmp_path).returncode == 0
    build = run_cli("build", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    project = tmp_path / "generated" / "learning"
    assert (project / "learning_sdk" / "client.py").is_file()
    python = _venv_python(tmp_path / "venv")
    # The SDK's one dependency comes from the environment running the tests (no network needed).
    import httpx

    site = Path(httpx.__file__).resolve().parent.parent
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(project)],
        capture_output=True, text=True, timeout=300,
    )
    if install.returncode != 0 and "hatchling" in install.stderr:
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", str(project)],
            capture_output=True, text=True, timeout=300,
        )
    assert install.returncode == 0, install.stderr
    with serve() as server:
        server.script(reply(204))  # the update page documents 204 No Content
        script = f"""
import sys
sys.path.append({str(site)!r})
from learning_sdk import Client, LearningCourseActivity
names = [n for n in dir(Client) if n.startswith("update")]
with Client(base_url={server.url!r}, token="t0ken") as client:
    course = LearningCourseActivity(completion_percentage=80)
    method = getattr(client, names[0])
    import inspect
    params = [p for p in inspect.signature(method).parameters if p not in ("body", "params", "headers")]
    result = method(*["id-" + p for p in params], course)
    print(result, len(params))
"""
        run = subprocess.run([str(python), "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["None", "2"]  # registrationId, learningCourseActivityId
        request: Any = server.requests[0]
        assert request.method == "PATCH"
        assert request.url_path.endswith("/learningCourseActivities/id-learning_course_activity_id")
        assert request.headers["authorization"] == "Bearer t0ken"
        assert request.json()["completionPercentage"] == 80
