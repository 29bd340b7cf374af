"""Facts of the OpenAPI format that several stages read: one place for each."""

from __future__ import annotations

# The operations a Path Item Object may hold, in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Where `$ref`s to component schemas point.
SCHEMA_PREFIX = "#/components/schemas/"
# apigen's extension on an update body built from pages: the entity schema (a `$ref` string)
# the body is a partial view of (its properties, none required); the SDK sends that
# entity's model.
PARTIAL_OF = "x-apigen-partial-of"
