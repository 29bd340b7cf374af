"""Resolving a request path against the metadata: what does ``/me/events/{id}/accept`` address?

`resolve_path` walks a path from the entity container: entity sets and singletons, keys (in
parentheses, as a segment, alternate keys), navigation and structural properties, casts to
derived types, bound actions and functions (with their overloads), ``$ref``, ``$value``,
``$count``, media streams and Graph's path-based addressing (``root:/folder/file:``). It is
shared by the spec comparison (`generator.metadata.compare`) and lint's page checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.metadata.csdl import Metadata, NavigationProperty, Operation

__all__ = ["TEMPLATE", "Resolution", "Target", "resolve_path", "split_args"]


def split_args(text: str) -> list[tuple[str | None, str]]:
    """``a='x',b={b}`` -> [("a", "'x'"), ("b", "{b}")]; ``'x'`` -> [(None, "'x'")]."""
    out: list[tuple[str | None, str]] = []
    if not text.strip():
        return out
    parts: list[str] = []
    depth, quote, start = 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quote = not quote
        elif not quote and ch in "({":
            depth += 1
        elif not quote and ch in ")}":
            depth -= 1
        elif ch == "," and not quote and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    for part in parts:
        name, eq, value = part.partition("=")
        if eq and re.fullmatch(r"\s*[A-Za-z_@][\w.]*\s*", name):
            out.append((name.strip(), value.strip()))
        else:
            out.append((None, part.strip()))
    return out


_KEY_SEGMENT = re.compile(r"[A-Za-z_]\w*=[^=]+")
# A literal key value as a segment: a GUID or a user principal name (only after the
# segment matched no property, operation or cast, so a misspelt name is still reported).
_LITERAL_KEY = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[^/@\s]+@[^/@\s]+")
_SEGMENT_CALL = re.compile(r"([^()]+)\((.*)\)")
TEMPLATE = re.compile(r"^'?\{([^{}]+)\}'?$")


@dataclass(frozen=True, slots=True)
class Target:
    """What a path addresses so far."""

    kind: str  # entities entity complex primitive action function ref count value stream
    type: str
    collection: bool = False
    operation: Operation | None = None
    args: tuple[tuple[str, str], ...] = ()


@dataclass
class Resolution:
    """What a path addresses (``target``), or why it addresses nothing (``problem``, classed
    by ``reason``); ``casing`` lists the segments matched only ignoring letter case."""

    target: Target | None = None
    problem: str = ""
    reason: str = ""
    casing: list[str] = field(default_factory=list)


class _Resolver:
    """Walks a path segment by segment from the entity container."""

    def __init__(self, md: Metadata) -> None:
        self.md = md

    def resolve(self, path: str) -> Resolution:
        res = Resolution()
        segments = [s for s in path.split("/") if s]
        if not segments:
            res.problem, res.reason = "the service root", "service root"
            return res
        current: Target | None = None
        item_path = False
        for index, seg in enumerate(segments):
            if item_path:  # inside Graph's path-based addressing: root:/folder/file.txt:
                item_path = not seg.endswith(":")
                continue
            opens_path = current is not None and len(seg) > 1 and seg.endswith(":")
            if opens_path:
                seg = seg[:-1]
            if current is None:
                current = self.first(seg, res)
            else:
                current = self.step(current, seg, res)
            if current is not None and opens_path:
                if current.kind != "entity":
                    res.problem = f"a path ({seg}:/...) below {current.kind} {current.type}"
                    res.reason = "item path misplaced"
                    return res
                item_path = True
            if current is None:
                if not res.problem:
                    res.problem = f"segment {index + 1} {seg!r} not understood"
                    res.reason = "unknown segment"
                return res
        res.target = current
        return res

    def first(self, seg: str, res: Resolution) -> Target | None:
        name, args = seg, None
        m = _SEGMENT_CALL.fullmatch(seg)
        if m:
            name, args = m.group(1), m.group(2)
        roots = {**self.md.entity_sets, **self.md.singletons}
        declared = name if name in roots else None
        if declared is None:
            declared = next((k for k in roots if k.lower() == name.lower()), None)
            if declared is not None:
                res.casing.append(f"{name} -> {declared}")
        if declared is None:
            res.problem = f"no entity set or singleton {name!r}"
            res.reason = "unknown root"
            return None
        found = self.md.root(declared)
        assert found is not None
        type_name, is_set = found
        target = Target("entities" if is_set else "entity", type_name, is_set)
        if args is not None:
            return self.key(target, args, res)
        return target

    def step(self, t: Target, seg: str, res: Resolution) -> Target | None:
        md = self.md
        if t.kind in ("action", "ref", "count", "value", "stream") or (
            t.kind == "function" and not (t.operation and t.operation.composable)
        ):
            res.problem = f"nothing can follow {t.kind} {t.type} (segment {seg!r})"
            res.reason = f"segment after {t.kind}"
            return None
        if re.fullmatch(r"\{[^{}]*\}", seg):
            if not t.collection or t.kind not in ("entities",):
                res.problem = f"key segment {seg} on a single {t.type}"
                res.reason = "key on single"
                return None
            return Target("entity", t.type)
        if seg == "$ref":
            if t.kind not in ("entities", "entity"):
                res.problem, res.reason = f"$ref on {t.kind} {t.type}", "$ref misplaced"
                return None
            return Target("ref", t.type, t.collection)
        if seg == "$count":
            if not t.collection:
                res.problem, res.reason = f"$count on a single {t.type}", "$count misplaced"
                return None
            return Target("count", "Edm.Int32")
        if seg == "$value":
            st = md.structured.get(t.type)
            if t.kind == "primitive" or (t.kind == "entity" and st is not None and st.has_stream):
                return Target("value", t.type)
            res.problem, res.reason = f"$value on {t.kind} {t.type}", "$value misplaced"
            return None
        if t.kind == "entities" and _KEY_SEGMENT.fullmatch(seg):
            return self.key(t, seg, res)  # key-as-segment: /directoryRoles/roleTemplateId=x
        name, args = seg, None
        m = _SEGMENT_CALL.fullmatch(seg)
        if m:
            name, args = m.group(1), m.group(2)
        if not t.collection and t.type in md.structured:
            members = md.members(t.type)
            declared = name if name in members else None
            if declared is None:
                declared = next((k for k in members if k.lower() == name.lower()), None)
                if declared is not None:
                    res.casing.append(f"{name} -> {declared}")
            if declared is not None:
                _, p = members[declared]
                if isinstance(p, NavigationProperty):
                    nt = Target("entities" if p.collection else "entity", p.type, p.collection)
                elif p.type in md.structured:
                    nt = Target("complex", p.type, p.collection)
                else:
                    nt = Target("primitive", p.type, p.collection)
                return self.key(nt, args, res) if args is not None else nt
        op = self.bound(t, name, res)
        if op is not None:
            named_args = tuple((k or "", v) for k, v in split_args(args or ""))
            if op.kind == "action" and args:
                res.problem, res.reason = f"action {op.name} called with arguments", "action args"
                return None
            op = self.overload(t, op, named_args)
            ret = op.returns
            return Target(
                op.kind,
                ret.type if ret else "",
                ret.collection if ret else False,
                op,
                named_args,
            )
        if res.problem:
            return None
        cast = self.cast(t, name, res)
        if cast is not None:
            return cast
        if res.problem:
            return None
        st = md.structured.get(t.type)
        if name.lower() == "content" and st is not None and st.has_stream and not t.collection:
            return Target("stream", "Edm.Stream")
        if t.kind == "entities" and _LITERAL_KEY.fullmatch(seg):
            return Target("entity", t.type)  # key-as-segment with a real key: /users/a@b.com
        res.problem = f"{t.type} has no property, bound action or function or derived type {name!r}"
        res.reason = "unknown segment"
        return None

    def key(self, t: Target, args: str, res: Resolution) -> Target | None:
        if not t.collection or t.kind != "entities":
            res.problem = f"key ({args}) on a single {t.type}"
            res.reason = "key on single"
            return None
        parts = split_args(args)
        names = [n for n, _ in parts if n is not None]
        if not names:
            return Target("entity", t.type)
        keys = [self.md.key_of(t.type), *self.alternate_keys(t.type)]
        for k in keys:
            if sorted(names) == sorted(k):
                return Target("entity", t.type)
        for k in keys:
            if sorted(n.lower() for n in names) == sorted(n.lower() for n in k):
                res.casing.append(f"{','.join(names)} -> {','.join(k)}")
                return Target("entity", t.type)
        res.problem = f"({','.join(names)}) is no key or alternate key of {t.type}"
        res.reason = "unknown key"
        return None

    def alternate_keys(self, name: str) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        st = self.md.structured.get(name)
        for owner in [st, *self.md.ancestors(name)] if st is not None else []:
            out.extend(owner.alternate_keys)
        return out

    def bound(self, t: Target, name: str, res: Resolution) -> Operation | None:
        md = self.md
        if t.type not in md.structured:
            return None
        candidates = md.bound_operations(t.type, t.collection)
        for exact in (True, False):
            for op in candidates:
                names = (op.name, op.qualified_name)
                if (name in names) if exact else (name.lower() in {n.lower() for n in names}):
                    if not exact:
                        res.casing.append(f"{name} -> {op.name}")
                    return op
        for sub in md.derived(t.type):
            for op in md.bound_operations(sub, t.collection):
                if name.lower() in (op.name.lower(), op.qualified_name.lower()):
                    res.problem = (
                        f"{op.kind} {op.name} is bound to {sub}, a subtype of {t.type}: "
                        "the path needs a cast segment"
                    )
                    res.reason = "bound to a subtype"
                    return None
        return None

    def overload(self, t: Target, op: Operation, args: tuple[tuple[str, str], ...]) -> Operation:
        """The overload of ``op`` (same name, same binding) whose parameters fit ``args``."""
        if op.kind != "function":
            return op
        given = {n.lower() for n, _ in args if n}
        same = [
            o
            for o in self.md.bound_operations(t.type, t.collection)
            if o.kind == "function" and o.name == op.name
        ]
        best = max(
            same,
            key=lambda o: (
                len(given & {p.name.lower() for p in o.parameters}),
                -len({p.name.lower() for p in o.parameters} - given),
            ),
            default=op,
        )
        return best

    def cast(self, t: Target, name: str, res: Resolution) -> Target | None:
        if "." not in name:
            return None
        md = self.md
        declared = name if name in md.structured else md.name_ignoring_case(name)
        if declared is None or declared not in md.structured:
            return None
        if not md.is_derived(declared, t.type):
            res.problem = f"cast to {declared}, which does not derive from {t.type}"
            res.reason = "bad cast"
            return None
        if declared != name:
            res.casing.append(f"{name} -> {declared}")
        return Target(t.kind, declared, t.collection)


def resolve_path(md: Metadata, path: str) -> Resolution:
    """What ``path`` (an OpenAPI-style path: ``/users/{id}/events``) addresses in ``md``."""
    return _Resolver(md).resolve(path)
