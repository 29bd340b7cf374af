"""Read OData CSDL (EDMX XML) service metadata, such as Microsoft Graph's `$metadata`.

The result is a `Metadata` of small frozen values: structured (entity and complex) types
with their structural and navigation properties, enum types, bound and unbound actions and
functions, and the entity container's entity sets and singletons. Every type name in it is
fully qualified (``microsoft.graph.itemBody``, ``Edm.String``): aliases (``graph.x``,
``self.x``) are resolved, ``Collection(...)`` becomes a flag.

The file is untrusted input (users pass their own): a DOCTYPE or ENTITY declaration is refused
before anything is expanded, a file larger than `MAX_BYTES` is refused while it is read, and
a malformed file raises `InputError` naming the file and line.

A file is parsed once per process (keyed by path, mtime and size) and its compact JSON form is
kept in apigen's on-disk cache (`generator.cache`, namespace ``csdl``, keyed by the SHA-256
of the file's bytes and `READER_VERSION`), so the next process loads it without parsing.
Measured on Graph's v1.0 metadata (3.4 MB; 2,961 structured types, 861 enums, 1,183
operations), a fresh process each, on the development machine: cold (parse, then write the
cache entry) 0.25 s, of which parsing 0.24 s; from the on-disk cache 0.06 s (reading and
hashing the file included); again in the same process under 2 ms (a stat).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from generator.cache import Cache, key
from generator.errors import InputError

__all__ = [
    "MAX_BYTES",
    "READER_VERSION",
    "EnumType",
    "Metadata",
    "Namespace",
    "NavigationProperty",
    "Operation",
    "Parameter",
    "Property",
    "ReturnType",
    "StructuredType",
    "load_metadata",
    "parse_csdl",
]

MAX_BYTES = 64 * 1024 * 1024
READER_VERSION = "csdl-reader 1"
_CHUNK = 1024 * 1024


# ---------------------------------------------------------------------------------------
# The values


@dataclass(frozen=True, slots=True)
class Property:
    """A structural property; ``type`` is qualified (``Edm.String``, ``microsoft.graph.x``)."""

    name: str
    type: str
    collection: bool = False
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class NavigationProperty:
    name: str
    type: str
    collection: bool = False
    nullable: bool = True
    contains_target: bool = False


@dataclass(frozen=True, slots=True)
class StructuredType:
    """An entity type (``kind == "entity"``) or a complex type (``"complex"``)."""

    kind: str
    name: str
    base: str | None = None
    abstract: bool = False
    open_type: bool = False
    has_stream: bool = False
    properties: tuple[Property, ...] = ()
    navigation: tuple[NavigationProperty, ...] = ()
    key: tuple[str, ...] = ()  # the declared key (often only on the root, entity: id)
    alternate_keys: tuple[tuple[str, ...], ...] = ()  # Org.OData.Core.V1.AlternateKeys

    @property
    def namespace(self) -> str:
        return self.name.rpartition(".")[0]


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    members: tuple[str, ...]
    flags: bool = False


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    collection: bool = False
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class ReturnType:
    type: str
    collection: bool = False
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Operation:
    """An action or a function. For a bound one, the binding parameter is kept apart:
    ``binding_type``/``binding_collection``; ``parameters`` are the others, in order."""

    kind: str  # "action" or "function"
    namespace: str
    name: str
    bound: bool = False
    binding_type: str | None = None
    binding_collection: bool = False
    parameters: tuple[Parameter, ...] = ()
    returns: ReturnType | None = None
    composable: bool = False

    @property
    def qualified_name(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass(frozen=True, slots=True)
class Namespace:
    name: str
    alias: str | None = None


PropertyLike = Property | NavigationProperty


@dataclass(frozen=True, slots=True, eq=False)
class Metadata:
    """The whole document; look-ups take qualified names (see the methods)."""

    source: str
    namespaces: tuple[Namespace, ...]
    structured: Mapping[str, StructuredType]
    enums: Mapping[str, EnumType]
    operations: tuple[Operation, ...]
    container: str | None = None
    entity_sets: Mapping[str, str] = field(default_factory=dict)
    singletons: Mapping[str, str] = field(default_factory=dict)
    _lower: dict[str, str] = field(init=False, repr=False)
    _by_local: dict[str, list[str]] = field(init=False, repr=False)
    _children: dict[str, list[str]] = field(init=False, repr=False)
    _bound: dict[tuple[str, bool], list[Operation]] = field(init=False, repr=False)
    _members: dict[str, dict[str, tuple[str, PropertyLike]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lower: dict[str, str] = {}
        by_local: dict[str, list[str]] = {}
        for name in [*self.structured, *self.enums]:
            lower.setdefault(name.lower(), name)
            by_local.setdefault(name.rpartition(".")[2].lower(), []).append(name)
        children: dict[str, list[str]] = {}
        for t in self.structured.values():
            if t.base is not None:
                children.setdefault(t.base, []).append(t.name)
        bound: dict[tuple[str, bool], list[Operation]] = {}
        for op in self.operations:
            if op.bound and op.binding_type is not None:
                bound.setdefault((op.binding_type, op.binding_collection), []).append(op)
        object.__setattr__(self, "_lower", lower)
        object.__setattr__(self, "_by_local", by_local)
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_bound", bound)
        object.__setattr__(self, "_members", {})

    # -- types

    def type(self, name: str) -> StructuredType | EnumType | None:
        """The structured or enum type of this exact qualified name."""
        return self.structured.get(name) or self.enums.get(name)

    def name_ignoring_case(self, name: str) -> str | None:
        """The declared name of the type whose name equals ``name`` but for letter case."""
        return self._lower.get(name.lower())

    def similar_names(self, name: str) -> list[str]:
        """Declared types ``name`` may mean: the same name but for letter case, or the same
        last segment (any case) in another namespace; sorted, ``name`` itself left out."""
        local = name.rpartition(".")[2].lower()
        return sorted(n for n in self._by_local.get(local, []) if n != name)

    def in_namespace(self, namespace: str) -> list[str]:
        """The names of the types declared in ``namespace`` (not its sub-namespaces)."""
        return [n for n in [*self.structured, *self.enums] if n.rpartition(".")[0] == namespace]

    def ancestors(self, name: str) -> list[StructuredType]:
        """The base chain of a structured type, nearest first (stops at a cycle or gap)."""
        chain: list[StructuredType] = []
        seen = {name}
        t = self.structured.get(name)
        while t is not None and t.base is not None and t.base not in seen:
            seen.add(t.base)
            t = self.structured.get(t.base)
            if t is not None:
                chain.append(t)
        return chain

    def is_derived(self, name: str, base: str) -> bool:
        """``name`` is ``base`` or (transitively) derives from it."""
        return name == base or any(a.name == base for a in self.ancestors(name))

    def derived(self, name: str) -> list[str]:
        """Every type deriving from ``name``, transitively, sorted."""
        found: set[str] = set()
        stack = list(self._children.get(name, []))
        while stack:
            n = stack.pop()
            if n not in found:
                found.add(n)
                stack.extend(self._children.get(n, []))
        return sorted(found)

    def members(self, name: str) -> dict[str, tuple[str, PropertyLike]]:
        """All properties (structural and navigation) of a structured type, own and
        inherited, base first: name -> (declaring type, property)."""
        cached = self._members.get(name)
        if cached is not None:
            return cached
        out: dict[str, tuple[str, PropertyLike]] = {}
        t = self.structured.get(name)
        if t is not None:
            for owner in [*reversed(self.ancestors(name)), t]:
                for p in owner.properties:
                    out[p.name] = (owner.name, p)
                for n in owner.navigation:
                    out[n.name] = (owner.name, n)
        self._members[name] = out
        return out

    def key_of(self, name: str) -> tuple[str, ...]:
        """The key of an entity type, declared on it or inherited."""
        t = self.structured.get(name)
        for owner in [t, *self.ancestors(name)] if t is not None else []:
            if owner.key:
                return owner.key
        return ()

    # -- the container and operations

    def root(self, name: str) -> tuple[str, bool] | None:
        """An entity set (type, True) or singleton (type, False) of the container."""
        if name in self.entity_sets:
            return self.entity_sets[name], True
        if name in self.singletons:
            return self.singletons[name], False
        return None

    def bound_operations(self, type_name: str, collection: bool) -> list[Operation]:
        """Actions and functions bound to ``type_name`` (a collection of it when
        ``collection``) or to one of its bases, nearest binding first."""
        out: list[Operation] = []
        for t in [type_name, *(a.name for a in self.ancestors(type_name))]:
            out.extend(self._bound.get((t, collection), []))
        return out

    def operations_named(self, name: str) -> list[Operation]:
        """Actions and functions whose name or qualified name is ``name``."""
        return [o for o in self.operations if name in (o.name, o.qualified_name)]

    # -- the compact JSON form kept in the on-disk cache

    def to_json(self) -> str:
        def props(t: StructuredType) -> list[Any]:
            return [[p.name, p.type, int(p.collection), int(p.nullable)] for p in t.properties]

        def navs(t: StructuredType) -> list[Any]:
            return [
                [p.name, p.type, int(p.collection), int(p.nullable), int(p.contains_target)]
                for p in t.navigation
            ]

        data = {
            "v": READER_VERSION,
            "source": self.source,
            "namespaces": [[n.name, n.alias] for n in self.namespaces],
            "types": [
                [
                    t.kind,
                    t.name,
                    t.base,
                    int(t.abstract) | int(t.open_type) << 1 | int(t.has_stream) << 2,
                    props(t),
                    navs(t),
                    list(t.key),
                    [list(k) for k in t.alternate_keys],
                ]
                for t in self.structured.values()
            ],
            "enums": [[e.name, int(e.flags), list(e.members)] for e in self.enums.values()],
            "operations": [
                [
                    o.kind,
                    o.namespace,
                    o.name,
                    int(o.bound),
                    o.binding_type,
                    int(o.binding_collection),
                    int(o.composable),
                    [[p.name, p.type, int(p.collection), int(p.nullable)] for p in o.parameters],
                    (
                        None
                        if o.returns is None
                        else [o.returns.type, int(o.returns.collection), int(o.returns.nullable)]
                    ),
                ]
                for o in self.operations
            ],
            "container": self.container,
            "entity_sets": dict(self.entity_sets),
            "singletons": dict(self.singletons),
        }
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, source: str | None = None) -> Metadata:
        """The inverse of `to_json` (``source`` renames it); raises ValueError, KeyError,
        TypeError or IndexError on a bad form."""
        enabled = gc.isenabled()
        gc.disable()  # tens of thousands of small objects: collections only cost time here
        try:
            return cls._from_data(json.loads(text), source)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _from_data(cls, d: Any, source: str | None) -> Metadata:
        if d["v"] != READER_VERSION:
            raise ValueError("another reader version")
        shared: dict[tuple[Any, ...], Property] = {}  # equal properties are one value

        def prop(n: str, t: str, c: int, nl: int) -> Property:
            k = (n, t, c, nl)
            found = shared.get(k)
            if found is None:
                found = shared[k] = Property(n, t, bool(c), bool(nl))
            return found

        structured: dict[str, StructuredType] = {}
        for kind, name, base, flags, props, navs, key_, alt in d["types"]:
            structured[name] = StructuredType(
                kind,
                name,
                base,
                bool(flags & 1),
                bool(flags & 2),
                bool(flags & 4),
                tuple(prop(n, t, c, nl) for n, t, c, nl in props),
                tuple(
                    NavigationProperty(n, t, bool(c), bool(nl), bool(ct))
                    for n, t, c, nl, ct in navs
                ),
                tuple(key_),
                tuple(tuple(k) for k in alt),
            )
        enums = {n: EnumType(n, tuple(m), bool(f)) for n, f, m in d["enums"]}
        operations = tuple(
            Operation(
                kind,
                ns,
                name,
                bool(bound),
                btype,
                bool(bcoll),
                tuple(Parameter(n, t, bool(c), bool(nl)) for n, t, c, nl in params),
                None if ret is None else ReturnType(ret[0], bool(ret[1]), bool(ret[2])),
                bool(comp),
            )
            for kind, ns, name, bound, btype, bcoll, comp, params, ret in d["operations"]
        )
        return cls(
            source if source is not None else str(d["source"]),
            tuple(Namespace(n, a) for n, a in d["namespaces"]),
            structured,
            enums,
            operations,
            d["container"],
            {str(k): str(v) for k, v in d["entity_sets"].items()},
            {str(k): str(v) for k, v in d["singletons"].items()},
        )


# ---------------------------------------------------------------------------------------
# Reading


class _Refused(Exception):
    """Raised inside an expat handler; turned into an `InputError` with the line."""


@dataclass
class _RawType:
    kind: str
    name: str
    base: str | None
    abstract: bool
    open_type: bool
    has_stream: bool
    line: int
    properties: list[tuple[str, str, bool]] = field(default_factory=list)
    navigation: list[tuple[str, str, bool, bool]] = field(default_factory=list)
    key: list[str] = field(default_factory=list)
    alternate_keys: list[list[str]] = field(default_factory=list)


@dataclass
class _RawOperation:
    kind: str
    namespace: str
    name: str
    bound: bool
    composable: bool
    line: int
    parameters: list[tuple[str, str, bool]] = field(default_factory=list)
    returns: tuple[str, bool] | None = None


_SKIPPED = {"Annotation", "Annotations", "Term"}


class _Reader:
    """Expat handlers that gather raw declarations; names are resolved at the end, when
    every alias of the document is known (an alias may be used before its schema)."""

    def __init__(self, source: str, parser: Any) -> None:
        self.source = source
        self.parser = parser
        self.stack: list[str] = []
        self.skip = 0  # depth inside an annotation we do not read
        self.namespace: str | None = None
        self.namespaces: list[Namespace] = []
        self.aliases: dict[str, str] = {}
        self.typedefs: dict[str, str] = {}
        self.types: list[_RawType] = []
        self.enums: list[tuple[str, bool, list[str], int]] = []
        self.operations: list[_RawOperation] = []
        self.container: str | None = None
        self.entity_sets: dict[str, str] = {}
        self.singletons: dict[str, str] = {}
        self.current_type: _RawType | None = None
        self.current_enum: list[str] | None = None
        self.current_op: _RawOperation | None = None
        self.alt_depth = 0  # depth of the AlternateKeys annotation being read, else 0
        self.alt_ref: dict[str, str] | None = None

    @property
    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def fail(self, message: str) -> InputError:
        return InputError(message, file=self.source, line=self.line)

    def attr(self, attrs: Mapping[str, str], name: str, element: str) -> str:
        value = attrs.get(name)
        if value is None or not value.strip():
            raise self.fail(f"<{element}> has no {name} attribute")
        return value.strip()

    def flag(self, attrs: Mapping[str, str], name: str, default: bool) -> bool:
        value = attrs.get(name)
        if value is None:
            return default
        if value.strip() in ("true", "1"):
            return True
        if value.strip() in ("false", "0"):
            return False
        raise self.fail(f"{name}={value!r} is not true or false")

    def qualify(self, name: str) -> str:
        assert self.namespace is not None
        return f"{self.namespace}.{name}"

    # -- expat handlers

    def doctype(self, *_: Any) -> None:
        raise _Refused("DOCTYPE declarations are not allowed in metadata")

    def entity(self, *_: Any) -> None:
        raise _Refused("ENTITY declarations are not allowed in metadata")

    def external(self, *_: Any) -> int:
        raise _Refused("external entity references are not allowed in metadata")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else None
        self.stack.append(local)
        if self.alt_depth:
            self.alternate_key_part(local, attrs)
            return
        if self.skip:
            self.skip += 1
            return
        if parent is None:
            if local != "Edmx":
                raise self.fail(f"not OData CSDL metadata: the root element is <{tag}>")
            return
        if local in _SKIPPED:
            term = attrs.get("Term", "")
            if local == "Annotation" and parent == "EntityType" and term.endswith(".AlternateKeys"):
                self.alt_depth = len(self.stack)
                return
            self.skip = 1
            return
        handler = getattr(self, f"on_{local}", None)
        if handler is not None:
            handler(parent, attrs)

    def end(self, tag: str) -> None:
        local = self.stack.pop()
        if self.alt_depth:
            if len(self.stack) + 1 == self.alt_depth:
                self.alt_depth = 0
            elif local == "Record" and self.alt_ref is not None:
                name = self.alt_ref.get("Alias") or self.alt_ref.get("Name")
                if name and self.current_type is not None and self.current_type.alternate_keys:
                    self.current_type.alternate_keys[-1].append(name)
                self.alt_ref = None
            return
        if self.skip:
            self.skip -= 1
            return
        if local in ("EntityType", "ComplexType"):
            self.current_type = None
        elif local == "EnumType":
            self.current_enum = None
        elif local in ("Action", "Function"):
            self.current_op = None
        elif local == "Schema":
            self.namespace = None

    def alternate_key_part(self, local: str, attrs: Mapping[str, str]) -> None:
        if local == "Record" and attrs.get("Type", "").endswith(".AlternateKey"):
            if self.current_type is not None:
                self.current_type.alternate_keys.append([])
        elif local == "Record" and attrs.get("Type", "").endswith(".PropertyRef"):
            self.alt_ref = {}
        elif local == "PropertyValue" and self.alt_ref is not None:
            value = attrs.get("String") or attrs.get("PropertyPath")
            if value:
                self.alt_ref[attrs.get("Property", "")] = value

    # -- one method per element we read; ``parent`` is the enclosing element's local name

    def on_Schema(self, parent: str, attrs: Mapping[str, str]) -> None:
        self.namespace = self.attr(attrs, "Namespace", "Schema")
        alias = attrs.get("Alias")
        self.namespaces.append(Namespace(self.namespace, alias))
        if alias:
            self.aliases[alias] = self.namespace

    def structured(self, kind: str, parent: str, attrs: Mapping[str, str]) -> None:
        if parent != "Schema" or self.namespace is None:
            return
        element = "EntityType" if kind == "entity" else "ComplexType"
        t = _RawType(
            kind,
            self.qualify(self.attr(attrs, "Name", element)),
            attrs.get("BaseType"),
            self.flag(attrs, "Abstract", False),
            self.flag(attrs, "OpenType", False),
            self.flag(attrs, "HasStream", False),
            self.line,
        )
        self.types.append(t)
        self.current_type = t

    def on_EntityType(self, parent: str, attrs: Mapping[str, str]) -> None:
        self.structured("entity", parent, attrs)

    def on_ComplexType(self, parent: str, attrs: Mapping[str, str]) -> None:
        self.structured("complex", parent, attrs)

    def on_PropertyRef(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "Key" and self.current_type is not None:
            self.current_type.key.append(self.attr(attrs, "Name", "PropertyRef"))

    def on_Property(self, parent: str, attrs: Mapping[str, str]) -> None:
        if self.current_type is None or parent not in ("EntityType", "ComplexType"):
            return
        name = self.attr(attrs, "Name", "Property")
        self.current_type.properties.append(
            (name, self.attr(attrs, "Type", "Property"), self.flag(attrs, "Nullable", True))
        )

    def on_NavigationProperty(self, parent: str, attrs: Mapping[str, str]) -> None:
        if self.current_type is None or parent not in ("EntityType", "ComplexType"):
            return
        self.current_type.navigation.append(
            (
                self.attr(attrs, "Name", "NavigationProperty"),
                self.attr(attrs, "Type", "NavigationProperty"),
                self.flag(attrs, "Nullable", True),
                self.flag(attrs, "ContainsTarget", False),
            )
        )

    def on_EnumType(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent != "Schema" or self.namespace is None:
            return
        members: list[str] = []
        name = self.qualify(self.attr(attrs, "Name", "EnumType"))
        self.enums.append((name, self.flag(attrs, "IsFlags", False), members, self.line))
        self.current_enum = members

    def on_Member(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "EnumType" and self.current_enum is not None:
            self.current_enum.append(self.attr(attrs, "Name", "Member"))

    def on_TypeDefinition(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "Schema" and self.namespace is not None:
            name = self.qualify(self.attr(attrs, "Name", "TypeDefinition"))
            self.typedefs[name] = self.attr(attrs, "UnderlyingType", "TypeDefinition")

    def operation(self, kind: str, parent: str, attrs: Mapping[str, str]) -> None:
        if parent != "Schema" or self.namespace is None:
            return
        element = "Action" if kind == "action" else "Function"
        op = _RawOperation(
            kind,
            self.namespace,
            self.attr(attrs, "Name", element),
            self.flag(attrs, "IsBound", False),
            self.flag(attrs, "IsComposable", False),
            self.line,
        )
        self.operations.append(op)
        self.current_op = op

    def on_Action(self, parent: str, attrs: Mapping[str, str]) -> None:
        self.operation("action", parent, attrs)

    def on_Function(self, parent: str, attrs: Mapping[str, str]) -> None:
        self.operation("function", parent, attrs)

    def on_Parameter(self, parent: str, attrs: Mapping[str, str]) -> None:
        if self.current_op is not None and parent in ("Action", "Function"):
            self.current_op.parameters.append(
                (
                    self.attr(attrs, "Name", "Parameter"),
                    self.attr(attrs, "Type", "Parameter"),
                    self.flag(attrs, "Nullable", True),
                )
            )

    def on_ReturnType(self, parent: str, attrs: Mapping[str, str]) -> None:
        if self.current_op is not None and parent in ("Action", "Function"):
            self.current_op.returns = (
                self.attr(attrs, "Type", "ReturnType"),
                self.flag(attrs, "Nullable", True),
            )

    def on_EntityContainer(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "Schema":
            self.container = self.attr(attrs, "Name", "EntityContainer")

    def on_EntitySet(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "EntityContainer":
            name = self.attr(attrs, "Name", "EntitySet")
            self.entity_sets[name] = self.attr(attrs, "EntityType", "EntitySet")

    def on_Singleton(self, parent: str, attrs: Mapping[str, str]) -> None:
        if parent == "EntityContainer":
            self.singletons[self.attr(attrs, "Name", "Singleton")] = self.attr(
                attrs, "Type", "Singleton"
            )

    # -- resolution

    def resolve(self, text: str) -> tuple[str, bool]:
        """``Collection(graph.x)`` -> (``microsoft.graph.x``, True)."""
        text = text.strip()
        collection = text.startswith("Collection(") and text.endswith(")")
        if collection:
            text = text[len("Collection(") : -1].strip()
        return self.resolve_name(text), collection

    def resolve_name(self, name: str) -> str:
        prefix, _, local = name.rpartition(".")
        if prefix in self.aliases:
            name = f"{self.aliases[prefix]}.{local}"
        seen = 0
        while name in self.typedefs and seen < 16:  # a type definition is its underlying type
            name = self.resolve_name(self.typedefs[name])
            seen += 1
        return name

    def result(self) -> Metadata:
        structured: dict[str, StructuredType] = {}
        for t in self.types:
            if t.name in structured:
                raise InputError(f"type {t.name} is declared twice", file=self.source, line=t.line)
            props = []
            for name, type_text, nullable in t.properties:
                qualified, coll = self.resolve(type_text)
                props.append(Property(name, qualified, coll, nullable))
            navs = []
            for name, type_text, nullable, contains in t.navigation:
                qualified, coll = self.resolve(type_text)
                navs.append(NavigationProperty(name, qualified, coll, nullable, contains))
            structured[t.name] = StructuredType(
                t.kind,
                t.name,
                self.resolve_name(t.base) if t.base else None,
                t.abstract,
                t.open_type,
                t.has_stream,
                tuple(props),
                tuple(navs),
                tuple(t.key),
                tuple(tuple(k) for k in t.alternate_keys if k),
            )
        enums: dict[str, EnumType] = {}
        for name, flags, members, line in self.enums:
            if name in enums or name in structured:
                raise InputError(f"type {name} is declared twice", file=self.source, line=line)
            enums[name] = EnumType(name, tuple(members), flags)
        return Metadata(
            self.source,
            tuple(self.namespaces),
            structured,
            enums,
            tuple(self.operation_value(o) for o in self.operations),
            self.container,
            {k: self.resolve_name(v) for k, v in self.entity_sets.items()},
            {k: self.resolve_name(v) for k, v in self.singletons.items()},
        )

    def operation_value(self, o: _RawOperation) -> Operation:
        params = [
            Parameter(name, *self.resolve(type_text), nullable)
            for name, type_text, nullable in o.parameters
        ]
        binding: Parameter | None = None
        if o.bound:
            if not params:
                raise InputError(
                    f"bound {o.kind} {o.name} has no binding parameter",
                    file=self.source,
                    line=o.line,
                )
            binding, params = params[0], params[1:]
        returns = None
        if o.returns is not None:
            qualified, coll = self.resolve(o.returns[0])
            returns = ReturnType(qualified, coll, o.returns[1])
        return Operation(
            o.kind,
            o.namespace,
            o.name,
            o.bound,
            binding.type if binding else None,
            binding.collection if binding else False,
            tuple(params),
            returns,
            o.composable,
        )


def parse_csdl(data: bytes, source: str = "<metadata>") -> Metadata:
    """Parse CSDL bytes (any encoding the XML declaration names; UTF-8 by default)."""
    parser = expat.ParserCreate()
    reader = _Reader(source, parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = reader.doctype
    parser.EntityDeclHandler = reader.entity
    parser.UnparsedEntityDeclHandler = reader.entity
    parser.ExternalEntityRefHandler = reader.external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    enabled = gc.isenabled()
    gc.disable()  # as in `Metadata.from_json`: many small objects, no cycles to collect
    try:
        parser.Parse(data, True)
        return reader.result()
    except _Refused as exc:
        raise InputError(str(exc), file=source, line=reader.line) from None
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise InputError(
            f"malformed metadata XML: {message}", file=source, line=exc.lineno
        ) from None
    finally:
        if enabled:
            gc.enable()


def _read_capped(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes, refused as soon as more than ``max_bytes`` have been read."""
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as handle:
            while True:
                chunk = handle.read(min(_CHUNK, max_bytes + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise InputError(
                        f"metadata file is larger than {max_bytes} bytes; refused", file=source
                    )
                chunks.append(chunk)
    except FileNotFoundError:
        raise InputError("metadata file not found", file=source) from None
    except IsADirectoryError:
        raise InputError("metadata path is a folder, not a file", file=source) from None
    except OSError as exc:
        raise InputError(f"metadata file cannot be read: {exc.strerror}", file=source) from None
    return b"".join(chunks)


def load_metadata(path: Path | str, *, max_bytes: int = MAX_BYTES) -> Metadata:
    """Read a CSDL file, once per process and through the on-disk cache.

    Raises `InputError` (with file and line) for a missing, oversized or malformed file.
    """
    p = Path(path)
    try:
        stat = p.stat()
    except FileNotFoundError:
        raise InputError("metadata file not found", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"metadata file cannot be read: {exc.strerror}", file=str(path)) from None
    return _load(str(p.resolve()), stat.st_mtime_ns, stat.st_size, max_bytes, str(path))


@functools.lru_cache(maxsize=8)
def _load(resolved: str, mtime_ns: int, size: int, max_bytes: int, source: str) -> Metadata:
    data = _read_capped(Path(resolved), source, max_bytes)
    cache = Cache("csdl")
    digest = key(hashlib.sha256(data).hexdigest(), READER_VERSION)
    text = cache.get(digest)
    if text is not None:
        try:
            return Metadata.from_json(text, source)
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # a damaged or foreign entry: parse again and overwrite it
    metadata = parse_csdl(data, source)
    cache.put(digest, metadata.to_json())
    return metadata
