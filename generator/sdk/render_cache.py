"""A cache of rendered templates, keyed by exactly what each template reads.

A rebuild after a schema's documentation changed re-renders that schema's module in
`models/`; the client, which holds every operation and no schema's documentation, comes
from here. The key of a template's output is the hash of:

- apigen's own code and Jinja's version (the filters, the views and the compiler),
- the source of the template and of every template it includes, imports or extends,
- for each context name those sources read, the `repr` of its value (sets sorted).

`repr` is a faithful fingerprint of the context: its values are str, bool, int, `Code`,
tuples, lists, sets and frozen dataclasses whose every field is in their `repr`
(tests/test_render_cache.py holds the IR and the views to that).

Not cached, and rendered every time:
- a template that includes or imports a template by a computed name (its reads are
  unknown);
- a template that reads `models` or the whole `api`: they hold every schema's
  documentation, so a documentation edit changes them, and their `repr` at 2,000
  schemas costs more time than rendering such a template does. Reading `api.title` and
  the other scalar attributes of `api` is fine: only those attributes are fingerprinted.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

from generator.cache import Cache, key
from generator.errors import InputError
from generator.sdk.escape import UnescapedValueError
from generator.sdk.ir import Api

# Attributes of `api` that hold no per-schema or per-operation data.
API_SCALARS = frozenset(f.name for f in fields(Api)) - {"models", "enums", "operations"}
_UNCACHED_NAMES = frozenset({"models"})


@dataclass(frozen=True)
class TemplateReads:
    """What a template reads: the sources it is made of (its own first) and the context
    names they use; ``api_attributes`` are the attributes of `api` read, None when `api`
    is used otherwise (whole)."""

    sources: tuple[str, ...]
    names: frozenset[str]
    api_attributes: frozenset[str] | None


def template_reads(env: jinja2.Environment, name: str) -> TemplateReads | None:
    """The reads of template ``name`` and of those it pulls in; None when it pulls one in by
    a computed name."""
    sources: list[str] = []
    names: set[str] = set()
    api_attributes: set[str] | None = set()
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None  # `render.environment` always has one
        try:
            source, filename, _ = env.loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            # Rendering says so if it matters (an `include ... ignore missing` does not).
            sources.append(f"<no template {current!r}>")
            continue
        tree = env.parse(source, current, filename)
        sources.append(source)
        names.update(meta.find_undeclared_variables(tree))
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            pending.append(referenced)
        used = _api_attributes(tree)
        api_attributes = None if used is None or api_attributes is None else api_attributes | used
    return TemplateReads(
        tuple(sources),
        frozenset(names),
        None if api_attributes is None else frozenset(api_attributes),
    )


def _api_attributes(tree: nodes.Template) -> set[str] | None:
    """The scalar attributes of `api` that ``tree`` reads, None if it uses `api` any other
    way (a whole-`api` read, an item, a method, a collection)."""
    loads = [n for n in tree.find_all(nodes.Name) if n.name == "api" and n.ctx == "load"]
    attributes: set[str] = set()
    direct: set[int] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "api":
            if node.attr not in API_SCALARS:
                return None
            attributes.add(node.attr)
            direct.add(id(node.node))
    return attributes if all(id(n) in direct for n in loads) else None


def fingerprint(value: Any) -> str:
    """The `repr` of a context value, sets sorted (their order varies between runs)."""
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value))
    return repr(value)


@functools.cache
def code_digest() -> str:
    """A hash of apigen's Python sources and Jinja's version: a new apigen renders anew."""
    root = Path(__file__).resolve().parents[1]  # the generator package, every stage
    parts = [f"jinja2 {jinja2.__version__}"]
    for path in sorted(root.rglob("*.py")):
        parts += [path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")]
    return key(*parts)


class RenderCache:
    """Renders the templates of one context, each from the cache when its reads allow."""

    def __init__(self, env: jinja2.Environment, context: Mapping[str, Any], cache: Cache) -> None:
        self.env = env
        self.context = context
        self.cache = cache
        self.prints: dict[str, str] = {}  # context name -> its fingerprint, made once

    def render(self, name: str) -> str:
        """Template ``name``'s output. A mistake in a template (its syntax, a template or a
        name it does not get, a value printed without a filter) is an `InputError` naming
        the template file and line where it happened."""
        try:
            return self._render(name)
        except (jinja2.TemplateError, UnescapedValueError, TypeError) as exc:
            raise _template_error(exc) from None

    def render_each(self, name: str, extra: Mapping[str, Any]) -> str:
        """Template ``name`` with ``extra`` context values, never cached: a template
        rendered once per class has a context of its own each time, and is small."""
        try:
            return self.env.get_template(name).render({**self.context, **extra})
        except (jinja2.TemplateError, UnescapedValueError, TypeError) as exc:
            raise _template_error(exc) from None

    def _render(self, name: str) -> str:
        digest = self._key(name)
        if digest is not None:
            hit = self.cache.get(digest)
            if hit is not None:
                return hit
        text = self.env.get_template(name).render(self.context)
        if digest is not None:
            self.cache.put(digest, text)
        return text

    def _key(self, name: str) -> str | None:
        if self.cache.folder is None:
            return None  # no cache (APIGEN_NO_CACHE=1): no key worth making
        reads = template_reads(self.env, name)
        if reads is None or reads.names & _UNCACHED_NAMES:
            return None
        if "api" in reads.names and reads.api_attributes is None:
            return None
        return key(code_digest(), *reads.sources, *self._fingerprints(reads))

    def _fingerprints(self, reads: TemplateReads) -> Iterator[str]:
        for name in sorted(reads.names & self.context.keys()):
            if name == "api":
                api = self.context["api"]
                shown = {a: getattr(api, a) for a in sorted(reads.api_attributes or ())}
                yield f"api: {shown!r}"
                continue
            if name not in self.prints:
                self.prints[name] = fingerprint(self.context[name])
            yield f"{name}: {self.prints[name]}"


def _template_error(exc: Exception) -> Exception:
    """``exc``, raised while rendering, as an `InputError` at its template's file and line
    (Jinja's tracebacks show template lines); ``exc`` itself when no template line is in
    its traceback (then it is apigen's own bug)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return InputError(
            f"template syntax: {exc.message}", file=exc.filename or exc.name, line=exc.lineno
        )
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"no template named {exc.name!r}"
    elif not frames:
        return exc
    else:
        message = f"template: {exc}"
    where = frames[-1] if frames else None
    return InputError(
        message,
        file=where.filename if where else None,
        line=where.lineno if where else None,
    )
