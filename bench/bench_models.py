"""Time apigen's generated validator and model against peers on the seed model, in one run.

The seed spec's learningSelfInitiatedCourse object is validated by jsonschema (with its format
checker), fastjsonschema (compiled), a pydantic v2 model, openapi-python-client's generated
model, and apigen's generated ``validators`` module and model class. It prints microseconds
per object (median of 5 timeit repeats), the ratios against apigen, and which of the eight
correctness cases each one gets right. Run it with the peers' venv, which holds them all:

    /work/bench-venv/bin/python bench/bench_models.py
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "specs" / "seed.yaml"
DEFAULT_MODEL = "learningSelfInitiatedCourse"
REF_PREFIX = "#/components/schemas/"
INT32_MAX = 2**31 - 1

Obj = dict[str, Any]


@dataclass
class Contender:
    """One way of checking or round-tripping the seed object."""

    name: str
    kind: str  # "validate" or "round trip"
    run: Callable[[Obj], Any]
    accepts: Callable[[Obj], bool] | None = None  # None: not a validator, no cases
    count_errors: Callable[[Obj], int] | None = None
    micros: float | None = None
    cases: dict[str, bool] = field(default_factory=dict)


# -- the spec ---------------------------------------------------------------------------------


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def find_schema(schemas: dict[str, Any], short: str) -> str:
    """The full component name whose last dotted part is ``short``."""
    for name in schemas:
        if _short(name) == short:
            return str(name)
    raise SystemExit(f"no schema named *.{short} in the spec")


def flat_properties(
    schemas: dict[str, Any], name: str
) -> tuple[dict[str, Any], list[str]]:
    """Own and inherited properties (base first) and required names of a schema."""
    schema = schemas[name]
    props: dict[str, Any] = {}
    required: list[str] = []
    for part in [*schema.get("allOf", []), schema]:
        if "$ref" in part:
            base_props, base_required = flat_properties(
                schemas, part["$ref"][len(REF_PREFIX) :]
            )
            props.update(base_props)
            required += base_required
        elif part is not schema or "allOf" not in schema:
            props.update(part.get("properties", {}))
            required += part.get("required", [])
    if "allOf" in schema:
        props.update(schema.get("properties", {}))
        required += schema.get("required", [])
    return props, list(dict.fromkeys(required))


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4: ``nullable`` becomes a null type, refs
    point into ``definitions``, OpenAPI-only keywords go."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in {
            "nullable",
            "discriminator",
            "readOnly",
            "writeOnly",
            "example",
            "xml",
            "externalDocs",
            "deprecated",
        } or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
            out[key] = "#/definitions/" + value[len(REF_PREFIX) :]
        elif key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def root_json_schema(schemas: dict[str, Any], name: str) -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "definitions": {key: to_json_schema(value) for key, value in schemas.items()},
        "$ref": "#/definitions/" + name,
    }


# -- the eight cases --------------------------------------------------------------------------


def sample_value(schemas: dict[str, Any], prop: dict[str, Any], name: str) -> Any:
    """A valid, non-null value for one property schema."""
    if "$ref" in prop or "anyOf" in prop or "oneOf" in prop:
        target = prop.get("$ref") or next(
            p["$ref"] for p in prop.get("anyOf", prop.get("oneOf", [])) if "$ref" in p
        )
        return sample_value(schemas, schemas[target[len(REF_PREFIX) :]], name)
    if "enum" in prop:
        return prop["enum"][min(1, len(prop["enum"]) - 1)]
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "integer":
        return 40
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    if fmt == "date-time":
        return (
            "2024-05-01T10:00:00.1234567+02:00"
            if "completed" in name.lower()
            else "2024-04-01T08:30:00Z"
        )
    if fmt == "date":
        return "2024-04-01"
    return f"{name}-1"


@dataclass(frozen=True)
class Case:
    name: str
    data: Obj
    valid: bool


def build_cases(schemas: dict[str, Any], name: str) -> tuple[Obj, list[Case], Obj]:
    """The valid object, DESIGN.md's eight cases, and one object with three faults."""
    props, required = flat_properties(schemas, name)
    valid: Obj = {}
    for pname, prop in props.items():
        valid[pname] = (
            "#" + name if pname == "@odata.type" else sample_value(schemas, prop, pname)
        )

    def changed(key: str, value: Any) -> Obj:
        return {**copy.deepcopy(valid), key: value}

    def first(test: Callable[[str, dict[str, Any]], bool], what: str) -> str:
        for pname, prop in props.items():
            if test(pname, prop):
                return pname
        raise SystemExit(f"the seed model has no {what} property")

    def is_enum(prop: dict[str, Any]) -> bool:
        refs = [prop] + prop.get("anyOf", [])
        return (
            any(
                "$ref" in r and "enum" in schemas[r["$ref"][len(REF_PREFIX) :]]
                for r in refs
            )
            or "enum" in prop
        )

    nullable = first(
        lambda n, p: p.get("nullable") is True and n not in required,
        "optional nullable",
    )
    must = first(lambda n, p: n in required and n != "@odata.type", "required")
    enum_prop = first(lambda n, p: is_enum(p), "enum")
    int32 = first(lambda n, p: p.get("format") == "int32", "int32")
    stamp = first(lambda n, p: p.get("format") == "date-time", "date-time")
    missing = copy.deepcopy(valid)
    del missing[must]
    cases = [
        Case("valid", valid, True),
        Case(f"valid with a null ({nullable})", changed(nullable, None), True),
        Case(f"missing required ({must})", missing, False),
        Case(f"bad enum ({enum_prop}='paused')", changed(enum_prop, "paused"), False),
        Case(
            f"int32 overflow ({int32}={INT32_MAX + 1})",
            changed(int32, INT32_MAX + 1),
            False,
        ),
        Case(
            f"bad date-time ({stamp}='2024-13-01T10:00:00Z')",
            changed(stamp, "2024-13-01T10:00:00Z"),
            False,
        ),
        Case(
            f"date-time without offset ({stamp})",
            changed(stamp, "2024-04-01T08:30:00"),
            False,
        ),
        Case(f"'42' for an int ({int32})", changed(int32, "42"), False),
    ]
    faults = copy.deepcopy(missing)
    faults[enum_prop] = "paused"
    faults[int32] = INT32_MAX + 1
    return valid, cases, faults


# -- contenders -------------------------------------------------------------------------------


def _raises(fn: Callable[[Obj], Any]) -> Callable[[Obj], bool]:
    def accepts(data: Obj) -> bool:
        try:
            fn(data)
        # Any exception is how these libraries say "invalid" (KeyError, ValueError, ...).
        except Exception:  # noqa: BLE001
            return False
        return True

    return accepts


def jsonschema_contender(root: dict[str, Any]) -> Contender:
    jsonschema = importlib.import_module("jsonschema")  # no type stubs: keep it Any

    validator = jsonschema.Draft4Validator(
        root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return Contender(
        f"jsonschema {_version('jsonschema')} (Draft 4 + formats)",
        "validate",
        lambda data: list(validator.iter_errors(data)),
        accepts=lambda data: not list(validator.iter_errors(data)),
        count_errors=lambda data: len(list(validator.iter_errors(data))),
    )


def fastjsonschema_contender(root: dict[str, Any]) -> Contender:
    fastjsonschema = importlib.import_module("fastjsonschema")

    check = fastjsonschema.compile(root)
    return Contender(
        f"fastjsonschema {_version('fastjsonschema')} (compiled)",
        "validate",
        check,
        accepts=_raises(check),
        count_errors=lambda data: 0 if _raises(check)(data) else 1,
    )


def _annotation(schemas: dict[str, Any], prop: dict[str, Any], name: str) -> Any:
    """The type a pydantic user would write for one property."""
    from typing import Annotated, Literal

    from pydantic import AwareDatetime, Field

    if "anyOf" in prop or "$ref" in prop:
        target = prop.get("$ref") or next(
            p["$ref"] for p in prop["anyOf"] if "$ref" in p
        )
        nullable = any(p.get("nullable") for p in prop.get("anyOf", []))
        inner = _annotation(schemas, schemas[target[len(REF_PREFIX) :]], name)
        return inner | None if nullable else inner
    if "enum" in prop:
        base: Any = Literal[tuple(prop["enum"])]
    elif prop.get("type") == "integer":
        base = (
            Annotated[int, Field(ge=prop["minimum"], le=prop["maximum"])]
            if "minimum" in prop
            else int
        )
    elif prop.get("type") == "number":
        base = float
    elif prop.get("type") == "boolean":
        base = bool
    elif prop.get("format") == "date-time":
        base = AwareDatetime
    else:
        base = str
    return base | None if prop.get("nullable") else base


def pydantic_model(schemas: dict[str, Any], name: str) -> Any:
    """A pydantic v2 model of the seed object as its users write one: aliases for the JSON
    names, bounds from the spec, aware datetimes, default (lax) mode."""
    from pydantic import ConfigDict, Field, create_model

    props, required = flat_properties(schemas, name)
    fields: dict[str, Any] = {}
    for pname, prop in props.items():
        ident = (
            "odata_type"
            if pname == "@odata.type"
            else re.sub(r"(?<!^)(?=[A-Z])", "_", pname).lower()
        )
        default = ... if pname in required else None
        fields[ident] = (_annotation(schemas, prop, pname), Field(default, alias=pname))
    return create_model(
        _short(name)[0].upper() + _short(name)[1:],
        __config__=ConfigDict(populate_by_name=True, extra="allow"),
        **fields,
    )


def pydantic_contenders(schemas: dict[str, Any], name: str) -> list[Contender]:
    from pydantic import ValidationError

    model = pydantic_model(schemas, name)

    def count(data: Obj) -> int:
        try:
            model.model_validate(data)
        except ValidationError as exc:
            return int(exc.error_count())
        return 0

    label = f"pydantic {_version('pydantic')}"
    return [
        Contender(
            f"{label} model_validate",
            "validate",
            model.model_validate,
            accepts=_raises(model.model_validate),
            count_errors=count,
        ),
        Contender(
            f"{label} validate + model_dump",
            "round trip",
            lambda data: model.model_validate(data).model_dump(
                mode="json", by_alias=True, exclude_unset=True
            ),
        ),
    ]


def _find_package(out: Path) -> Path | None:
    inits = sorted(out.rglob("__init__.py"), key=lambda p: (len(p.parts), str(p)))
    for init in inits:
        if not (init.parent.parent / "__init__.py").exists():
            return init.parent
    return None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def opc_contenders(
    spec: Path, name: str, peer_bin: Path, work: Path
) -> list[Contender] | str:
    """Generate openapi-python-client's SDK from the seed spec and use its model class."""
    exe = peer_bin / "openapi-python-client"
    if not exe.exists():
        return f"{exe} not found"
    out = work / "opc"
    proc = subprocess.run(
        [
            str(exe),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(out),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=600,
        check=False,
        env={"PATH": f"{peer_bin}:/usr/bin:/bin"},
    )
    package = _find_package(out) if out.exists() else None
    if proc.returncode != 0 or package is None:
        return f"generation failed: {(proc.stdout + proc.stderr).strip()[-300:]}"
    sys.path.insert(0, str(package.parent))
    models = importlib.import_module(package.name + ".models")
    wanted = {_norm(name), _norm(_short(name))}
    cls = next(
        (getattr(models, attr) for attr in dir(models) if _norm(attr) in wanted), None
    )
    if cls is None:
        return f"no model class for {name} in {package.name}.models"
    label = f"openapi-python-client {_version('openapi-python-client')}"
    return [
        Contender(
            f"{label} from_dict",
            "validate",
            cls.from_dict,
            accepts=_raises(cls.from_dict),
        ),
        Contender(
            f"{label} from_dict + to_dict",
            "round trip",
            lambda data: cls.from_dict(data).to_dict(),
        ),
    ]


def apigen_package(spec: Path) -> ModuleType | str:
    """apigen's generated SDK for ``spec``: the package with validators.py under
    generated/<spec stem>/ (generated/ holds one project per spec), else under generated/*/.
    """
    found: list[Path] = []
    for project in (spec.stem, "*"):
        found = sorted(ROOT.glob(f"generated/{project}/validators.py"))
        found += sorted(ROOT.glob(f"generated/{project}/*/validators.py"))
        if found:
            break
    if not found:
        return (
            "no generated/*/ package with validators.py yet (run `apigen build` first)"
        )
    package = found[0].parent
    sys.path.insert(0, str(package.parent))
    try:
        return importlib.import_module(package.name)
    except ImportError as exc:
        return f"cannot import {package.name} from {package.parent}: {exc} (pip install {package.parent} into this venv)"


def apigen_contenders(pkg: ModuleType, name: str) -> list[Contender] | str:
    short = _short(name)
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", short).lower()
    validators = importlib.import_module(pkg.__name__ + ".validators")
    validate = getattr(validators, f"validate_{snake}", None)
    cls = getattr(pkg, short[0].upper() + short[1:], None)
    if validate is None or cls is None:
        return f"{pkg.__name__} lacks validators.validate_{snake} or {short[0].upper() + short[1:]}"
    return [
        Contender(
            f"apigen validators.validate_{snake}",
            "validate",
            validate,
            accepts=lambda data: not validate(data),
            count_errors=lambda data: len(validate(data)),
        ),
        Contender(
            f"apigen {cls.__name__}.from_dict + to_dict",
            "round trip",
            lambda data: cls.from_dict(data).to_dict(),
        ),
    ]


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


# -- measuring and printing -------------------------------------------------------------------


def time_per_call(fn: Callable[[Obj], Any], data: Obj, repeat: int) -> float:
    """Median µs per call over ``repeat`` timeit runs, each long enough (~0.2 s) to trust."""
    timer = timeit.Timer(lambda: fn(data))
    number, _ = timer.autorange()
    number = max(number, 1)
    return statistics.median(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def _ratio_line(ours: Contender | None, peers: list[Contender]) -> list[str]:
    if ours is None or ours.micros is None:
        return []
    lines = []
    for peer in peers:
        if peer is ours or peer.micros is None:
            continue
        faster = peer.micros / ours.micros
        verdict = (
            f"{faster:.2f}x faster" if faster >= 1 else f"{1 / faster:.2f}x slower"
        )
        lines.append(
            f"  {ours.name} vs {peer.name}: {verdict} (time ratio peer/apigen {faster:.2f})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """CLI: time every contender, run the cases, print the report (or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--spec",
        type=Path,
        default=DEFAULT_SPEC,
        help="the seed spec (default specs/seed.yaml)",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="schema short name (default learningSelfInitiatedCourse)",
    )
    parser.add_argument(
        "--peer-bin",
        type=Path,
        default=Path(sys.executable).parent,
        help="bin folder holding openapi-python-client (default: this python's)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timeit repeats; the median is reported (default 5)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print machine-readable JSON"
    )
    args = parser.parse_args(argv)
    if not args.spec.exists():
        parser.error(f"{args.spec}: no such spec")
    doc = yaml.safe_load(args.spec.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = doc["components"]["schemas"]
    name = find_schema(schemas, args.model)
    valid, cases, faults = build_cases(schemas, name)
    root = root_json_schema(schemas, name)
    notes: list[str] = []
    contenders: list[Contender] = [
        jsonschema_contender(root),
        fastjsonschema_contender(root),
        *pydantic_contenders(schemas, name),
    ]
    work = Path(tempfile.mkdtemp(prefix="bench-models-"))
    try:
        peer = opc_contenders(args.spec, name, args.peer_bin, work)
        if isinstance(peer, str):
            notes.append(f"openapi-python-client skipped: {peer}")
        else:
            contenders += peer
        pkg = apigen_package(args.spec)
        if not isinstance(pkg, str):
            notes.append(f"apigen package: {Path(pkg.__file__ or '?').parent}")
        ours = apigen_contenders(pkg, name) if not isinstance(pkg, str) else pkg
        if isinstance(ours, str):
            notes.append(f"apigen skipped: {ours}")
        else:
            contenders += ours
        for c in contenders:
            c.micros = time_per_call(c.run, valid, args.repeat)
            if c.accepts is not None:
                c.cases = {
                    case.name: c.accepts(case.data) == case.valid for case in cases
                }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        json.dump(
            {
                "spec": str(args.spec),
                "model": name,
                "valid_object": valid,
                "notes": notes,
                "results": [
                    {
                        "name": c.name,
                        "kind": c.kind,
                        "micros": c.micros,
                        "cases": c.cases,
                        "errors_on_three_faults": (
                            c.count_errors(faults) if c.count_errors else None
                        ),
                    }
                    for c in contenders
                ],
            },
            sys.stdout,
            indent=2,
            default=str,
        )
        print()
        return 0
    print(
        f"seed model {name} from {args.spec}; python {sys.version.split()[0]}; median of {args.repeat}"
    )
    print(f"valid object: {json.dumps(valid)}")
    for note in notes:
        print(note)
    width = max(len(c.name) for c in contenders)
    for kind in ("validate", "round trip"):
        print(f"\n{kind} (valid object), µs per object:")
        group = [c for c in contenders if c.kind == kind]
        for c in group:
            print(f"  {c.name.ljust(width)}  {c.micros:9.2f}")
        mine = next((c for c in group if c.name.startswith("apigen")), None)
        print("\n".join(_ratio_line(mine, group)) or "  (no apigen row: no ratios)")
    print("\ncorrectness (right = accepts the valid cases, rejects the others):")
    for c in contenders:
        if not c.cases:
            continue
        wrong = [case for case, right in c.cases.items() if not right]
        right = len(c.cases) - len(wrong)
        print(
            f"  {c.name.ljust(width)}  {right}/{len(c.cases)} right"
            + (f"; wrong on: {'; '.join(wrong)}" if wrong else "")
        )
    print(
        "\nerrors reported for one object with three faults (missing required, bad enum, int32 overflow):"
    )
    for c in contenders:
        if c.count_errors is not None:
            print(f"  {c.name.ljust(width)}  {c.count_errors(faults)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
