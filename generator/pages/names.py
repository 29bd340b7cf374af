"""Names and text as the spec writes them, read from pages.

Every part of the builder names things the same way: component names qualified with the
page's namespace, operation ids made of the title's verb and noun, camelCase parameter names,
and Markdown cells turned into plain descriptions. Kept in one module so the schema and the
operation sides cannot drift apart in how they spell a name.
"""

from __future__ import annotations

import os
import re

from generator.pages.model import Page

DEFAULT_NAMESPACE = "microsoft.graph"

_VERBS = {
    "add", "assign", "cancel", "check", "copy", "create", "delete", "get", "list", "remove",
    "replace", "restore", "update", "upsert", "send", "accept", "decline", "forward", "move",
}  # fmt: skip
_ARTICLES = {"a", "an", "the"}
_METHOD_VERBS = {
    "GET": "get",
    "POST": "create",
    "PATCH": "update",
    "PUT": "replace",
    "DELETE": "delete",
}
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TODO = re.compile(r"\*\*\s*TODO:.*?\*\*", re.IGNORECASE | re.DOTALL)
_INHERITED = re.compile(r"Inherited from\s*\[[^\]]*\]\([^)]*\)\s*\.?", re.IGNORECASE)
_REQ_OPT = re.compile(r"\b(?:Required|Optional)\s*\.", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Markdown cell/paragraph text as spec text: links become their text, spaces collapse."""
    return re.sub(r"\s+", " ", _LINK.sub(lambda m: m.group(1), text)).strip()


def property_description(text: str) -> str:
    """A property description without TODO markup, "Inherited from ...", "Required."/"Optional."."""
    text = _TODO.sub(" ", text)
    text = _INHERITED.sub(" ", text)
    text = _REQ_OPT.sub(" ", text)
    return plain_text(text)


def camel(text: str) -> str:
    """``user-id``/``period_value``/``Id`` -> ``userId``/``periodValue``/``id``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    if not parts:
        return "param"
    head = parts[0][0].lower() + parts[0][1:]
    return head + "".join(p[0].upper() + p[1:] for p in parts[1:])


def pascal(text: str) -> str:
    c = camel(text)
    return c[0].upper() + c[1:]


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def qualify(name: str, namespace: str) -> str:
    """A type name as a component name: dotted names are kept as the page writes them."""
    return name if "." in name else f"{namespace}.{name}"


def page_namespace(page: Page) -> str:
    return page.namespace.value if page.namespace and page.namespace.value else DEFAULT_NAMESPACE


def title_parts(page: Page) -> tuple[str, str]:
    """(verb, noun) from the title: "Update learningSelfInitiatedCourse", "event: accept"."""
    title = page.title.value if page.title else ""
    title = re.sub(r"\s+-\s+Microsoft Graph.*$", "", title).strip()
    method = page.http_requests[0].method if page.http_requests else "GET"
    if ":" in title:
        res, action = title.split(":", 1)
        return camel(action), camel(res)
    words = [w for w in re.split(r"\s+", title) if w]
    verb = _METHOD_VERBS.get(method, "call")
    if words and words[0].lower() in _VERBS:
        verb = words[0].lower()
        words = words[1:]
    words = [w for w in words if w.lower() not in _ARTICLES]
    if not words:
        return verb, "resource"
    first = re.sub(r"[^A-Za-z0-9]", "", words[0])
    noun = first + "".join(pascal(w) for w in words[1:])
    return verb, noun or "resource"


def link_path(source: str, target: str) -> str | None:
    """The page file a relative Markdown link of page ``source`` names (anchor dropped), or
    None when the link is not to a page (a web address, an absolute path, an anchor)."""
    path = target.strip().strip("<>").split("#", 1)[0].split("?", 1)[0]
    if not path.lower().endswith(".md") or ":" in path or path.startswith(("/", "\\")):
        return None
    return os.path.normpath(os.path.join(os.path.dirname(source), path))


def path_key(path: str) -> str:
    """A page path as a lookup key: absolute and case-folded, since the docs' links do not
    always match their files' letter case (``contentType.md`` for ``contenttype.md``)."""
    return os.path.normcase(os.path.abspath(path)).lower()
