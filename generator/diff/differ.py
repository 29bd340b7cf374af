"""`apigen diff`: classify the changes between two OpenAPI 3.0.x specs for users of the SDK.

Every change gets a check id from `CHECKS` (the one registry of what we detect), a level
(breaking / non-breaking / info), a JSON pointer and a one-line message. The levels are judged
from the point of view of code written against the *generated Python SDK*: a vanished model
field, a renamed method (operationId) or a renamed path parameter (a keyword argument) breaks
callers even where the wire format would not.

Decisions worth knowing:

- Direction. A schema used in request bodies/parameters is judged by request rules (narrowing
  what the SDK may send breaks callers), one used in responses by response rules (widening
  what the server may return, or making a value nullable, breaks callers). A component's
  directions come from every place that reaches it (properties, items, ``allOf`` bases, and
  types deriving from a used base, as with Graph's ``@odata.type`` polymorphism). A schema
  used both ways reports the most severe verdict; an unused schema is still an SDK model, so
  it is judged both ways.
- Components are compared once, under ``/components/schemas``; a ``$ref`` to the same
  component on both sides is not re-walked where it is used.
- Enums: removing a member is breaking everywhere. Adding one is non-breaking in requests; in
  responses it is non-breaking for an evolvable enum (one with ``unknownFutureValue``: the SDK
  maps unknown members onto it, as Graph clients do) and breaking otherwise (an older SDK
  rejects the new value).
- Bump: any breaking change -> major, else any non-breaking change -> minor (additions,
  widenings, deprecations), else any info change (docs, examples, version) -> patch, else none.
  `next_version` applies it; in 0.x the bump shifts down one place (breaking -> 0.(y+1).0,
  anything else -> 0.y.(z+1)), the convention of Cargo and npm caret ranges, so ``~=0.y``
  pins stay safe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from generator.errors import InputError
from generator.spec.openapi import HTTP_METHODS

__all__ = [
    "CHECKS",
    "Change",
    "CheckInfo",
    "DiffReport",
    "checks_markdown_table",
    "diff_specs",
    "next_version",
    "render_changelog",
    "render_json",
    "render_markdown",
    "render_text",
    "should_fail",
]

Level = Literal["breaking", "non-breaking", "info"]
Side = Literal["old", "new"]
Bump = Literal["major", "minor", "patch", "none"]
FailOn = Literal["breaking", "any", "none"]
Section = Literal["Added", "Changed", "Deprecated", "Removed", "Documentation"]

_LEVEL_RANK: Mapping[str, int] = {"breaking": 2, "non-breaking": 1, "info": 0}
_SECTIONS: tuple[Section, ...] = (
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Documentation",
)


class CheckInfo(NamedTuple):
    """One registry entry: the level a change gets, what it means, and its changelog section.

    Breaking changes are always listed first in a changelog, whatever their section.
    """

    level: Level
    explanation: str
    section: Section


def _check(level: Level, section: Section, explanation: str) -> CheckInfo:
    return CheckInfo(level, explanation, section)


_B: Level = "breaking"
_N: Level = "non-breaking"
_I: Level = "info"

# The registry: every check id apigen diff can report. Docs and tests are generated from it.
CHECKS: Mapping[str, CheckInfo] = MappingProxyType(
    {
        # API-wide
        "api-version-changed": _check(_I, "Documentation", "info.version changed."),
        "description-changed": _check(
            _I,
            "Documentation",
            "A title, summary or description changed (docstrings only).",
        ),
        "example-changed": _check(_I, "Documentation", "An example changed (docs only)."),
        "default-server-changed": _check(
            _N,
            "Changed",
            "The first server URL changed: Client's default base_url moves.",
        ),
        "server-added": _check(_I, "Added", "A further server URL was listed."),
        "server-removed": _check(_I, "Removed", "A further (not the default) server was dropped."),
        # security
        "security-added": _check(_B, "Changed", "Authentication is now required where none was."),
        "security-removed": _check(_N, "Removed", "Authentication is no longer required."),
        "security-alternative-added": _check(
            _N, "Added", "A new way to authenticate (security requirement) is accepted."
        ),
        "security-alternative-removed": _check(
            _B,
            "Removed",
            "A way to authenticate (scheme or scope set) is no longer accepted.",
        ),
        "security-scheme-added": _check(_I, "Added", "A security scheme was declared."),
        "security-scheme-removed": _check(_B, "Removed", "A security scheme was removed."),
        "security-scheme-changed": _check(
            _B, "Changed", "A security scheme's type, location or flow URLs changed."
        ),
        # paths and operations
        "path-added": _check(_N, "Added", "A new path: new client methods."),
        "path-removed": _check(_B, "Removed", "A path was removed: its client methods vanish."),
        "path-parameter-renamed": _check(
            _B,
            "Changed",
            "A path parameter was renamed: the method's keyword argument changes.",
        ),
        "operation-added": _check(_N, "Added", "A new operation: a new client method."),
        "operation-removed": _check(
            _B, "Removed", "An operation was removed: its method vanishes."
        ),
        "operation-id-changed": _check(
            _B, "Changed", "The operationId changed: the SDK method is renamed."
        ),
        "operation-id-removed": _check(
            _B,
            "Changed",
            "The operationId was dropped: the SDK method name is derived anew.",
        ),
        "operation-id-added": _check(
            _B, "Changed", "An operationId was set: the SDK method is renamed after it."
        ),
        "operation-deprecated": _check(_N, "Deprecated", "An operation was deprecated."),
        "undeprecated": _check(_I, "Changed", "A deprecation was withdrawn."),
        # parameters
        "parameter-removed": _check(
            _B,
            "Removed",
            "A parameter was removed: callers passing it get a TypeError.",
        ),
        "required-parameter-added": _check(
            _B, "Changed", "A new required parameter: existing calls lack an argument."
        ),
        "optional-parameter-added": _check(_N, "Added", "A new optional parameter."),
        "parameter-location-changed": _check(
            _B,
            "Changed",
            "A parameter moved (e.g. query to header): older SDKs send it wrong.",
        ),
        "parameter-became-required": _check(
            _B, "Changed", "An optional parameter became required."
        ),
        "parameter-became-optional": _check(_N, "Changed", "A required parameter became optional."),
        "parameter-deprecated": _check(_N, "Deprecated", "A parameter was deprecated."),
        # request bodies
        "required-request-body-added": _check(
            _B, "Changed", "An operation now requires a request body."
        ),
        "optional-request-body-added": _check(
            _N, "Added", "An operation accepts an optional request body."
        ),
        "request-body-removed": _check(
            _B,
            "Removed",
            "The request body was removed: the method's body argument vanishes.",
        ),
        "request-body-became-required": _check(_B, "Changed", "The request body became required."),
        "request-body-became-optional": _check(_N, "Changed", "The request body became optional."),
        "request-media-type-added": _check(_N, "Added", "A request body media type was added."),
        "request-media-type-removed": _check(
            _B, "Removed", "A request body media type was removed."
        ),
        # responses
        "response-success-status-added": _check(_N, "Added", "A new success status code."),
        "response-success-status-removed": _check(
            _B,
            "Removed",
            "A success status code was removed: the method's return changes.",
        ),
        "response-error-status-added": _check(_N, "Added", "A new documented error response."),
        "response-error-status-removed": _check(
            _N, "Removed", "A documented error response was removed."
        ),
        "response-media-type-added": _check(_N, "Added", "A response media type was added."),
        "response-media-type-removed": _check(
            _B,
            "Removed",
            "A response media type was removed (or the body was dropped).",
        ),
        # components
        "schema-added": _check(_N, "Added", "A new schema: a new SDK model or enum."),
        "schema-removed": _check(
            _B, "Removed", "A schema was removed: its SDK model or enum vanishes."
        ),
        "schema-deprecated": _check(_N, "Deprecated", "A schema was deprecated."),
        "schema-ref-changed": _check(
            _B,
            "Changed",
            "A value now refers to a different schema: its SDK type changes.",
        ),
        "base-added": _check(_N, "Changed", "A model gained a base type (allOf $ref)."),
        "base-removed": _check(
            _B,
            "Changed",
            "A model lost a base type: isinstance checks and inherited fields go.",
        ),
        "base-changed": _check(_B, "Changed", "A model's base type was replaced."),
        "discriminator-changed": _check(
            _B, "Changed", "The discriminator property was added, removed or renamed."
        ),
        "discriminator-mapping-added": _check(
            _N, "Added", "A discriminator value was mapped to a type."
        ),
        "discriminator-mapping-removed": _check(
            _B, "Removed", "A discriminator value no longer maps to a type."
        ),
        "discriminator-mapping-changed": _check(
            _B, "Changed", "A discriminator value maps to a different type."
        ),
        # schema values (any direction)
        "type-changed": _check(_B, "Changed", "A value's type changed: its SDK type changes."),
        "request-type-widened": _check(
            _N,
            "Changed",
            "A request value went from integer to number (ints still accepted).",
        ),
        "response-type-narrowed": _check(
            _N,
            "Changed",
            "A response value went from number to integer (an int is a float).",
        ),
        "format-changed": _check(
            _B,
            "Changed",
            "A value's format changed (e.g. int32 to int64, string to date-time).",
        ),
        "enum-value-removed": _check(
            _B, "Removed", "An enum member was removed: the SDK enum loses a member."
        ),
        "request-enum-value-added": _check(_N, "Added", "A request enum gained a member."),
        "response-enum-value-added": _check(
            _B,
            "Changed",
            "A non-evolvable response enum gained a member older SDKs reject.",
        ),
        "response-evolvable-enum-value-added": _check(
            _N,
            "Added",
            "An evolvable (unknownFutureValue) response enum gained a member.",
        ),
        "became-enum": _check(_B, "Changed", "A free value became an enum: its SDK type changes."),
        "request-enum-removed": _check(
            _N, "Changed", "A request value is no longer limited to an enum."
        ),
        "response-enum-removed": _check(
            _B,
            "Changed",
            "A response value is no longer limited to an enum: any value may come.",
        ),
        "request-became-nullable": _check(_N, "Changed", "A request value now accepts null."),
        "request-became-not-nullable": _check(
            _B, "Changed", "A request value no longer accepts null."
        ),
        "response-became-nullable": _check(
            _B, "Changed", "A response value may now be null: its SDK type gains None."
        ),
        "response-became-not-nullable": _check(
            _N, "Changed", "A response value is no longer null."
        ),
        "request-constraint-narrowed": _check(
            _B,
            "Changed",
            "A request bound was added or tightened (max*/min*/multipleOf/...).",
        ),
        "request-constraint-widened": _check(
            _N, "Changed", "A request bound was removed or loosened."
        ),
        "response-constraint-narrowed": _check(
            _N, "Changed", "A response bound was added or tightened."
        ),
        "response-constraint-widened": _check(
            _B,
            "Changed",
            "A response bound was removed or loosened: values may exceed it.",
        ),
        "request-pattern-changed": _check(
            _B, "Changed", "A request value's pattern was added or changed."
        ),
        "request-pattern-removed": _check(_N, "Changed", "A request value's pattern was removed."),
        "response-pattern-changed": _check(
            _I, "Changed", "A response value's pattern was added, changed or removed."
        ),
        "request-default-changed": _check(
            _B,
            "Changed",
            "A request default changed: callers omitting the value get another.",
        ),
        "response-default-changed": _check(_I, "Changed", "A response default changed."),
        # properties
        "request-property-removed": _check(
            _B, "Removed", "A request property was removed: the SDK field vanishes."
        ),
        "response-property-removed": _check(
            _B, "Removed", "A response property was removed: the SDK field vanishes."
        ),
        "request-required-property-added": _check(
            _B, "Changed", "A new required request property: existing calls lack it."
        ),
        "request-optional-property-added": _check(_N, "Added", "A new optional request property."),
        "response-property-added": _check(_N, "Added", "A new response property."),
        "request-property-became-required": _check(
            _B, "Changed", "An optional request property became required."
        ),
        "request-property-became-optional": _check(
            _N, "Changed", "A required request property became optional."
        ),
        "response-property-became-required": _check(
            _N, "Changed", "An optional response property is now always present."
        ),
        "response-property-became-optional": _check(
            _B,
            "Changed",
            "A required response property became optional: its type gains UNSET.",
        ),
        "request-property-became-read-only": _check(
            _B,
            "Changed",
            "A request property became read-only: the SDK stops sending it.",
        ),
        "request-property-became-writable": _check(
            _N, "Changed", "A read-only property can now be sent."
        ),
        "property-deprecated": _check(_N, "Deprecated", "A property was deprecated."),
    }
)

_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum")
_FLAG_BOUNDS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")
_REQ = "request"
_RESP = "response"
_BOTH: frozenset[str] = frozenset({_REQ, _RESP})
_OWN = ""  # source marker of a property declared on the schema itself


@dataclass(frozen=True)
class Change:
    """One classified change; ``pointer`` is into the NEW spec, or the OLD one when ``side`` is old
    (removals), so a reviewer can always open the place it names."""

    check_id: str
    level: Level
    pointer: str
    message: str
    side: Side


@dataclass(frozen=True)
class DiffReport:
    """All changes (sorted by pointer, then check id) and the semver bump they imply."""

    changes: tuple[Change, ...]
    bump: Bump

    def _at(self, level: Level) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.level == level)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return self._at("breaking")

    @property
    def non_breaking(self) -> tuple[Change, ...]:
        return self._at("non-breaking")

    @property
    def info(self) -> tuple[Change, ...]:
        return self._at("info")

    @property
    def counts(self) -> dict[str, int]:
        """Changes per level, every level present (0 when none)."""
        return {level: len(self._at(level)) for level in ("breaking", "non-breaking", "info")}


# ---------------------------------------------------------------------------- helpers


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _ptr(base: str, *tokens: str) -> str:
    return base + "".join("/" + _esc(t) for t in tokens)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _q(value: Any) -> str:
    """Quote a spec value for a message: JSON keeps hostile text on one line."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _ref_name(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return last.replace("~1", "/").replace("~0", "~")


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _pick(dirs: frozenset[str], request_id: str | None, response_id: str | None) -> str | None:
    """The most severe check that applies in the directions a value is used in."""
    candidates = []
    if _REQ in dirs and request_id is not None:
        candidates.append(request_id)
    if _RESP in dirs and response_id is not None:
        candidates.append(response_id)
    if not candidates:
        return None
    return max(candidates, key=lambda cid: _LEVEL_RANK[CHECKS[cid].level])


@dataclass(frozen=True)
class _Unwrapped:
    """A schema seen through the ref wrappers Graph specs use (``anyOf`` nullable form etc.)."""

    ref: str | None
    nullable: bool
    schema: Mapping[str, Any]
    pointer: str


@dataclass(frozen=True)
class _Prop:
    schema: Mapping[str, Any]
    pointer: str
    source: str  # _OWN or the $ref of the direct base it is inherited through


@dataclass(frozen=True)
class _Shape:
    props: dict[str, _Prop]
    required: frozenset[str]
    bases: frozenset[str]  # every base $ref, transitively


# ---------------------------------------------------------------------------- the differ


class _Differ:
    """Walks both documents side by side and collects changes."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.docs: dict[Side, Mapping[str, Any]] = {"old": old, "new": new}
        self.changes: dict[tuple[str, str, str, str], Change] = {}
        self.usage: dict[Side, dict[str, set[str]]] = {
            "old": _usage(self, "old"),
            "new": _usage(self, "new"),
        }
        self.seen_pairs: set[tuple[str, str]] = set()

    # -- output

    def emit(self, check_id: str, side: Side, pointer: str, message: str) -> None:
        """Record a change once: a place reached twice (a shared parameter, a base seen
        from two children) reports once per distinct message."""
        text = _one_line(message)
        key = (side, pointer, check_id, text)
        if key not in self.changes:
            level = CHECKS[check_id].level
            self.changes[key] = Change(check_id, level, pointer, text, side)

    def emit_at(self, check_id: str, po: str, pn: str, present_in_new: bool, msg: str) -> None:
        """Point into NEW when the thing still exists there, else into OLD."""
        if present_in_new:
            self.emit(check_id, "new", pn, msg)
        else:
            self.emit(check_id, "old", po, msg)

    # -- $ref resolution

    def deref(self, side: Side, node: Any, pointer: str) -> tuple[Mapping[str, Any], str]:
        """Follow a chain of local ``$ref``s; cycle-safe, bad refs are an InputError."""
        seen: set[str] = set()
        current: Any = node
        where = pointer
        while isinstance(current, Mapping) and isinstance(current.get("$ref"), str):
            ref: str = current["$ref"]
            if ref in seen:
                raise InputError(f"$ref cycle through {ref!r}", pointer=where)
            seen.add(ref)
            current = self.resolve(side, ref, where)
            where = ref[1:]
        return _map(current), where

    def resolve(self, side: Side, ref: str, where: str) -> Any:
        if not ref.startswith("#/"):
            raise InputError(
                f"{side} spec: only local $refs are supported, got {ref!r}",
                pointer=where,
            )
        value: Any = self.docs[side]
        for raw in ref[2:].split("/"):
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(value, Mapping) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise InputError(f"{side} spec: $ref {ref!r} does not resolve", pointer=where)
        return value

    # -- top level

    def run(self) -> None:
        self.compare_info()
        self.compare_servers()
        self.compare_security_schemes()
        old_sec, new_sec = self.docs["old"].get("security"), self.docs["new"].get("security")
        self.compare_security(old_sec, new_sec, "/security", "/security", "the API")
        self.compare_paths()
        self.compare_components()

    def compare_docs(
        self, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, what: str
    ) -> None:
        """Description-like and example changes: info level, docstrings only."""
        for key in ("title", "summary", "description"):
            if o.get(key) != n.get(key):
                self.emit_at(
                    "description-changed",
                    _ptr(po, key),
                    _ptr(pn, key),
                    key in n,
                    f"{what}: {key} changed",
                )
        for key in ("example", "examples"):
            if o.get(key) != n.get(key):
                self.emit_at(
                    "example-changed",
                    _ptr(po, key),
                    _ptr(pn, key),
                    key in n,
                    f"{what}: {key} changed",
                )

    def compare_info(self) -> None:
        o, n = _map(self.docs["old"].get("info")), _map(self.docs["new"].get("info"))
        if o.get("version") != n.get("version"):
            self.emit(
                "api-version-changed",
                "new",
                "/info/version",
                f"API version changed from {_q(o.get('version'))} to {_q(n.get('version'))}",
            )
        for key in ("title", "description"):
            if o.get(key) != n.get(key):
                self.emit_at(
                    "description-changed",
                    f"/info/{key}",
                    f"/info/{key}",
                    key in n,
                    f"API {key} changed",
                )

    def compare_servers(self) -> None:
        def urls(side: Side) -> list[str]:
            servers = self.docs[side].get("servers")
            if not isinstance(servers, list):
                return []
            return [str(_map(s).get("url", "")) for s in servers]

        old, new = urls("old"), urls("new")
        skip: set[str] = set()
        old_default = old[0] if old else "/"
        new_default = new[0] if new else "/"
        if old_default != new_default:
            skip = {old_default, new_default}
            self.emit_at(
                "default-server-changed",
                "/servers/0",
                "/servers/0",
                bool(new),
                f"default server changed from {_q(old_default)} to {_q(new_default)}",
            )
        for i, url in enumerate(old):
            if url not in new and url not in skip:
                self.emit(
                    "server-removed",
                    "old",
                    f"/servers/{i}",
                    f"server {_q(url)} removed",
                )
        for i, url in enumerate(new):
            if url not in old and url not in skip:
                self.emit("server-added", "new", f"/servers/{i}", f"server {_q(url)} added")

    # -- security

    def compare_security_schemes(self) -> None:
        o = _map(_map(self.docs["old"].get("components")).get("securitySchemes"))
        n = _map(_map(self.docs["new"].get("components")).get("securitySchemes"))
        base = "/components/securitySchemes"
        for name in sorted(set(o) | set(n)):
            po, pn = _ptr(base, name), _ptr(base, name)
            if name not in n:
                self.emit(
                    "security-scheme-removed",
                    "old",
                    po,
                    f"security scheme {_q(name)} removed",
                )
            elif name not in o:
                self.emit(
                    "security-scheme-added",
                    "new",
                    pn,
                    f"security scheme {_q(name)} added",
                )
            else:
                os_, _ = self.deref("old", o[name], po)
                ns_, _ = self.deref("new", n[name], pn)
                if _scheme_identity(os_) != _scheme_identity(ns_):
                    self.emit(
                        "security-scheme-changed",
                        "new",
                        pn,
                        f"security scheme {_q(name)} changed how clients authenticate",
                    )
                self.compare_docs(os_, ns_, po, pn, f"security scheme {_q(name)}")

    def compare_security(self, o: Any, n: Any, po: str, pn: str, what: str) -> None:
        old_alts, new_alts = _alternatives(o), _alternatives(n)
        if old_alts == new_alts:
            return
        if not old_alts:
            self.emit(
                "security-added",
                "new",
                pn,
                f"{what} now requires authentication ({_alts_text(new_alts)})",
            )
            return
        if not new_alts:
            self.emit(
                "security-removed",
                "old",
                po,
                f"{what} no longer requires authentication",
            )
            return
        gone = old_alts - new_alts
        if gone:
            self.emit(
                "security-alternative-removed",
                "new",
                pn,
                f"{what} no longer accepts {_alts_text(gone)}",
            )
        added = new_alts - old_alts
        if added:
            self.emit(
                "security-alternative-added",
                "new",
                pn,
                f"{what} now also accepts {_alts_text(added)}",
            )

    # -- paths and operations

    def compare_paths(self) -> None:
        o = _map(self.docs["old"].get("paths"))
        n = _map(self.docs["new"].get("paths"))
        old_keys = _path_keys(o)
        new_keys = _path_keys(n)
        for key in sorted(set(old_keys) | set(new_keys)):
            if key not in new_keys:
                path = old_keys[key]
                self.emit(
                    "path-removed",
                    "old",
                    _ptr("", "paths", path),
                    f"path {path} removed",
                )
            elif key not in old_keys:
                path = new_keys[key]
                self.emit("path-added", "new", _ptr("", "paths", path), f"path {path} added")
            else:
                self.compare_path(old_keys[key], new_keys[key], o[old_keys[key]], n[new_keys[key]])

    def compare_path(self, old_path: str, new_path: str, o_item: Any, n_item: Any) -> None:
        po, pn = _ptr("", "paths", old_path), _ptr("", "paths", new_path)
        oi, po = self.deref("old", o_item, po)
        ni, pn = self.deref("new", n_item, pn)
        renames: dict[str, str] = {}
        for old_name, new_name in zip(_path_params(old_path), _path_params(new_path)):
            if old_name != new_name:
                renames[old_name] = new_name
                self.emit(
                    "path-parameter-renamed",
                    "new",
                    pn,
                    f"path parameter {_q(old_name)} renamed to {_q(new_name)} in {new_path}",
                )
        for method in HTTP_METHODS:
            label = f"{method.upper()} {new_path}"
            if method in oi and method not in ni:
                self.emit(
                    "operation-removed",
                    "old",
                    _ptr(po, method),
                    f"{method.upper()} {old_path} removed",
                )
            elif method in ni and method not in oi:
                self.emit("operation-added", "new", _ptr(pn, method), f"{label} added")
            elif method in oi and method in ni:
                self.compare_operation(oi, ni, method, po, pn, label, renames)

    def compare_operation(
        self,
        o_item: Mapping[str, Any],
        n_item: Mapping[str, Any],
        method: str,
        item_po: str,
        item_pn: str,
        label: str,
        renames: Mapping[str, str],
    ) -> None:
        o, n = _map(o_item[method]), _map(n_item[method])
        po, pn = _ptr(item_po, method), _ptr(item_pn, method)
        oid, nid = o.get("operationId"), n.get("operationId")
        if oid != nid:
            if oid is None:
                self.emit(
                    "operation-id-added",
                    "new",
                    _ptr(pn, "operationId"),
                    f"{label}: operationId {_q(nid)} set",
                )
            elif nid is None:
                self.emit(
                    "operation-id-removed",
                    "old",
                    _ptr(po, "operationId"),
                    f"{label}: operationId {_q(oid)} removed",
                )
            else:
                self.emit(
                    "operation-id-changed",
                    "new",
                    _ptr(pn, "operationId"),
                    f"{label}: operationId changed from {_q(oid)} to {_q(nid)}",
                )
        self.compare_deprecated(o, n, po, pn, "operation-deprecated", label)
        self.compare_docs(o, n, po, pn, label)
        self.compare_parameters(o_item, n_item, o, n, item_po, item_pn, po, pn, label, renames)
        self.compare_request_body(o, n, po, pn, label)
        self.compare_responses(o, n, po, pn, label)
        if "security" in o or "security" in n:
            o_sec = o["security"] if "security" in o else self.docs["old"].get("security")
            n_sec = n["security"] if "security" in n else self.docs["new"].get("security")
            self.compare_security(
                o_sec,
                n_sec,
                _ptr(po, "security") if "security" in o else "/security",
                _ptr(pn, "security") if "security" in n else "/security",
                label,
            )

    def compare_deprecated(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        check_id: str,
        what: str,
    ) -> None:
        was, now = bool(o.get("deprecated")), bool(n.get("deprecated"))
        if now and not was:
            self.emit(check_id, "new", _ptr(pn, "deprecated"), f"{what} deprecated")
        elif was and not now:
            self.emit("undeprecated", "new", pn, f"{what} is no longer deprecated")

    def parameters(
        self,
        side: Side,
        item: Mapping[str, Any],
        op: Mapping[str, Any],
        item_p: str,
        op_p: str,
    ) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
        """Effective parameters keyed by (in, name): path-level ones overridden by the operation's."""
        result: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
        for owner, owner_p in ((item, item_p), (op, op_p)):
            params = owner.get("parameters")
            if not isinstance(params, list):
                continue
            for i, raw in enumerate(params):
                param, where = self.deref(side, raw, _ptr(owner_p, "parameters", str(i)))
                key = (str(param.get("in", "")), str(param.get("name", "")))
                result[key] = (param, where)
        return result

    def compare_parameters(
        self,
        o_item: Mapping[str, Any],
        n_item: Mapping[str, Any],
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        item_po: str,
        item_pn: str,
        po: str,
        pn: str,
        label: str,
        renames: Mapping[str, str],
    ) -> None:
        old_params = {
            ((loc, renames.get(name, name)) if loc == "path" else (loc, name)): value
            for (loc, name), value in self.parameters("old", o_item, o, item_po, po).items()
        }
        new_params = self.parameters("new", n_item, n, item_pn, pn)
        removed = sorted(set(old_params) - set(new_params))
        added = sorted(set(new_params) - set(old_params))
        for key in list(removed):
            moved = [a for a in added if a[1] == key[1]]
            if moved:
                target = moved[0]
                removed.remove(key)
                added.remove(target)
                self.emit(
                    "parameter-location-changed",
                    "new",
                    new_params[target][1],
                    f"{label}: parameter {_q(key[1])} moved from {key[0]} to {target[0]}",
                )
        for key in removed:
            self.emit(
                "parameter-removed",
                "old",
                old_params[key][1],
                f"{label}: {key[0]} parameter {_q(key[1])} removed",
            )
        for key in added:
            param, where = new_params[key]
            check = (
                "required-parameter-added" if param.get("required") else "optional-parameter-added"
            )
            kind = "required" if param.get("required") else "optional"
            self.emit(
                check,
                "new",
                where,
                f"{label}: new {kind} {key[0]} parameter {_q(key[1])}",
            )
        for key in sorted(set(old_params) & set(new_params)):
            (op_, opp), (np_, npp) = old_params[key], new_params[key]
            what = f"{label} {key[0]} parameter {_q(key[1])}"
            was, now = bool(op_.get("required")), bool(np_.get("required"))
            if now and not was:
                self.emit(
                    "parameter-became-required",
                    "new",
                    _ptr(npp, "required"),
                    f"{what} became required",
                )
            elif was and not now:
                self.emit("parameter-became-optional", "new", npp, f"{what} became optional")
            self.compare_deprecated(op_, np_, opp, npp, "parameter-deprecated", what)
            self.compare_docs(op_, np_, opp, npp, what)
            if isinstance(op_.get("schema"), Mapping) and isinstance(np_.get("schema"), Mapping):
                self.compare_schema(
                    op_["schema"],
                    np_["schema"],
                    _ptr(opp, "schema"),
                    _ptr(npp, "schema"),
                    frozenset({_REQ}),
                    "parameter",
                    what,
                )

    def compare_request_body(
        self, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, label: str
    ) -> None:
        if "requestBody" not in o and "requestBody" not in n:
            return
        if "requestBody" not in n:
            self.emit(
                "request-body-removed",
                "old",
                _ptr(po, "requestBody"),
                f"{label}: request body removed",
            )
            return
        nb, nbp = self.deref("new", n["requestBody"], _ptr(pn, "requestBody"))
        if "requestBody" not in o:
            if nb.get("required"):
                self.emit(
                    "required-request-body-added",
                    "new",
                    nbp,
                    f"{label}: now requires a request body",
                )
            else:
                self.emit(
                    "optional-request-body-added",
                    "new",
                    nbp,
                    f"{label}: accepts an optional request body",
                )
            return
        ob, obp = self.deref("old", o["requestBody"], _ptr(po, "requestBody"))
        was, now = bool(ob.get("required")), bool(nb.get("required"))
        if now and not was:
            self.emit(
                "request-body-became-required",
                "new",
                _ptr(nbp, "required"),
                f"{label}: request body became required",
            )
        elif was and not now:
            self.emit(
                "request-body-became-optional",
                "new",
                nbp,
                f"{label}: request body became optional",
            )
        self.compare_docs(ob, nb, obp, nbp, f"{label} request body")
        self.compare_content(
            ob, nb, obp, nbp, frozenset({_REQ}), "request", f"{label} request body"
        )

    def compare_content(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        prefix: str,
        what: str,
    ) -> None:
        oc, nc = _map(o.get("content")), _map(n.get("content"))
        for media in sorted(set(oc) | set(nc)):
            mo, mn = _ptr(po, "content", media), _ptr(pn, "content", media)
            if media not in nc:
                self.emit(
                    f"{prefix}-media-type-removed",
                    "old",
                    mo,
                    f"{what}: media type {_q(media)} removed",
                )
            elif media not in oc:
                self.emit(
                    f"{prefix}-media-type-added",
                    "new",
                    mn,
                    f"{what}: media type {_q(media)} added",
                )
            else:
                om, nm = _map(oc[media]), _map(nc[media])
                self.compare_docs(om, nm, mo, mn, f"{what} ({media})")
                if isinstance(om.get("schema"), Mapping) and isinstance(nm.get("schema"), Mapping):
                    self.compare_schema(
                        om["schema"],
                        nm["schema"],
                        _ptr(mo, "schema"),
                        _ptr(mn, "schema"),
                        dirs,
                        "body",
                        what,
                    )

    def compare_responses(
        self, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, label: str
    ) -> None:
        orr, nrr = _map(o.get("responses")), _map(n.get("responses"))
        for status in sorted(set(orr) | set(nrr), key=str):
            kind = "success" if str(status).startswith("2") else "error"
            so, sn = _ptr(po, "responses", str(status)), _ptr(pn, "responses", str(status))
            if status not in nrr:
                self.emit(
                    f"response-{kind}-status-removed",
                    "old",
                    so,
                    f"{label}: response {status} removed",
                )
            elif status not in orr:
                self.emit(
                    f"response-{kind}-status-added",
                    "new",
                    sn,
                    f"{label}: response {status} added",
                )
            else:
                ro, rop = self.deref("old", orr[status], so)
                rn, rnp = self.deref("new", nrr[status], sn)
                what = f"{label} response {status}"
                self.compare_docs(ro, rn, rop, rnp, what)
                self.compare_content(ro, rn, rop, rnp, frozenset({_RESP}), "response", what)

    # -- components

    def compare_components(self) -> None:
        o = _map(_map(self.docs["old"].get("components")).get("schemas"))
        n = _map(_map(self.docs["new"].get("components")).get("schemas"))
        for name in sorted(set(o) | set(n)):
            p = _ptr("/components/schemas", name)
            what = f"schema {_q(name)}"
            if name not in n:
                self.emit("schema-removed", "old", p, f"{what} removed")
            elif name not in o:
                self.emit("schema-added", "new", p, f"{what} added")
            else:
                ref = "#" + p
                dirs = frozenset(
                    self.usage["old"].get(ref, set()) | self.usage["new"].get(ref, set())
                )
                self.compare_schema(
                    _map(o[name]), _map(n[name]), p, p, dirs or _BOTH, "schema", what
                )

    # -- schemas

    def unwrap(self, schema: Mapping[str, Any], pointer: str, component: bool) -> _Unwrapped:
        """See through ``$ref``, ``anyOf/oneOf: [$ref, {nullable}]`` and ``allOf: [$ref]``."""
        if isinstance(schema.get("$ref"), str):
            return _Unwrapped(schema["$ref"], False, schema, pointer)
        for key in ("anyOf", "oneOf"):
            parts = schema.get(key)
            if isinstance(parts, list) and len(parts) >= 2:
                refs = [
                    p for p in parts if isinstance(p, Mapping) and isinstance(p.get("$ref"), str)
                ]
                nulls = [p for p in parts if isinstance(p, Mapping) and _is_null_only(p)]
                if len(refs) == 1 and len(refs) + len(nulls) == len(parts):
                    return _Unwrapped(refs[0]["$ref"], True, schema, pointer)
        parts = schema.get("allOf")
        if (
            not component
            and isinstance(parts, list)
            and len(parts) == 1
            and isinstance(parts[0], Mapping)
            and isinstance(parts[0].get("$ref"), str)
            and "properties" not in schema
        ):
            return _Unwrapped(parts[0]["$ref"], bool(schema.get("nullable")), schema, pointer)
        return _Unwrapped(None, bool(schema.get("nullable")), schema, pointer)

    def compare_schema(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        kind: str,
        what: str,
    ) -> None:
        """Compare two schemas used in ``dirs``; ``kind`` is schema/property/body/parameter/items."""
        deprecated_check = "property-deprecated" if kind == "property" else "schema-deprecated"
        self.compare_deprecated(o, n, po, pn, deprecated_check, what)
        self.compare_docs(o, n, po, pn, what)
        component = kind == "schema"
        uo, un = self.unwrap(o, po, component), self.unwrap(n, pn, component)
        if uo.nullable != un.nullable:
            if un.nullable:
                check = _pick(dirs, "request-became-nullable", "response-became-nullable")
                self.emit_at(
                    check or "request-became-nullable",
                    po,
                    pn,
                    True,
                    f"{what} became nullable",
                )
            else:
                check = _pick(dirs, "request-became-not-nullable", "response-became-not-nullable")
                self.emit_at(
                    check or "request-became-not-nullable",
                    po,
                    pn,
                    True,
                    f"{what} is no longer nullable",
                )
        if uo.ref is not None and un.ref is not None:
            if uo.ref != un.ref:
                self.emit(
                    "schema-ref-changed",
                    "new",
                    pn,
                    f"{what} changed from {_q(_ref_name(uo.ref))} to {_q(_ref_name(un.ref))}",
                )
            return
        os_, pos = (self.deref("old", {"$ref": uo.ref}, po)) if uo.ref else (o, po)
        ns_, pns = (self.deref("new", {"$ref": un.ref}, pn)) if un.ref else (n, pn)
        if (pos, pns) in self.seen_pairs:
            return
        self.seen_pairs.add((pos, pns))
        self.compare_structure(os_, ns_, pos, pns, dirs, what)

    def compare_structure(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        what: str,
    ) -> None:
        ot, nt = _type_of(o), _type_of(n)
        type_changed = ot is not None and nt is not None and ot != nt
        if type_changed:
            widened = _pick(
                dirs,
                ("request-type-widened" if (ot, nt) == ("integer", "number") else "type-changed"),
                None,
            )
            narrowed = _pick(
                dirs,
                None,
                ("response-type-narrowed" if (ot, nt) == ("number", "integer") else "type-changed"),
            )
            check = max(
                (c for c in (widened, narrowed) if c is not None),
                key=lambda cid: _LEVEL_RANK[CHECKS[cid].level],
            )
            self.emit(
                check,
                "new",
                _ptr(pn, "type"),
                f"{what}: type changed from {ot} to {nt}",
            )
        elif o.get("format") != n.get("format"):
            self.emit_at(
                "format-changed",
                _ptr(po, "format"),
                _ptr(pn, "format"),
                "format" in n,
                f"{what}: format changed from {_q(o.get('format'))} to {_q(n.get('format'))}",
            )
        self.compare_enum(o, n, po, pn, dirs, what)
        self.compare_bounds(o, n, po, pn, dirs, what)
        if o.get("pattern") != n.get("pattern"):
            request = "request-pattern-removed" if "pattern" not in n else "request-pattern-changed"
            pattern_check = _pick(dirs, request, "response-pattern-changed")
            self.emit_at(
                pattern_check or request,
                _ptr(po, "pattern"),
                _ptr(pn, "pattern"),
                "pattern" in n,
                f"{what}: pattern changed from {_q(o.get('pattern'))} to {_q(n.get('pattern'))}",
            )
        if o.get("default") != n.get("default"):
            default_check = _pick(dirs, "request-default-changed", "response-default-changed")
            self.emit_at(
                default_check or "request-default-changed",
                _ptr(po, "default"),
                _ptr(pn, "default"),
                "default" in n,
                f"{what}: default changed from {_q(o.get('default'))} to {_q(n.get('default'))}",
            )
        self.compare_discriminator(o, n, po, pn, what)
        self.compare_bases(o, n, po, pn, what)
        self.compare_properties(o, n, po, pn, dirs, what)
        for key, suffix in (("items", "items"), ("additionalProperties", "values")):
            oi, ni = o.get(key), n.get(key)
            if isinstance(oi, Mapping) and isinstance(ni, Mapping):
                self.compare_schema(
                    oi,
                    ni,
                    _ptr(po, key),
                    _ptr(pn, key),
                    dirs,
                    "items",
                    f"{what} {suffix}",
                )

    def compare_enum(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        what: str,
    ) -> None:
        oe, ne = o.get("enum"), n.get("enum")
        if not isinstance(oe, list) and not isinstance(ne, list):
            return
        if not isinstance(oe, list):
            self.emit("became-enum", "new", _ptr(pn, "enum"), f"{what} became an enum")
            return
        if not isinstance(ne, list):
            check = _pick(dirs, "request-enum-removed", "response-enum-removed")
            self.emit(
                "response-enum-removed" if check is None else check,
                "old",
                _ptr(po, "enum"),
                f"{what} is no longer an enum",
            )
            return
        old_keys = {_q(v) for v in oe}
        new_keys = {_q(v) for v in ne}
        removed = [_q(v) for v in oe if _q(v) not in new_keys]
        added = [_q(v) for v in ne if _q(v) not in old_keys]
        if removed:
            self.emit(
                "enum-value-removed",
                "new",
                _ptr(pn, "enum"),
                f"{what}: enum members removed: {', '.join(removed)}",
            )
        if added:
            evolvable = "unknownFutureValue" in ne
            response = (
                "response-evolvable-enum-value-added" if evolvable else "response-enum-value-added"
            )
            check = _pick(dirs, "request-enum-value-added", response)
            self.emit(
                check or response,
                "new",
                _ptr(pn, "enum"),
                f"{what}: enum members added: {', '.join(added)}",
            )

    def compare_bounds(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        what: str,
    ) -> None:
        for key in _UPPER_BOUNDS + _LOWER_BOUNDS + _FLAG_BOUNDS + ("multipleOf",):
            ov, nv = o.get(key), n.get(key)
            if ov == nv:
                continue
            narrowed = _narrowed(key, ov, nv)
            if narrowed is None:
                continue
            check = _pick(
                dirs,
                ("request-constraint-narrowed" if narrowed else "request-constraint-widened"),
                ("response-constraint-narrowed" if narrowed else "response-constraint-widened"),
            )
            fallback = "request-constraint-narrowed" if narrowed else "request-constraint-widened"
            self.emit_at(
                check or fallback,
                _ptr(po, key),
                _ptr(pn, key),
                key in n,
                f"{what}: {key} changed from {_q(ov)} to {_q(nv)} ({'narrower' if narrowed else 'wider'})",
            )

    def compare_discriminator(
        self, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, what: str
    ) -> None:
        od, nd = _map(o.get("discriminator")), _map(n.get("discriminator"))
        if od.get("propertyName") != nd.get("propertyName"):
            self.emit_at(
                "discriminator-changed",
                _ptr(po, "discriminator"),
                _ptr(pn, "discriminator"),
                "discriminator" in n,
                f"{what}: discriminator changed from {_q(od.get('propertyName'))} to {_q(nd.get('propertyName'))}",
            )
        om, nm = _map(od.get("mapping")), _map(nd.get("mapping"))
        for value in sorted(set(om) | set(nm)):
            mo, mn = _ptr(po, "discriminator", "mapping", value), _ptr(
                pn, "discriminator", "mapping", value
            )
            if value not in nm:
                self.emit(
                    "discriminator-mapping-removed",
                    "old",
                    mo,
                    f"{what}: discriminator value {_q(value)} no longer mapped",
                )
            elif value not in om:
                self.emit(
                    "discriminator-mapping-added",
                    "new",
                    mn,
                    f"{what}: discriminator value {_q(value)} now maps to {_q(nm[value])}",
                )
            elif om[value] != nm[value]:
                self.emit(
                    "discriminator-mapping-changed",
                    "new",
                    mn,
                    f"{what}: discriminator value {_q(value)} maps to {_q(nm[value])} instead of {_q(om[value])}",
                )

    def compare_bases(
        self, o: Mapping[str, Any], n: Mapping[str, Any], po: str, pn: str, what: str
    ) -> None:
        ob, nb = _direct_bases(o), _direct_bases(n)
        if set(ob) == set(nb):
            return
        gone = [r for r in ob if r not in nb]
        new = [r for r in nb if r not in ob]
        if gone and new:
            names = ", ".join(_q(_ref_name(r)) for r in gone)
            self.emit(
                "base-changed",
                "new",
                _ptr(pn, "allOf"),
                f"{what}: base {names} replaced by {', '.join(_q(_ref_name(r)) for r in new)}",
            )
        elif gone:
            self.emit(
                "base-removed",
                "old",
                _ptr(po, "allOf", str(ob[gone[0]])),
                f"{what}: base {', '.join(_q(_ref_name(r)) for r in gone)} removed",
            )
        else:
            self.emit(
                "base-added",
                "new",
                _ptr(pn, "allOf", str(nb[new[0]])),
                f"{what}: base {', '.join(_q(_ref_name(r)) for r in new)} added",
            )

    def shape(self, side: Side, schema: Mapping[str, Any], pointer: str) -> _Shape:
        """Properties of an object with its ``allOf`` bases merged in (own ones win)."""
        props: dict[str, _Prop] = {}
        required: set[str] = set()
        bases: set[str] = set()

        def collect(s: Mapping[str, Any], p: str, source: str, seen: set[str]) -> None:
            for name, ps in _map(s.get("properties")).items():
                if name not in props and isinstance(ps, Mapping):
                    props[name] = _Prop(ps, _ptr(p, "properties", name), source)
            req = s.get("required")
            if isinstance(req, list):
                required.update(str(r) for r in req)
            parts = s.get("allOf")
            for i, part in enumerate(parts if isinstance(parts, list) else []):
                if not isinstance(part, Mapping):
                    continue
                part_p = _ptr(p, "allOf", str(i))
                ref = part.get("$ref")
                if isinstance(ref, str):
                    if ref in seen:
                        continue
                    bases.add(ref)
                    target, target_p = self.deref(side, part, part_p)
                    collect(
                        target,
                        target_p,
                        source if source != _OWN else ref,
                        seen | {ref},
                    )
                else:
                    collect(part, part_p, source, seen)

        collect(schema, pointer, _OWN, set())
        return _Shape(props, frozenset(required), frozenset(bases))

    def compare_properties(
        self,
        o: Mapping[str, Any],
        n: Mapping[str, Any],
        po: str,
        pn: str,
        dirs: frozenset[str],
        what: str,
    ) -> None:
        if not any(k in s for s in (o, n) for k in ("properties", "allOf")):
            return
        so, sn = self.shape("old", o, po), self.shape("new", n, pn)
        for name in sorted(set(so.props) | set(sn.props)):
            op_, np_ = so.props.get(name), sn.props.get(name)
            label = f"{what} property {_q(name)}"
            if op_ is not None and np_ is not None:
                if op_.source != _OWN and op_.source == np_.source:
                    continue  # inherited from the same base on both sides: the base reports it
                pdirs = _property_dirs(dirs, op_.schema, np_.schema)
                self.compare_property(
                    op_,
                    np_,
                    name in so.required,
                    name in sn.required,
                    dirs,
                    pdirs,
                    label,
                )
            elif op_ is not None:
                if op_.source != _OWN and op_.source in sn.bases:
                    continue
                pdirs = _property_dirs(dirs, op_.schema, op_.schema)
                check = _pick(pdirs, "request-property-removed", "response-property-removed")
                self.emit(
                    check or "response-property-removed",
                    "old",
                    op_.pointer,
                    f"{label} removed",
                )
            elif np_ is not None:
                if np_.source != _OWN and np_.source in so.bases:
                    continue
                pdirs = _property_dirs(dirs, np_.schema, np_.schema)
                request = (
                    "request-required-property-added"
                    if name in sn.required
                    else "request-optional-property-added"
                )
                check = _pick(pdirs, request, "response-property-added")
                kind = "required" if name in sn.required else "optional"
                self.emit(
                    check or "response-property-added",
                    "new",
                    np_.pointer,
                    f"{label} added ({kind})",
                )

    def compare_property(
        self,
        op_: _Prop,
        np_: _Prop,
        was_required: bool,
        now_required: bool,
        dirs: frozenset[str],
        pdirs: frozenset[str],
        label: str,
    ) -> None:
        if now_required and not was_required:
            check = _pick(
                pdirs,
                "request-property-became-required",
                "response-property-became-required",
            )
            self.emit(
                check or "request-property-became-required",
                "new",
                np_.pointer,
                f"{label} became required",
            )
        elif was_required and not now_required:
            check = _pick(
                pdirs,
                "request-property-became-optional",
                "response-property-became-optional",
            )
            self.emit(
                check or "response-property-became-optional",
                "new",
                np_.pointer,
                f"{label} became optional",
            )
        if _REQ in dirs:
            was_ro, now_ro = bool(op_.schema.get("readOnly")), bool(np_.schema.get("readOnly"))
            if now_ro and not was_ro:
                self.emit(
                    "request-property-became-read-only",
                    "new",
                    _ptr(np_.pointer, "readOnly"),
                    f"{label} became read-only",
                )
            elif was_ro and not now_ro:
                self.emit(
                    "request-property-became-writable",
                    "new",
                    np_.pointer,
                    f"{label} is no longer read-only",
                )
        self.compare_schema(
            op_.schema, np_.schema, op_.pointer, np_.pointer, pdirs, "property", label
        )


# ---------------------------------------------------------------------------- pure helpers


def _is_null_only(schema: Mapping[str, Any]) -> bool:
    """``{nullable: true}`` (optionally with a type and nothing else): the null arm of a union."""
    return schema.get("nullable") is True and set(schema) <= {
        "nullable",
        "type",
        "description",
    }


def _type_of(schema: Mapping[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if any(k in schema for k in ("properties", "allOf", "additionalProperties")):
        return "object"
    if "items" in schema:
        return "array"
    return None


def _direct_bases(schema: Mapping[str, Any]) -> dict[str, int]:
    """``$ref``s listed directly in ``allOf``, with their index."""
    parts = schema.get("allOf")
    result: dict[str, int] = {}
    for i, part in enumerate(parts if isinstance(parts, list) else []):
        if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
            result.setdefault(part["$ref"], i)
    return result


def _property_dirs(
    dirs: frozenset[str], o: Mapping[str, Any], n: Mapping[str, Any]
) -> frozenset[str]:
    """A read-only property never travels in a request, a write-only one never in a response."""
    result = set(dirs)
    if o.get("readOnly") and n.get("readOnly"):
        result.discard(_REQ)
    if o.get("writeOnly") and n.get("writeOnly"):
        result.discard(_RESP)
    return frozenset(result) or frozenset({_RESP})


def _narrowed(key: str, ov: Any, nv: Any) -> bool | None:
    """Whether moving a bound from ``ov`` to ``nv`` accepts fewer values (None: no real change)."""
    if key in _FLAG_BOUNDS:
        if bool(ov) == bool(nv):
            return None
        return bool(nv)
    if nv is None:
        return False
    if ov is None:
        return True
    if not (_is_num(ov) and _is_num(nv)):
        return True
    if key in _UPPER_BOUNDS:
        return bool(nv < ov)
    if key in _LOWER_BOUNDS:
        return bool(nv > ov)
    # multipleOf: wider only when every old multiple is still a multiple of the new step
    return not (nv != 0 and float(ov / nv).is_integer())


def _scheme_identity(scheme: Mapping[str, Any]) -> Any:
    """What a client must do to authenticate with a scheme (descriptions and scopes left out)."""
    flows = {
        name: {
            k: v
            for k, v in _map(flow).items()
            if k in ("authorizationUrl", "tokenUrl", "refreshUrl")
        }
        for name, flow in _map(scheme.get("flows")).items()
    }
    keys = ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl")
    return _q({k: scheme.get(k) for k in keys} | {"flows": flows})


def _alternatives(
    requirements: Any,
) -> frozenset[tuple[tuple[str, tuple[str, ...]], ...]]:
    """A security requirement list as a set of alternatives, each a set of (scheme, scopes)."""
    if not isinstance(requirements, list):
        return frozenset()
    result = set()
    for req in requirements:
        items = tuple(
            sorted(
                (
                    str(name),
                    (tuple(sorted(str(s) for s in scopes)) if isinstance(scopes, list) else ()),
                )
                for name, scopes in _map(req).items()
            )
        )
        result.add(items)
    return frozenset(result)


def _alts_text(alts: Iterable[tuple[tuple[str, tuple[str, ...]], ...]]) -> str:
    texts = []
    for alt in sorted(alts):
        parts = [name + (f"({' '.join(scopes)})" if scopes else "") for name, scopes in alt]
        texts.append(" + ".join(parts) if parts else "anonymous")
    return " or ".join(_q(t) for t in texts)


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def _path_keys(paths: Mapping[str, Any]) -> dict[str, str]:
    """Paths keyed by their template with parameter names blanked, so renames still match."""
    result: dict[str, str] = {}
    for path in sorted(paths):
        key = re.sub(r"\{[^}]*\}", "{}", path)
        result[key if key not in result else path] = path
    return result


def _usage(differ: _Differ, side: Side) -> dict[str, set[str]]:
    """For each component schema ``$ref``, the directions (request/response) that reach it.

    Reaching a schema reaches its properties' types and its bases; reaching a schema from a
    use site (not as a base) also reaches the types deriving from it, which the server may
    send or accept in its place.
    """
    doc = differ.docs[side]
    schemas = _map(_map(doc.get("components")).get("schemas"))
    children: dict[str, list[str]] = {}
    for name in sorted(schemas):
        for ref in _direct_bases(_map(schemas[name])):
            children.setdefault(ref, []).append(_ptr("#/components/schemas", name))
    seeds: dict[str, list[Any]] = {_REQ: [], _RESP: []}
    for path, raw_item in sorted(_map(doc.get("paths")).items()):
        item, item_p = differ.deref(side, raw_item, _ptr("", "paths", path))
        ops = [(_map(item[m]), _ptr(item_p, m)) for m in HTTP_METHODS if m in item]
        for owner, owner_p in [(item, item_p)] + ops:
            params = owner.get("parameters")
            for i, raw in enumerate(params if isinstance(params, list) else []):
                seeds[_REQ].append(differ.deref(side, raw, _ptr(owner_p, "parameters", str(i)))[0])
        for op, op_p in ops:
            if "requestBody" in op:
                seeds[_REQ].append(
                    differ.deref(side, op["requestBody"], _ptr(op_p, "requestBody"))[0]
                )
            for status, raw in sorted(_map(op.get("responses")).items(), key=lambda kv: str(kv[0])):
                seeds[_RESP].append(
                    differ.deref(side, raw, _ptr(op_p, "responses", str(status)))[0]
                )
    usage: dict[str, set[str]] = {}
    for direction, nodes in seeds.items():
        down: set[str] = set()
        up_only: set[str] = set()
        queue: list[tuple[str, bool]] = []
        for node in nodes:
            queue.extend((ref, True) for ref in _refs_in(node, top=False))
        while queue:
            ref, allow_down = queue.pop()
            if not ref.startswith("#/components/schemas/"):
                continue
            if ref in down or (not allow_down and ref in up_only):
                continue
            (down if allow_down else up_only).add(ref)
            usage.setdefault(ref, set()).add(direction)
            target = differ.resolve(side, ref, ref[1:])
            for inner in _refs_in(target, top=True):
                queue.append((inner, True))
            for base in _direct_bases(_map(target)):
                queue.append((base, False))
            if allow_down:
                queue.extend((child, True) for child in children.get(ref, []))
    return usage


def _refs_in(node: Any, top: bool) -> list[str]:
    """Every schema ``$ref`` inside ``node`` (and discriminator mapping targets); with ``top``,
    the node's own ``allOf`` base refs are left out (the caller walks bases separately).
    """
    found: list[str] = []

    def walk(value: Any, is_top: bool) -> None:
        if isinstance(value, Mapping):
            ref = value.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            for key, child in value.items():
                if key == "allOf" and is_top and isinstance(child, list):
                    for part in child:
                        if not (isinstance(part, Mapping) and "$ref" in part):
                            walk(part, False)
                elif key == "discriminator" and isinstance(child, Mapping):
                    found.extend(str(v) for v in _map(child.get("mapping")).values())
                elif key not in ("example", "examples", "default", "enum"):
                    walk(child, False)
        elif isinstance(value, list):
            for child in value:
                walk(child, False)

    walk(node, top)
    return found


# ---------------------------------------------------------------------------- public API


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> DiffReport:
    """Classify every change from ``old`` to ``new`` (validated OpenAPI 3.0.x documents)."""
    differ = _Differ(old, new)
    differ.run()
    changes = tuple(
        sorted(
            differ.changes.values(),
            key=lambda c: (c.pointer, c.check_id, c.side, c.message),
        )
    )
    return DiffReport(changes, _bump_for(changes))


def _bump_for(changes: Iterable[Change]) -> Bump:
    levels = {c.level for c in changes}
    if "breaking" in levels:
        return "major"
    if "non-breaking" in levels:
        return "minor"
    if "info" in levels:
        return "patch"
    return "none"


_VERSION = re.compile(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?")


def next_version(current: str, bump: Bump) -> str:
    """The package version after ``bump``: ``X.Y.Z`` (a leading ``v`` and ``X.Y`` accepted).

    In 0.x the bump shifts down one place: major -> 0.(y+1).0, minor/patch -> 0.y.(z+1).
    Pre-release and build suffixes are refused: their successor is a release decision.
    """
    match = _VERSION.fullmatch(current.strip())
    if match is None:
        raise InputError(
            f"version {current!r} is not MAJOR.MINOR.PATCH (pre-releases are not bumped automatically)"
        )
    major, minor, patch = int(match[1]), int(match[2]), int(match[3] or 0)
    if bump == "none":
        return f"{major}.{minor}.{patch}"
    if bump not in ("major", "minor", "patch"):
        raise InputError(f"unknown bump {bump!r}: expected major, minor, patch or none")
    if major == 0:
        if bump == "major":
            return f"0.{minor + 1}.0"
        return f"0.{minor}.{patch + 1}"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def should_fail(report: DiffReport, fail_on: FailOn) -> bool:
    """Whether CI should fail: on any breaking change, on any change at all, or never."""
    if fail_on == "breaking":
        return bool(report.breaking)
    if fail_on == "any":
        return bool(report.changes)
    if fail_on == "none":
        return False
    raise InputError(f"unknown --fail-on value {fail_on!r}: expected breaking, any or none")


def _summary_line(report: DiffReport) -> str:
    counts = report.counts
    total = len(report.changes)
    noun = "change" if total == 1 else "changes"
    return (
        f"{total} {noun} ({counts['breaking']} breaking, {counts['non-breaking']} non-breaking, "
        f"{counts['info']} info); bump: {report.bump}"
    )


def render_text(report: DiffReport) -> str:
    """One line per change (``level check-id: message [side pointer]``) and a summary line."""
    lines = [
        f"{c.level:<12} {c.check_id}: {c.message} [{c.side} {c.pointer}]" for c in report.changes
    ]
    lines.append(_summary_line(report) if report.changes else "No changes; bump: none")
    return "\n".join(lines) + "\n"


def render_json(report: DiffReport) -> str:
    """JSON with keys ``bump``, ``summary`` {breaking, non-breaking, info, total} and ``changes``,
    each {check_id, level, pointer, side, message}; keys sorted, indent 2, newline at the end.
    """
    payload = {
        "bump": report.bump,
        "summary": {**report.counts, "total": len(report.changes)},
        "changes": [
            {
                "check_id": c.check_id,
                "level": c.level,
                "pointer": c.pointer,
                "side": c.side,
                "message": c.message,
            }
            for c in report.changes
        ],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Markdown-escape untrusted text for a table cell or list item."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text))


def _md_code(text: str) -> str:
    """A code span that survives backticks in ``text`` (and pipes in a table)."""
    text = _one_line(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(report: DiffReport) -> str:
    """A summary line and a table of changes, for a pull-request comment or job summary."""
    if not report.changes:
        return "**API changes:** none (bump: none)\n"
    lines = [
        f"**API changes:** {_md(_summary_line(report))}",
        "",
        "| Level | Check | Change | Where |",
        "|---|---|---|---|",
    ]
    for c in report.changes:
        lines.append(
            f"| {c.level} | {_md_code(c.check_id)} | {_md(c.message)} | {_md_code(c.pointer)} ({c.side}) |"
        )
    return "\n".join(lines) + "\n"


def render_changelog(report: DiffReport, version: str) -> str:
    """A Markdown changelog section: ``## <version>``, breaking changes first, then by section."""
    lines = [f"## {_one_line(version)}", ""]
    if not report.changes:
        return "\n".join(lines + ["No changes to the API.", ""])
    groups: list[tuple[str, list[Change]]] = [("Breaking changes", list(report.breaking))]
    for section in _SECTIONS:
        groups.append(
            (
                section,
                [
                    c
                    for c in report.changes
                    if c.level != "breaking" and CHECKS[c.check_id].section == section
                ],
            )
        )
    for title, changes in groups:
        if not changes:
            continue
        lines.append(f"### {title}")
        lines.append("")
        lines.extend(f"- {_md(c.message)}" for c in changes)
        lines.append("")
    return "\n".join(lines)


def checks_markdown_table() -> str:
    """The registry as a Markdown table (breaking first), for the README."""
    rows = sorted(CHECKS.items(), key=lambda kv: (-_LEVEL_RANK[kv[1].level], kv[0]))
    lines = ["| Check | Level | Meaning |", "|---|---|---|"]
    lines.extend(f"| `{cid}` | {info.level} | {_md(info.explanation)} |" for cid, info in rows)
    return "\n".join(lines) + "\n"
