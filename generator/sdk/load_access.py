"""Where and how the client reaches the API: the spec's servers and security schemes.

Servers keep their `{variables}` (default, allowed values) for the client to fill in;
security schemes become the three kinds of credentials the client sends (a bearer token,
HTTP basic, an API key in a header, query or cookie), and security requirements name them.
A scheme the client cannot send is a warning naming its pointer, never a silent guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.sdk.ir import SecurityScheme, Server, ServerVariable
from generator.sdk.load_context import LoadContext, text
from generator.spec.io import pointer

Requirements = tuple[tuple[str, ...], ...]


def servers(ctx: LoadContext) -> tuple[Server, ...]:
    """The spec's servers in order, each with its variables. A variable the URL uses but
    the spec does not declare (or gives no default) has no default: the client then needs
    its value, and says so, rather than send the template as it is."""
    result = []
    for index, server in enumerate(ctx.spec.data.get("servers") or []):
        if not isinstance(server, Mapping) or not isinstance(server.get("url"), str):
            continue
        url = server["url"]
        declared = server.get("variables") or {}
        if not isinstance(declared, Mapping):
            raise ctx.fail("server `variables` must be a mapping", pointer("servers", index))
        variables = []
        for name in sorted(set(_placeholders(url)) | set(declared)):
            v_ptr = pointer("servers", index, "variables", name)
            var = declared.get(name)
            if not isinstance(var, Mapping) or var.get("default") is None:
                ctx.warn(
                    f"server variable {name!r} has no default: the client needs its value "
                    "in `server_variables`",
                    v_ptr if name in declared else pointer("servers", index, "url"),
                )
                var = {}
            enum = tuple(str(v) for v in var.get("enum") or ())
            default = None if var.get("default") is None else str(var["default"])
            if enum and default is not None and default not in enum:
                raise ctx.fail(
                    f"server variable {name!r}: the default {default!r} is not among "
                    f"{list(enum)}",
                    v_ptr,
                )
            variables.append(ServerVariable(str(name), default, enum, text(var.get("description"))))
        result.append(Server(url, tuple(variables), text(server.get("description"))))
    return tuple(result)


def _placeholders(url: str) -> list[str]:
    names = []
    for part in url.split("{")[1:]:
        names.append(part.split("}", 1)[0])
    return names


def security_schemes(ctx: LoadContext) -> tuple[SecurityScheme, ...]:
    """The schemes the client can send; others are warnings (the client cannot send them)."""
    schemes = (ctx.spec.data.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(schemes, Mapping):
        raise ctx.fail("`securitySchemes` must be a mapping", "/components/securitySchemes")
    result = []
    for name, scheme in sorted(schemes.items()):
        ptr = pointer("components", "securitySchemes", name)
        if not isinstance(scheme, Mapping):
            continue
        kind = scheme.get("type")
        http = str(scheme.get("scheme", "")).lower()
        if kind in ("oauth2", "openIdConnect") or (kind == "http" and http == "bearer"):
            result.append(SecurityScheme(str(name), "bearer"))
        elif kind == "http" and http == "basic":
            result.append(SecurityScheme(str(name), "basic"))
        elif kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
            result.append(
                SecurityScheme(str(name), "apiKey", scheme["in"], str(scheme.get("name", "")))
            )
        else:
            what = f"http {http!r}" if kind == "http" else repr(kind)
            ctx.warn(
                f"the client cannot send security scheme {what}; give its credentials in "
                "`headers=` or through `http_client`",
                ptr,
            )
    return tuple(result)


def requirements(
    ctx: LoadContext, value: Any, ptr: str, known: frozenset[str]
) -> Requirements | None:
    """A `security` list as alternatives of scheme names (None when absent); an empty
    alternative means credentials are optional. Schemes the client cannot send are left
    out of an alternative (the warning was given with the scheme)."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ctx.fail("`security` must be a list", ptr)
    result = []
    for index, requirement in enumerate(value):
        if not isinstance(requirement, Mapping):
            raise ctx.fail("a security requirement must be a mapping", f"{ptr}/{index}")
        result.append(tuple(sorted(str(name) for name in requirement if name in known)))
    return tuple(result)
