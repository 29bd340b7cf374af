"""Build one OpenAPI 3.0.3 document from parsed pages, in Microsoft Graph's own conventions.

API pages give paths and operations; resource pages give schemas (properties, relationships,
inheritance); the enums page gives enum members. A single API page is enough on its own: its
request-body table then defines the schemas. The result is plain dicts and lists with a stable
key order, so the same pages always give byte-identical YAML.

This module is the entry and the assembly: the types are gathered by `typemodel`, written as
schemas by `schemas`, the operations made by `operations`, the examples fitted by `examples`;
here they become one document (an overlay, if any, is applied to it afterwards:
`generator.spec.overlay`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.pages.examples import conform_example
from generator.pages.model import Page
from generator.pages.names import DEFAULT_NAMESPACE, page_namespace, plain_text
from generator.pages.operations import (
    REFERENCE,
    REFERENCE_SCHEMA,
    Operations,
    PageExample,
    partial_bodies,
)
from generator.pages.paths import DEFAULT_SERVER
from generator.pages.schemas import ERROR_SCHEMA, Schemas, error_schemas
from generator.pages.typemodel import BuildDiagnostic, TypeModel, collect_types
from generator.spec.openapi import SCHEMA_PREFIX
from generator.spec.yaml_text import dump_yaml

__all__ = ["BuildResult", "build", "build_spec", "dump_yaml"]

_METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch")


@dataclass(frozen=True)
class BuildResult:
    spec: dict[str, Any]
    diagnostics: tuple[BuildDiagnostic, ...]


def build(
    pages: Sequence[Page],
    *,
    title: str | None = None,
    notes: Sequence[BuildDiagnostic] = (),
) -> BuildResult:
    """Build the spec and say what had to be guessed; see `build_spec`. ``notes`` are
    diagnostics from before the build (link following) reported with the builder's own."""
    model = collect_types(pages)
    model.diagnostics.extend(notes)
    api_pages = [p for p in pages if p.is_api_page]
    schemas = Schemas(model)
    ops = Operations(model, schemas)
    for page in api_pages:
        ops.add_page(page)
    ops.infer_entity_gets()
    ops.add_query_options()
    components = schemas.build()
    for name, schema in ops.collections.items():
        components[name] = schema
    if ops.references:
        components[REFERENCE_SCHEMA] = copy.deepcopy(REFERENCE)
    components.update(error_schemas())
    listed = {t.name for t in model.types.values() if t.from_enum_page}
    unused = listed - _referenced(
        [ops.paths] + [v for k, v in components.items() if k not in listed], components
    )
    components = {k: v for k, v in components.items() if k not in unused}
    components = {k: components[k] for k in sorted(components)}
    partial_bodies(ops.paths, components)
    _attach_examples(ops.examples, components, model)
    spec = _document(pages, api_pages, ops, components, title)
    return BuildResult(
        spec,
        tuple(
            sorted(
                set(model.diagnostics),
                key=lambda d: (d.source, d.line, d.code, d.message),
            )
        ),
    )


def _attach_examples(
    examples: Sequence[PageExample], components: Mapping[str, Any], model: TypeModel
) -> None:
    """Each page example on its media object, fitted to the schema: one as ``example``,
    several (a page's other requests or answers) as ``examples`` by their names."""
    fitted: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for ex in examples:
        ok, value = conform_example(ex.value, ex.media["schema"], components)
        if not ok:
            model.diag(
                ex.source,
                ex.line,
                "example-dropped",
                "example could not be made to fit its schema; left out",
            )
            continue
        _, named = fitted.setdefault(id(ex.media), (ex.media, {}))
        if value in named.values():
            continue  # the same body shown twice (a page and its variant) is one example
        base = ex.name or "example"
        name, n = (base, 2) if ex.name else (f"{base}-1", 2)
        while name in named:
            name, n = f"{base}-{n}", n + 1
        named[name] = value
    for media, named in fitted.values():
        if len(named) == 1:
            media["example"] = next(iter(named.values()))
        else:
            media["examples"] = {name: {"value": value} for name, value in named.items()}


def _referenced(roots: list[Any], components: Mapping[str, Any]) -> set[str]:
    """Schema names reachable through ``$ref`` from ``roots`` (an enums page lists hundreds)."""
    found: set[str] = set()
    stack: list[Any] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
                name = ref[len(SCHEMA_PREFIX) :]
                if name not in found:
                    found.add(name)
                    stack.append(components.get(name))
            stack.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _document(
    pages: Sequence[Page],
    api_pages: list[Page],
    ops: Operations,
    components: dict[str, Any],
    title: str | None,
) -> dict[str, Any]:
    server = ops.servers[0] if ops.servers else DEFAULT_SERVER
    m = re.search(r"/(v\d[\w.]*|beta)$", server)
    version = m.group(1) if m and ops.servers else "1.0.0"
    if title is None:
        if len(api_pages) == 1 and api_pages[0].title:
            title = api_pages[0].title.value
        else:
            names = sorted({page_namespace(p) for p in pages}) or [DEFAULT_NAMESPACE]
            title = f"{', '.join(names)} API"
    info: dict[str, Any] = {"title": title}
    if len(api_pages) == 1 and api_pages[0].description:
        info["description"] = plain_text(api_pages[0].description.value)
    info["version"] = version
    paths = {}
    for path in sorted(ops.paths):
        item = ops.paths[path]
        paths[path] = {m: item[m] for m in _METHOD_ORDER if m in item}
    return {
        "openapi": "3.0.3",
        "info": info,
        "servers": [{"url": server}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": t} for t in sorted(ops.tags)],
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {
                "error": {
                    "description": "error",
                    "content": {
                        "application/json": {"schema": {"$ref": SCHEMA_PREFIX + ERROR_SCHEMA}}
                    },
                }
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                }
            },
        },
    }


def build_spec(
    pages: Sequence[Page],
    *,
    title: str | None = None,
) -> dict[str, Any]:
    """One OpenAPI 3.0.3 document (plain dicts) from API, resource and enum pages.

    ``title`` overrides
    ``info.title`` (by default the API page's title when there is one API page).
    """
    return build(pages, title=title).spec
