"""Spec names that equal names the generated SDK itself uses (issues 17 and 18).

A property named `str`, `date` or `builtins` must not hide a type from the annotations
after it in its class body, and a schema named `Headers`, `Client`, `UNSET`, `models`,
`Literal` ... must not replace a name the client or models module defines or imports. The
package imports, builds a client, round-trips a model, and passes mypy --strict and ruff.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import models_source, run_cli

# Properties named like every module-level name an annotation may use.
_SHADOWING_FIELDS = {
    "dict": {"type": "object"},
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "format": "byte"},
    "list": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "builtins": {"type": "string"},
    "Any": {"type": "string"},
    "UNSET": {"type": "string"},
    "UnsetType": {"type": "string"},
    "name": {"type": "string"},
    "when": {"type": "string", "format": "date-time"},
    "day": {"type": "string", "format": "date"},
    "count": {"type": "integer"},
    "ratio": {"type": "number"},
    "flag": {"type": "boolean"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "extra": {"type": "object"},
}
# Schemas named like what the client, models or package module define or import.
_CLASHING_SCHEMAS = [
    "headers", "Headers", "Client", "AsyncClient", "UNSET", "UnsetType", "models", "httpx",
    "Literal", "Any", "Mapping", "Model", "Page", "builtins", "datetime", "SERVERS", "M",
]  # fmt: skip


def _spec() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        name: {"type": "object", "properties": {"c": {"type": "string"}}}
        for name in _CLASHING_SCHEMAS
    }
    schemas["Record"] = {"type": "object", "properties": _SHADOWING_FIELDS}
    paths: dict[str, Any] = {}
    for index, name in enumerate([*_CLASHING_SCHEMAS, "Record"]):
        ref = {"$ref": f"#/components/schemas/{name}"}
        paths[f"/p{index}"] = {
            "post": {
                "operationId": f"send{index}",
                "parameters": [
                    {"name": "headers", "in": "query", "schema": {"type": "string"}},
                    {"name": "Client", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": ref}}}
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "names", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    root = tmp_path_factory.mktemp("names")
    spec = root / "names.json"
    spec.write_text(json.dumps(_spec()), encoding="utf-8")
    result = run_cli("generate", str(spec), "-o", str(root / "sdk"), "--package", "names_sdk")
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(root / "sdk"))
    try:
        yield importlib.import_module("names_sdk"), root / "sdk"
    finally:
        sys.path.remove(str(root / "sdk"))
        for name in [m for m in sys.modules if m == "names_sdk" or m.startswith("names_sdk.")]:
            del sys.modules[name]


def test_the_client_imports_and_every_schema_keeps_a_class(sdk: tuple[Any, Path]) -> None:
    package, _ = sdk
    client = package.Client("http://127.0.0.1:9")
    client.close()
    models = importlib.import_module("names_sdk.models")
    assert len(models.__all__) == len(_CLASHING_SCHEMAS) + 1  # none lost to a clash
    for reserved in ("Client", "AsyncClient", "UNSET", "UnsetType", "Literal", "Any", "Mapping"):
        assert getattr(package, reserved, None) is not getattr(models, reserved + "_", object())


def test_fields_keep_their_names_and_json_names(sdk: tuple[Any, Path]) -> None:
    package, folder = sdk
    record = package.Record.from_dict(
        {"str": "s", "int": 3, "date": "2024-01-02", "datetime": "2024-01-02T03:04:05Z",
         "builtins": "b", "day": "2024-02-03", "name": "n"}
    )  # fmt: skip
    assert record.str == "s" and record.int == 3 and record.builtins == "b"
    assert record.date.isoformat() == "2024-01-02" and record.day.isoformat() == "2024-02-03"
    assert record.to_dict()["datetime"] == "2024-01-02T03:04:05Z"
    text = models_source(folder / "names_sdk")
    # Only the spelling of the hidden types changes, through private module aliases.
    assert "    date: _datetime.date | UnsetType = UNSET" in text
    assert "    day: _datetime.date | UnsetType = UNSET" in text
    assert "    name: _builtins.str | UnsetType = UNSET" in text


def test_the_package_passes_mypy_strict_and_ruff(sdk: tuple[Any, Path], tmp_path: Path) -> None:
    folder = sdk[1]
    for command in (
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={tmp_path}", "names_sdk"],
        [sys.executable, "-m", "ruff", "check", "--no-cache", "names_sdk"],
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "names_sdk"],
    ):
        done = subprocess.run(
            command, cwd=folder, check=False, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
