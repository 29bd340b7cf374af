"""Conformance with an independent judge: Prism serves specs/seed.yaml as a validating mock.

The generated client's PATCH must be accepted (2xx, and the reply parses into the model), and a
body that breaks the schema must be refused twice over: by our generated validator and, when the
client sends it anyway (strict=False), by Prism with a 4xx naming the same property.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.prism import run_prism

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "seed.yaml"
SDK_DIR = ROOT / "generated" / "seed"
LOG_WAIT_S = 5.0
"""Prism logs a request's violations just after answering it: how long to wait for them."""


def _import_sdk() -> ModuleType:
    """The committed seed SDK, imported from generated/seed (the golden record, not a copy)."""
    sys.path.insert(0, str(SDK_DIR))
    try:
        module = importlib.import_module("seed_sdk")
    finally:
        sys.path.remove(str(SDK_DIR))
    where = Path(str(module.__file__)).resolve()
    if not where.is_relative_to(SDK_DIR.resolve()):
        raise RuntimeError(f"seed_sdk was already imported from {where}, not from {SDK_DIR}")
    return module


sdk = _import_sdk()


class Prism:
    """A running Prism: its base URL and its log, read request by request."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log
        self._offset = 0

    def mark(self) -> None:
        """Start a new request: later `violations()` see only what is logged from here on."""
        self._offset = self.log.stat().st_size

    def violations(self, expect: bool) -> list[str]:
        """Prism's `Violation:` lines since `mark()`; waits for them when some are expected."""
        deadline = time.monotonic() + (LOG_WAIT_S if expect else 0.3)
        while True:
            with self.log.open("rb") as handle:
                handle.seek(self._offset)
                text = handle.read().decode("utf-8", "replace")
            found = [line.split("Violation: ", 1)[1] for line in text.splitlines() if "Violation: " in line]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with run_prism(SPEC, log_path=log) as url:
        yield Prism(url, log)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def update(mode: str, prism: Prism, body: Any, *, strict: bool) -> Any:
    """One `update_learning_self_initiated_course(body)` against Prism (whose routes have no
    `/v1.0` prefix, so the base URL is its bare origin)."""
    settings: dict[str, Any] = {
        "token": "conformance-token",  # the spec's bearerAuth: Prism answers 401 without one
        "timeout": 10.0,
        "retry": sdk.RetryPolicy(max_attempts=1),
        "strict": strict,
    }
    prism.mark()
    if mode == "sync":
        with sdk.Client(prism.url, **settings) as client:
            return client.update_learning_self_initiated_course(body)

    async def run() -> Any:
        async with sdk.AsyncClient(prism.url, **settings) as client:
            return await client.update_learning_self_initiated_course(body)

    return asyncio.run(run())


REQUIRED = {"learningContentId": "content-1", "learnerUserId": "user-1"}
"""The seed schema's required properties, in every body here so that each breaks exactly one
rule for our validator (which checks a whole model); the spec's PATCH body requires none."""


def test_prism_accepts_the_clients_patch_and_the_reply_parses(mode: str, prism: Prism) -> None:
    course = sdk.LearningSelfInitiatedCourse(
        learning_content_id="content-1",
        learner_user_id="user-1",
        status=sdk.CourseStatus.IN_PROGRESS,
        completion_percentage=80,
        started_date_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        completed_date_time=None,
    )
    body = course.to_patch_dict()
    assert sdk.validators.validate_learning_self_initiated_course(body) == []

    # strict=True also runs our validator over Prism's reply (the spec's example).
    result = update(mode, prism, course, strict=True)

    assert prism.violations(expect=False) == []
    assert type(result) is sdk.LearningSelfInitiatedCourse
    assert result.status is sdk.CourseStatus.NOT_STARTED
    assert result.completed_date_time == datetime(2024, 1, 1, tzinfo=UTC)


def test_prism_accepts_a_patch_of_one_field(mode: str, prism: Prism) -> None:
    """The spec's update body is a partial view of the schema: no property is required."""
    course = sdk.LearningSelfInitiatedCourse.from_dict({})
    course.completion_percentage = 80
    assert course.to_patch_dict() == {
        "@odata.type": "#microsoft.graph.learningSelfInitiatedCourse",
        "completionPercentage": 80,
    }
    update(mode, prism, course, strict=True)
    assert prism.violations(expect=False) == []


@pytest.mark.parametrize(
    ("breaks", "body", "pointer"),
    [
        ("int32 overflow", {**REQUIRED, "completionPercentage": 2**31}, "/completionPercentage"),
        ("string for an int", {**REQUIRED, "completionPercentage": "80"}, "/completionPercentage"),
        ("not a date-time", {**REQUIRED, "startedDateTime": "yesterday"}, "/startedDateTime"),
        ("no offset", {**REQUIRED, "startedDateTime": "2024-05-01T09:30:00"}, "/startedDateTime"),
        ("not an enum value", {**REQUIRED, "status": "finished"}, "/status"),
        ("null, not nullable", {**REQUIRED, "learnerUserId": None}, "/learnerUserId"),
    ],
)
def test_a_body_that_breaks_the_schema_is_refused_by_our_validator_and_by_prism(
    mode: str, prism: Prism, breaks: str, body: dict[str, Any], pointer: str
) -> None:
    ours = sdk.validators.validate_learning_self_initiated_course(body)
    assert [e.path for e in ours] == [pointer], f"our validator on {breaks}: {ours}"

    with pytest.raises(sdk.ApiError) as refused:
        update(mode, prism, body, strict=False)

    assert 400 <= refused.value.status < 500, f"Prism answered {refused.value.status} to {breaks}"
    assert isinstance(refused.value, sdk.BadRequestError)
    theirs = prism.violations(expect=True)
    field = pointer.lstrip("/")
    assert theirs and all(field in line for line in theirs), f"Prism on {breaks}: {theirs}"
