"""Make synthetic Microsoft Graph style OpenAPI 3.0.3 specs of any size, deterministically.

The benchmarks need specs shaped like Graph's (dotted names, ``allOf`` chains from
``microsoft.graph.entity``, evolvable enums, nullable ``anyOf`` refs, recursion, five CRUD
operations per entity set) at sizes no real page set reaches. Same arguments give the same
bytes, so timings taken on different days compare like with like.

    python bench/make_spec.py --schemas 200 --paths 400 -o /tmp/spec-200.yaml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NS = "microsoft.graph."
SUB_NS = "microsoft.graph.security."
ENTITY = NS + "entity"
ODATA_ERROR = NS + "ODataErrors.ODataError"
MAIN_ERROR = NS + "ODataErrors.MainError"
ERROR_DETAILS = NS + "ODataErrors.ErrorDetails"
INNER_ERROR = NS + "ODataErrors.InnerError"
FIXED_SCHEMAS = 5
MIN_SCHEMAS = (
    FIXED_SCHEMAS + 1 + 3 + 2
)  # fixed + one enum + three complex types + two entities
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

# Words for names. Nouns never end in s/x/y/ch/sh so that "+s" plurals stay unique.
_PREFIXES = (  # noqa: SIM905
    "access audit booking calendar channel cloud compliance contact course device "
    "directory drive education email event external federated group identity inbox "
    "learning license mail managed meeting mobile network online partner planner "
    "policy print report risk schedule search secure service share site team tenant "
    "threat training user virtual workbook"
).split()
_NOUNS = (  # noqa: SIM905
    "Activity Alert Assignment Attachment Attribute Binding Bundle Campaign "
    "Category Claim Column Comment Configuration Connector Content Definition "
    "Detail Document Domain Element Endpoint Entry Extension Feature Field Folder "
    "Grant Handle Incident Instance Item Job Label Link List Location Member "
    "Message Note Operation Option Package Participant Plan Profile Provider Record "
    "Request Resource Result Role Rule Section Session Setting Source Statement "
    "Subject Tag Target Task Template Token Update Version Widget"
).split()
_ENUM_NOUNS = (  # noqa: SIM905
    "Status Kind Type Level Mode State Priority Visibility Scope Outcome"
).split()
_MEMBERS = (  # noqa: SIM905
    "none default active inactive pending completed failed notStarted inProgress "
    "enabled disabled blocked allowed low medium high critical unknown internal "
    "external public private archived deleted draft published approved rejected "
    "expired"
).split()
_PROP_WORDS = (  # noqa: SIM905
    "display description created lastModified started completed expiration assigned "
    "external internal primary secondary total remaining allowed owner source "
    "target progress retention review billing sync audit"
).split()
_PROP_NOUNS = (  # noqa: SIM905
    "Name Text Id Count Value Url Code Reason Label Summary Owner Note Path Key "
    "Version"
).split()
_SENTENCE = (
    "Provided by the service and kept for compatibility with earlier clients. "
    "Supports $filter (eq, ne, not) and $orderby where the tenant allows it."
)


@dataclass
class _Type:
    """One schema to emit: its name, its kind and, for entities, its place in the tree."""

    name: str
    kind: str  # "enum" | "complex" | "entity"
    parent: str | None = None
    depth: int = 0
    children: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    navs: list[tuple[str, str]] = field(
        default_factory=list
    )  # (property name, target entity)


def _short(name: str) -> str:
    """The last dotted part of a schema name: ``microsoft.graph.fooBar`` -> ``fooBar``."""
    return name.rsplit(".", 1)[1]


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": "#/components/schemas/" + name}


def _nullable_ref(name: str) -> dict[str, Any]:
    """Graph's way of saying "this reference may be null" in OpenAPI 3.0."""
    return {"anyOf": [_ref(name), {"type": "object", "nullable": True}]}


class _Maker:
    """Holds the random stream and the name pools for one spec."""

    def __init__(self, schemas: int, paths: int, seed: int) -> None:
        if schemas < MIN_SCHEMAS:
            raise ValueError(f"schemas must be at least {MIN_SCHEMAS}, got {schemas}")
        if paths < 0:
            raise ValueError(f"paths must not be negative, got {paths}")
        self.rng = random.Random(seed)
        self.schemas = schemas
        self.paths = paths
        self.seed = seed
        self.used_short: set[str] = set()
        self.types: dict[str, _Type] = {}

    # -- names ---------------------------------------------------------------------------

    def _fresh(self, nouns: Sequence[str]) -> str:
        """A camelCase name not used before in this spec."""
        for words in (2, 2, 2, 3, 3, 3, 3, 3, 3, 3):
            parts = [self.rng.choice(_PREFIXES)]
            parts += [self.rng.choice(_NOUNS) for _ in range(words - 2)]
            parts.append(self.rng.choice(nouns))
            name = "".join(parts)
            if name not in self.used_short:
                self.used_short.add(name)
                return name
        counter = len(self.used_short)
        while True:
            name = f"{self.rng.choice(_PREFIXES)}Item{counter}{self.rng.choice(nouns)}"
            counter += 1
            if name not in self.used_short:
                self.used_short.add(name)
                return name

    # -- the type graph -------------------------------------------------------------------

    def plan_types(self) -> None:
        """Decide every schema's name and kind, and the entity inheritance tree."""
        rest = self.schemas - FIXED_SCHEMAS
        n_enum = max(1, rest * 15 // 100)
        n_complex = max(3, rest * 20 // 100)
        n_entity = rest - n_enum - n_complex
        self.types[ENTITY] = _Type(ENTITY, "entity")
        for i in range(n_enum):
            ns = SUB_NS if i % 10 == 9 else NS
            name = ns + self._fresh(_ENUM_NOUNS)
            self.types[name] = _Type(name, "enum")
        complex_names: list[str] = []
        for i in range(n_complex):
            # Every tenth in a sub-namespace. Short names stay unique across namespaces:
            # Graph repeats some (alert, security.alert), and openapi-python-client 0.29
            # then drops two thirds of a 200-schema spec, which would leave nothing to time.
            name = (SUB_NS if i % 10 == 9 else NS) + self._fresh(_NOUNS)
            complex_names.append(name)
            self.types[name] = _Type(name, "complex")
        levels: list[list[str]] = [[ENTITY], [], [], []]
        for i in range(n_entity):
            name = NS + self._fresh(_NOUNS)
            roll = self.rng.random()
            depth = (
                1
                if i < 2 or roll < 0.5 or not levels[1]
                else (2 if roll < 0.85 or not levels[2] else 3)
            )
            parent = self.rng.choice(levels[depth - 1])
            levels[depth].append(name)
            self.types[name] = _Type(name, "entity", parent=parent, depth=depth)
            self.types[parent].children.append(name)

    def _names(self, kind: str) -> list[str]:
        return [
            t.name for t in self.types.values() if t.kind == kind and t.name != ENTITY
        ]

    def _prop_name(self, taken: set[str]) -> str:
        while True:
            name = self.rng.choice(_PROP_WORDS) + self.rng.choice(_PROP_NOUNS)
            if name not in taken:
                taken.add(name)
                return name

    def _description(self, subject: str) -> str:
        cut = _SENTENCE[: self.rng.randrange(40, len(_SENTENCE) + 1)]
        if not cut.endswith("."):
            cut = cut.rsplit(" ", 1)[0].rstrip(",(") + "."
        return f"The {subject}. {cut}"

    def _scalar(self, kind: str) -> dict[str, Any]:
        """One primitive property schema in Graph's spelling."""
        if kind == "string":
            return {"type": "string", "nullable": True}
        if kind == "int32":
            return {
                "maximum": INT32_MAX,
                "minimum": INT32_MIN,
                "type": "integer",
                "format": "int32",
                "nullable": self.rng.random() < 0.5,
            }
        if kind == "int64":
            return {"type": "integer", "format": "int64", "nullable": True}
        if kind == "bool":
            return {"type": "boolean", "nullable": True}
        if kind == "double":
            return {"type": "number", "format": "double", "nullable": True}
        if kind == "datetime":
            return {
                "pattern": r"^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T"
                r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$",
                "type": "string",
                "format": "date-time",
                "nullable": True,
            }
        if kind == "date":
            return {"type": "string", "format": "date", "nullable": True}
        if kind == "strings":
            return {"type": "array", "items": {"type": "string", "nullable": True}}
        if kind == "int32s":
            return {
                "type": "array",
                "items": {
                    "maximum": INT32_MAX,
                    "minimum": INT32_MIN,
                    "type": "integer",
                    "format": "int32",
                },
            }
        raise AssertionError(kind)

    def _property(self, enums: list[str], complexes: list[str]) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.55 or (roll < 0.85 and not complexes):
            kind = self.rng.choice(
                (
                    "string",
                    "string",
                    "string",
                    "int32",
                    "int32",
                    "int64",
                    "bool",
                    "double",
                    "datetime",
                    "datetime",
                    "date",
                    "strings",
                    "int32s",
                )
            )
            return self._scalar(kind)
        if roll < 0.70:
            return _nullable_ref(self.rng.choice(enums))
        if roll < 0.85:
            return _nullable_ref(self.rng.choice(complexes))
        if roll < 0.93:
            return {"type": "array", "items": _ref(self.rng.choice(complexes))}
        return {"type": "array", "items": _ref(self.rng.choice(enums))}

    def _taken_names(self, t: _Type) -> set[str]:
        """Property names used by ``t`` and its ancestors (a subtype never redeclares one)."""
        taken = {"id", "@odata.type"}
        node: _Type | None = t
        while node is not None:
            taken.update(node.props)
            taken.update(n for n, _ in node.navs)
            node = self.types[node.parent] if node.parent else None
        return taken

    def plan_properties(self) -> None:
        """Give every complex type and entity its properties, including the recursive ones."""
        enums = self._names("enum")
        complexes = self._names("complex")
        entities = self._names("entity")
        # Parents first, so a subtype can avoid every inherited property name.
        for t in sorted(self.types.values(), key=lambda t: t.depth):
            if t.kind == "enum" or t.name == ENTITY:
                continue
            taken = self._taken_names(t)
            for _ in range(self.rng.randint(3, 8)):
                t.props[self._prop_name(taken)] = self._property(enums, complexes)
            if t.kind == "entity":
                for _ in range(self.rng.randint(1, 3)):
                    target = self.rng.choice(entities)
                    nav = self._prop_name(taken) + _cap(_short(target)) + "s"
                    t.navs.append((nav, target))
        # Guaranteed recursion: a type that holds itself, and an A -> B -> A pair.
        a, b, c = (self.types[n] for n in complexes[:3])
        a.props["children"] = {"type": "array", "items": _ref(a.name)}
        a.props["parentNode"] = _nullable_ref(a.name)
        b.props["partner"] = _nullable_ref(c.name)
        c.props["partners"] = {"type": "array", "items": _ref(b.name)}
        first = self.types[entities[0]]
        first.navs.insert(0, ("children", first.name))

    # -- schemas --------------------------------------------------------------------------

    def _descendants(self, name: str) -> list[str]:
        out: list[str] = []
        queue = deque(self.types[name].children)
        while queue:
            child = queue.popleft()
            out.append(child)
            queue.extend(self.types[child].children)
        return sorted(out)

    def _object_body(self, t: _Type) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for pname, pschema in t.props.items():
            props[pname] = (
                {**pschema, "description": self._description(pname)}
                if "$ref" not in pschema
                else pschema
            )
        for nav, target in t.navs:
            props[nav] = {
                "type": "array",
                "items": _ref(target),
                "description": self._description(nav),
                "x-ms-navigationProperty": True,
            }
        props["@odata.type"] = {"type": "string", "default": "#" + t.name}
        return {"title": _short(t.name), "type": "object", "properties": props}

    def schema(self, t: _Type) -> dict[str, Any]:
        """The component schema for one planned type."""
        if t.kind == "enum":
            count = self.rng.randint(2, 6)
            members = self.rng.sample(_MEMBERS, count) + ["unknownFutureValue"]
            return {"title": _short(t.name), "enum": members, "type": "string"}
        if t.name == ENTITY:
            body: dict[str, Any] = {
                "title": "entity",
                "required": ["@odata.type"],
                "type": "object",
                "properties": {
                    "id": {
                        "type": "string",
                        "description": "The unique identifier for an entity. Read-only.",
                    },
                    "@odata.type": {"type": "string"},
                },
            }
        elif t.kind == "complex":
            body = self._object_body(t)
        else:
            body = {
                "allOf": [
                    _ref(t.parent or ENTITY),
                    {**self._object_body(t), "required": ["@odata.type"]},
                ]
            }
        if t.children:
            body["discriminator"] = {
                "propertyName": "@odata.type",
                "mapping": {
                    "#" + d: _ref(d)["$ref"] for d in self._descendants(t.name)
                },
            }
        return body

    def error_schemas(self) -> dict[str, Any]:
        """Graph's ODataError family, used by every operation's 4XX/5XX response."""
        text = {"type": "string"}
        return {
            ODATA_ERROR: {
                "required": ["error"],
                "type": "object",
                "properties": {"error": _ref(MAIN_ERROR)},
            },
            MAIN_ERROR: {
                "required": ["code", "message"],
                "type": "object",
                "properties": {
                    "code": text,
                    "message": {**text, "x-ms-primary-error-message": True},
                    "target": {"type": "string", "nullable": True},
                    "details": {"type": "array", "items": _ref(ERROR_DETAILS)},
                    "innerError": _ref(INNER_ERROR),
                },
            },
            ERROR_DETAILS: {
                "required": ["code", "message"],
                "type": "object",
                "properties": {
                    "code": text,
                    "message": text,
                    "target": {"type": "string", "nullable": True},
                },
            },
            INNER_ERROR: {
                "type": "object",
                "properties": {
                    "request-id": {
                        "type": "string",
                        "nullable": True,
                        "description": "Request Id.",
                    },
                    "client-request-id": {
                        "type": "string",
                        "nullable": True,
                        "description": "Client request Id.",
                    },
                    "date": {
                        "type": "string",
                        "format": "date-time",
                        "nullable": True,
                        "description": "Date when the error occurred.",
                    },
                },
            },
        }

    # -- paths ----------------------------------------------------------------------------

    def _chains(self) -> Iterator[list[tuple[str, str]]]:
        """Entity sets, then navigation chains of growing length: [(segment, entity), ...]."""
        entities = self._names("entity")
        queue: deque[list[tuple[str, str]]] = deque()
        for name in entities:
            chain = [(_short(name) + "s", name)]
            yield chain
            queue.append(chain)
        while queue:
            chain = queue.popleft()
            for nav, target in self.types[chain[-1][1]].navs:
                longer = chain + [(nav, target)]
                yield longer
                queue.append(longer)

    @staticmethod
    def _param(name: str, entity: str) -> dict[str, Any]:
        return {
            "name": name,
            "in": "path",
            "description": f"The unique identifier of {_short(entity)}",
            "required": True,
            "schema": {"type": "string"},
            "x-ms-docs-key-type": _short(entity),
        }

    def path_items(self) -> tuple[dict[str, Any], list[str]]:
        """Exactly ``self.paths`` path items, and the entities whose list responses they use."""
        paths: dict[str, Any] = {}
        listed: list[str] = []
        errors = {
            "4XX": {"$ref": "#/components/responses/error"},
            "5XX": {"$ref": "#/components/responses/error"},
        }
        for chain in self._chains():
            if len(paths) >= self.paths:
                break
            url = ""
            params: list[dict[str, Any]] = []
            seen: dict[str, int] = {}
            for i, (segment, entity) in enumerate(chain):
                url += "/" + segment
                if i < len(chain) - 1:
                    key = _short(entity) + "-id"
                    seen[key] = seen.get(key, 0) + 1
                    pname = key if seen[key] == 1 else f"{key}{seen[key] - 1}"
                    url += "/{" + pname + "}"
                    params.append(self._param(pname, entity))
            segment, entity = chain[-1]
            prefix = ".".join(s for s, _ in chain)
            noun = _cap(segment)
            single = _cap(_short(entity))
            tag = chain[0][0] + "." + _short(chain[0][1])
            body = {
                "description": "New property values",
                "content": {"application/json": {"schema": _ref(entity)}},
                "required": True,
            }
            collection: dict[str, Any] = {
                "get": {
                    "tags": [tag],
                    "summary": f"List {segment}",
                    "description": self._description(f"list of {segment}"),
                    "operationId": f"{prefix}.List{noun}",
                    "parameters": [
                        {"$ref": "#/components/parameters/top"},
                        {"$ref": "#/components/parameters/skip"},
                        {"$ref": "#/components/parameters/filter"},
                        {"$ref": "#/components/parameters/count"},
                    ],
                    "responses": {
                        "200": {
                            "$ref": f"#/components/responses/{entity}CollectionResponse"
                        },
                        **errors,
                    },
                    "x-ms-pageable": {
                        "nextLinkName": "@odata.nextLink",
                        "operationName": "listMore",
                    },
                },
                "post": {
                    "tags": [tag],
                    "summary": f"Create {_short(entity)}",
                    "operationId": f"{prefix}.Create{single}",
                    "requestBody": body,
                    "responses": {
                        "201": {
                            "description": "Created entity",
                            "content": {"application/json": {"schema": _ref(entity)}},
                        },
                        **errors,
                    },
                },
            }
            if params:
                collection["parameters"] = params
            if entity not in listed:
                listed.append(entity)
            paths[url] = collection
            if len(paths) >= self.paths:
                break
            key = _short(entity) + "-id"
            seen[key] = seen.get(key, 0) + 1
            pname = key if seen[key] == 1 else f"{key}{seen[key] - 1}"
            paths[url + "/{" + pname + "}"] = {
                "get": {
                    "tags": [tag],
                    "summary": f"Get {_short(entity)}",
                    "operationId": f"{prefix}.Get{single}",
                    "parameters": [{"$ref": "#/components/parameters/select"}],
                    "responses": {
                        "200": {
                            "description": "Retrieved entity",
                            "content": {"application/json": {"schema": _ref(entity)}},
                        },
                        **errors,
                    },
                },
                "patch": {
                    "tags": [tag],
                    "summary": f"Update {_short(entity)}",
                    "operationId": f"{prefix}.Update{single}",
                    "requestBody": body,
                    "responses": {"204": {"description": "Success"}, **errors},
                },
                "delete": {
                    "tags": [tag],
                    "summary": f"Delete {_short(entity)}",
                    "operationId": f"{prefix}.Delete{single}",
                    "parameters": [
                        {
                            "name": "If-Match",
                            "in": "header",
                            "description": "ETag",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"204": {"description": "Success"}, **errors},
                },
                "parameters": params + [self._param(pname, entity)],
            }
        if len(paths) < self.paths:  # unreachable: the first entity navigates to itself
            raise AssertionError("ran out of navigation chains")
        return paths, listed

    # -- the document ---------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The whole OpenAPI document, keys in a fixed order."""
        self.plan_types()
        self.plan_properties()
        paths, listed = self.path_items()
        schemas: dict[str, Any] = {}
        for name in sorted(self.types):
            schemas[name] = self.schema(self.types[name])
        schemas.update(self.error_schemas())
        schemas = dict(sorted(schemas.items()))
        responses: dict[str, Any] = {
            "error": {
                "description": "error",
                "content": {"application/json": {"schema": _ref(ODATA_ERROR)}},
            }
        }
        for entity in sorted(listed):
            responses[entity + "CollectionResponse"] = {
                "description": "Retrieved collection",
                "content": {
                    "application/json": {
                        "schema": {
                            "title": "Collection of " + _short(entity),
                            "type": "object",
                            "properties": {
                                "value": {"type": "array", "items": _ref(entity)},
                                "@odata.nextLink": {"type": "string", "nullable": True},
                            },
                        }
                    }
                },
            }
        int_param = {"minimum": 0, "type": "integer"}
        return {
            "openapi": "3.0.3",
            "info": {
                "title": "Synthetic Graph-style API",
                "description": f"Made by bench/make_spec.py: {self.schemas} schemas, {self.paths} paths, seed {self.seed}.",
                "version": "v1.0",
            },
            "servers": [
                {"url": "https://graph.microsoft.com/v1.0", "description": "Core"}
            ],
            "security": [{"bearerAuth": []}],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "responses": responses,
                "parameters": {
                    "top": {
                        "name": "$top",
                        "in": "query",
                        "description": "Show only the first n items",
                        "style": "form",
                        "explode": False,
                        "schema": int_param,
                    },
                    "skip": {
                        "name": "$skip",
                        "in": "query",
                        "description": "Skip the first n items",
                        "style": "form",
                        "explode": False,
                        "schema": int_param,
                    },
                    "filter": {
                        "name": "$filter",
                        "in": "query",
                        "description": "Filter items by property values",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "string"},
                    },
                    "count": {
                        "name": "$count",
                        "in": "query",
                        "description": "Include count of items",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "boolean"},
                    },
                    "select": {
                        "name": "$select",
                        "in": "query",
                        "description": "Select properties to be returned",
                        "style": "form",
                        "explode": False,
                        "schema": {
                            "uniqueItems": True,
                            "type": "array",
                            "items": {"type": "string"},
                        },
                    },
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


def make_spec(schemas: int, paths: int, seed: int = 0) -> dict[str, Any]:
    """A Graph-style OpenAPI 3.0.3 document with exactly ``schemas`` component schemas and
    ``paths`` path items; the same arguments always give the same document."""
    return _Maker(schemas, paths, seed).document()


class _NoAliasDumper(yaml.SafeDumper):
    """Writes repeated sub-objects out in full: specs with YAML anchors confuse some tools."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(doc: dict[str, Any]) -> str:
    """YAML text for a spec, keys in insertion order, no anchors, long lines kept whole."""
    return yaml.dump(
        doc, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=10_000
    )


def main(argv: list[str] | None = None) -> int:
    """CLI: write a spec to a file (YAML, or JSON when the name ends in .json) or stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--schemas", type=int, default=200, help="component schemas (default 200)"
    )
    parser.add_argument(
        "--paths", type=int, default=400, help="path items (default 400)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        doc = make_spec(args.schemas, args.paths, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    if args.output and args.output.endswith(".json"):
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    else:
        text = dump_yaml(doc)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
