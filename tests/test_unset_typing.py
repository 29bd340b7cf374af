"""`UNSET` narrows under type checkers: a user-style file type-checks with `mypy --strict`
and with pyright against the committed seed SDK, and a file that forgets to narrow fails.

Also pins `UNSET`'s run-time behaviour (falsy, one object through copy and pickle, its
repr), which the switch to a one-member enum must keep.
"""

from __future__ import annotations

import copy
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from support import in_ci

SDK_DIR = ROOT / "generated" / "seed"

NARROWS = """
from seed_sdk import UNSET, UnsetType
from seed_sdk.models import LearningSelfInitiatedCourse


def learner(course: LearningSelfInitiatedCourse) -> str:
    user = course.learner_user_id  # str | UnsetType
    if user is not UNSET:
        return user
    return ""


def provider(course: LearningSelfInitiatedCourse) -> str | None:
    value = course.learning_provider_id  # str | None | UnsetType
    if not isinstance(value, UnsetType):
        return value
    return None


def bump(step: int | UnsetType = UNSET) -> int:
    if step is UNSET:
        return 1
    return step + 1
"""

FORGETS = """
from seed_sdk.models import LearningSelfInitiatedCourse


def learner(course: LearningSelfInitiatedCourse) -> str:
    return course.learner_user_id
"""


def _check(tool: list[str], source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    user = tmp_path / "user_code.py"
    user.write_text(source)
    env = {"PATH": "/usr/bin:/bin", "MYPYPATH": str(SDK_DIR), "HOME": str(Path.home())}
    return subprocess.run(
        [*tool, str(user)],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _mypy(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={tmp_path / 'cache'}"]


def _pyright(tmp_path: Path) -> list[str]:
    """pyright (the PyPI package bundles it; it runs on the machine's node)."""
    exe = Path(sys.executable).with_name("pyright")
    if not exe.exists() or shutil.which("node") is None:
        message = "pyright (pip install pyright) and node are needed"
        if in_ci():
            pytest.fail(message + " (CI=true, so this is a failure)", pytrace=False)
        pytest.skip(message)
    config = tmp_path / "pyrightconfig.json"
    config.write_text(f'{{"extraPaths": ["{SDK_DIR}"], "typeCheckingMode": "strict"}}')
    return [str(exe), "-p", str(config)]


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_unset_narrows_by_identity_and_isinstance(checker: str, tmp_path: Path) -> None:
    tool = _mypy(tmp_path) if checker == "mypy" else _pyright(tmp_path)

    good = _check(tool, NARROWS, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr

    bad = _check(tool, FORGETS, tmp_path)
    assert bad.returncode != 0, "a missing narrowing went unnoticed: the check cannot fail"
    assert "UnsetType" in bad.stdout


def _sdk():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(SDK_DIR))
    try:
        import seed_sdk
    finally:
        sys.path.remove(str(SDK_DIR))
    return seed_sdk


def test_unset_keeps_its_run_time_behaviour() -> None:
    sdk = _sdk()
    unset = sdk.UNSET
    assert isinstance(unset, sdk.UnsetType)
    assert not unset and bool(unset) is False
    assert repr(unset) == str(unset) == "UNSET"
    assert copy.copy(unset) is unset and copy.deepcopy(unset) is unset
    assert pickle.loads(pickle.dumps(unset)) is unset
    assert list(sdk.UnsetType) == [unset]
    course = sdk.models.LearningSelfInitiatedCourse(learner_user_id="u", learning_content_id="c")
    assert course.status is unset and copy.deepcopy(course) == course
