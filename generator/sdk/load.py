"""load: a validated OpenAPI document to the IR (`generator.sdk.ir.Api`).

The spec is checked by openapi-spec-validator first; then its component schemas become
models and enums (`load_schemas`, which also resolves local `$ref`s with cycle detection
for alias chains) and its paths become operations (`load_operations`), both reading the
spec through one shared `LoadContext` (`load_context`). Every name becomes a Python
identifier through `generator.sdk.naming`, there and nowhere else. Problems are
`InputError`s carrying the JSON pointer (and the line when known). This module puts the
parts together and refuses a spec whose SDK would be far larger than the spec.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.errors import InputError
from generator.sdk import load_access
from generator.sdk.ir import (
    Api,
    ArrayOf,
    EnumRef,
    EnumType,
    MapOf,
    Model,
    Operation,
    TypeRef,
    UnionOf,
)
from generator.sdk.load_context import LoadContext, text
from generator.sdk.load_operations import OperationLoader
from generator.sdk.load_schemas import SchemaLoader
from generator.spec.io import SpecFile
from generator.spec.validate import check_ref_cycles, check_sizes, validate_spec

# The most generated code (characters, before black) one spec may produce. Black formats
# about 80 kB/s here, so this bounds a run at minutes, whatever the spec.
MAX_CODE_CHARS = 32_000_000


def _enum_chars(type_ref: TypeRef | None, enums: Mapping[str, EnumType]) -> int:
    """How much text a check on ``type_ref`` inlines for enum values."""
    if isinstance(type_ref, EnumRef):
        return sum(len(m.value) + 4 for m in enums[type_ref.name].members)
    if isinstance(type_ref, ArrayOf):
        return _enum_chars(type_ref.item, enums)
    if isinstance(type_ref, MapOf):
        return _enum_chars(type_ref.value, enums)
    if isinstance(type_ref, UnionOf):
        return sum(_enum_chars(option, enums) for option in type_ref.options)
    return 0


def _check_expansion(
    spec: SpecFile,
    models: Mapping[str, Model],
    enums: Mapping[str, EnumType],
    operations: list[Operation],
) -> None:
    """Refuse a spec whose SDK would be far larger than the spec (fields repeated per
    subclass, enum values inlined per use), before any code is rendered or formatted."""
    total = 0
    for model in models.values():
        current: Model | None = model
        while current is not None:
            total += sum(
                80 + 3 * len(f.json_name) + _enum_chars(f.type, enums) for f in current.fields
            )
            current = models[current.base] if current.base else None
    for op in operations:
        total += _enum_chars(op.request_body.type if op.request_body else None, enums)
        total += sum(_enum_chars(r.type, enums) for r in op.responses)
    if total > MAX_CODE_CHARS:
        raise InputError(
            f"the spec would generate more than {MAX_CODE_CHARS // 1_000_000} MB of code "
            "(enum values are repeated at each use, fields in each subclass); split it",
            file=spec.path,
        )


def load_api(spec: SpecFile, *, validate: bool = True, locate_warnings: bool = True) -> Api:
    """A spec file (already parsed) to the IR, after validating it.

    ``validate=False`` is for a caller that holds the verdict on the spec: cached for its
    `validity_digest` (which covers every `$ref`, so their checks passed too), or worked
    out alongside by `Verdict`, which checks the `$ref`s before the validator resolves
    any. The IR builder itself only follows local pointers, in memory; schemas made of
    themselves are refused here too (cheaply), as resolving them would never end.
    ``locate_warnings=False`` leaves the file and line out of `Api.warnings`, for a caller
    that drops them (finding lines reads the whole spec text again).
    """
    if validate:
        validate_spec(spec)
    else:
        check_ref_cycles(spec)
        check_sizes(spec)
    data = spec.data
    components = data.get("components") or {}
    ctx = LoadContext(spec, components.get("schemas") or {}, locate=locate_warnings)
    types = SchemaLoader(ctx)
    types.classify()
    types.build_enums()
    types.build_models()
    schemes = load_access.security_schemes(ctx)
    loader = OperationLoader(ctx, types, frozenset(s.name for s in schemes))
    operations = loader.build_operations()
    _check_expansion(spec, types.models, types.enums, operations)
    info = data.get("info") or {}
    return Api(
        title=text(info.get("title")),
        version=str(info.get("version", "")),
        description=text(info.get("description")),
        servers=load_access.servers(ctx),
        models=tuple(types.models[name] for name in sorted(types.models)),
        enums=tuple(types.enums[name] for name in sorted(types.enums)),
        operations=tuple(operations),
        security_schemes=schemes,
        security=loader.security(data.get("security"), "/security"),
        warnings=tuple(ctx.warnings),
    )
