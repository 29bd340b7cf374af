"""Request targets as OpenAPI path templates, with their path parameters.

Pages spell one address many ways (``{id}``, ``{user-id}``, ``{userId}``, function calls
such as ``getSchedule(period='{period}')``, full URLs with a server and a query string); here
they are brought to one spelling, with each ``{id}`` key named after its collection, so two
pages that document the same address meet on one path item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.pages.model import Page, PropertyTable, TypeText
from generator.pages.names import camel, singular

_PARAM = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class PathParam:
    """A path parameter: its name in the normalized path, as the page wrote it, its row."""

    name: str
    original: str
    type: TypeText | None
    description: str


# Graph's service roots: the global service and the national clouds. A spec's server is one
# of these and never the host of an example (a download or upload URL the service hands out),
# because the SDK sends its token to the server it is built for.
GRAPH_HOSTS = (
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
)
DEFAULT_SERVER = "https://graph.microsoft.com/v1.0"


def graph_root(server: str) -> str | None:
    """``server`` when it is a Graph service root with a version (``https://graph.microsoft.us/
    v1.0``), else None."""
    m = re.fullmatch(r"https://([^/:]+)/(?:v1\.0|beta)", server)
    return server if m and m.group(1).lower() in GRAPH_HOSTS else None


def split_target(target: str) -> tuple[str, str | None]:
    """A request target as (path, server URL or None); the query string is dropped."""
    target = target.strip()
    server: str | None = None
    m = re.match(r"^(https?://[^/]+)(/(?:v1\.0|beta|v\d[\w.]*))?(/.*)?$", target)
    if m:
        server = m.group(1) + (m.group(2) or "")
        target = m.group(3) or "/"
    target = target.split("?", 1)[0]
    if not target.startswith("/"):
        target = "/" + target
    return target, server


def _closed(segment: str) -> str:
    return segment + "}" if segment.count("{") > segment.count("}") else segment


def unbalanced(target: str) -> bool:
    """Does a request line leave a `{key}` unclosed (or close one never opened)?"""
    path, _ = split_target(target)
    return any(s.count("{") != s.count("}") for s in path.split("/"))


def normalize_path(target: str, page: Page) -> tuple[str, list[PathParam]]:
    """A page's path template in one spelling: ``{id}`` keys named after their collection."""
    path, _ = split_target(target)
    table = {p.name.lower(): p for p in page.parameters if p.location in ("path", "function")}
    params: list[PathParam] = []
    used: set[str] = set()

    def add(name: str, original: str) -> str:
        base, n = name, 2
        while name in used:
            name, n = f"{base}{n}", n + 1
        used.add(name)
        row = table.get(original.lower()) or table.get(name.lower())
        params.append(
            PathParam(
                name,
                original,
                row.type if row else None,
                row.description if row else "",
            )
        )
        return name

    # A key left unclosed on the page (`/groups/{group-id/drive`) closes at its segment's end:
    # the segment is the parameter either way (operations.py reports the page's typo).
    segments = [_closed(s) for s in path.split("/") if s]
    out: list[str] = []
    prev = ""
    for seg in segments:
        whole = re.fullmatch(r"\{([^{}]*)\}", seg)
        if whole:
            inner = whole.group(1).split("|")[0].strip()
            if inner.lower() in ("id", "") and prev:
                name = camel(singular(prev)) + "Id"
            else:
                name = camel(inner)
            out.append("{" + add(name, inner) + "}")
            prev = seg
            continue
        fn = re.fullmatch(r"([^()]*)\((.*)\)", seg)
        if fn and "=" in fn.group(2):
            args = []
            for pair in fn.group(2).split(","):
                if "=" not in pair:
                    args.append(pair.strip())
                    continue
                key, _value = (x.strip() for x in pair.split("=", 1))
                name = add(camel(key), key)
                row = table.get(key.lower())
                is_string = row is None or row.type.name.lower() in ("string", "")
                args.append(f"{key}='{{{name}}}'" if is_string else f"{key}={{{name}}}")
            out.append(f"{fn.group(1)}({','.join(args)})")
            prev = fn.group(1)
            continue
        if "{" in seg:

            def repl(m: re.Match[str]) -> str:
                return "{" + add(camel(m.group(1)), m.group(1)) + "}"

            seg = _PARAM.sub(repl, seg)
        out.append(seg)
        prev = seg
    return "/" + "/".join(out), params


def entity_collection(path: str) -> str | None:
    """``learningCourseActivities`` for ``.../learningCourseActivities/{key}``, else None."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and re.fullmatch(r"\{[^{}]+\}", parts[-1]) and "(" not in parts[-2]:
        return parts[-2]
    return None


def entity_parent(path: str) -> str | None:
    """The collection that holds the entity set's owner (``learningProviders``), if any."""
    parts = path.strip("/").split("/")[:-2]
    for i in range(len(parts) - 1, 0, -1):
        if re.fullmatch(r"\{[^{}]+\}", parts[i]):
            return parts[i - 1]
    return None


def _last_segment(target: str) -> str:
    """The last segment of a request target, without its key or function arguments."""
    path, _ = split_target(target)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.split("(", 1)[0].strip(":")


# Verbs Graph's action names start with (``createLink``, ``getMemberObjects``, ``follow``).
_VERB_SEGMENT = re.compile(
    r"(?:get|check|create|add|remove|set|send|copy|move|follow|unfollow|invite|preview|accept"
    r"|decline|cancel|forward|reply|restore|assign|validate|activate|deactivate|submit"
    r"|unsubmit|return|publish|unpublish|abort|checkin|checkout|lock|sync|scan|reset|retry"
    r"|dismiss|snooze|export|import|upload|renew|revoke|approve|deny|stop|start|pause|resume"
    r"|share|grant|clear|mark|pin|unpin|archive|unarchive|complete|reassign|reprocess"
    r"|disable|enable|wipe|retire|reboot|shutdown|locate|logout|recover|delete|apply"
    r"|batch|filter|find|lookup|query|translate|verify|upgrade|install)(?:[A-Z]\w*)?"
)


def bound_operation(page: Page) -> str | None:
    """The action or function an API page calls, named as its request lines end, else None.

    OData addresses an action or function as the last segment after its binding target
    (``/me/events/{id}/accept``, ``/reports/getOffice365ActiveUserDetail(period='D7')``).
    Pages say so in the title (``event: accept``, ``syncDevice action``); failing that, a
    POST whose last segment is a verb, alone or leading a camelCase name (``invite``,
    ``createLink``, ``getMemberObjects``), is taken as an action; navigation collections
    are nouns (``/me/events``, ``appRoleAssignedTo``).
    """
    if not page.http_requests:
        return None
    last = _last_segment(page.http_requests[0].target)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", last):
        return None  # a key, a cast, `$ref`, `$value`, a path-based address
    title = page.title.value if page.title else ""
    named = title.split(":", 1)[1] if ":" in title else re.sub(r"\s+action\s*$", "", title)
    if camel(named.strip()).lower() == last.lower():
        return last
    if page.http_requests[0].method == "POST" and _VERB_SEGMENT.fullmatch(last):
        return last
    return None


def takes_parameters(page: Page) -> bool:
    """The page's request-body tables list an action's parameters, not a resource's
    properties: the page calls an action, whose body is by OData always the parameters
    object, however the table heads its columns (and a create's table headed "Parameter"
    still lists the entity's properties)."""
    return bound_operation(page) is not None


_WRAPPED = re.compile(
    r"provide an? (?:optional |required )?[`*]*([A-Za-z]\w*)[`*]* object with the following"
    r" properties",
    re.IGNORECASE,
)


def wrapped_parameter(table: PropertyTable) -> str | None:
    """The one parameter an action's table describes the inside of: "provide an optional
    `passwordCredential` object with the following properties" makes the body
    ``{"passwordCredential": {...}}``, the rows that type's properties."""
    m = _WRAPPED.search(table.intro)
    return m.group(1) if m else None
