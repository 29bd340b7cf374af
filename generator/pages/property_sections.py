"""The sections of a resource or enum page that declare a type.

The Properties and Relationships tables (one property row each), the "<name> values" tables
of enum members, and the check that the page's JSON representation and its tables list the
same properties, reported both ways at the line of the key or of the row.
"""

from __future__ import annotations

import re

from generator.pages.blocks import BlockReader, Heading, Table
from generator.pages.cells import plain, property_row
from generator.pages.model import EnumMember, EnumTable, ExampleBlock, PropertyRow


class PropertySections:
    """What a page says about a type: its properties, relationships and enums."""

    def __init__(self, reader: BlockReader) -> None:
        self.r = reader
        self.properties: list[PropertyRow] = []
        self.relationships: list[PropertyRow] = []
        self.enums: list[EnumTable] = []

    def property_table(self, t: Table) -> None:
        self.properties.extend(property_row(c, line) for c, line in t.rows)

    def relationship_table(self, t: Table) -> None:
        self.relationships.extend(property_row(c, line) for c, line in t.rows)

    def enum_table(self, t: Table, heading: str) -> bool:
        m = re.fullmatch(r"\s*`?([\w.]+)`?\s+values\s*", plain(heading))
        if not m:
            self.r.diag(
                t.line,
                "enum-name",
                f"enum table under '{heading}' has no '<name> values' heading",
            )
            return False
        cols = [plain(h).lower() for h in t.header]
        members: list[EnumMember] = []
        for cells, line in t.rows:
            name = plain(cells[0]).strip("`* ")
            if not name:
                self.r.diag(line, "enum-member", "empty enum member")
                continue
            value = cells[cols.index("value")] if "value" in cols else None
            desc = cells[cols.index("description")] if "description" in cols else None
            members.append(EnumMember(name, line, value, desc))
        self.enums.append(EnumTable(m.group(1), tuple(members), t.line))
        return True

    def enum_without_table(self, heading: Heading | None) -> None:
        if heading is not None:
            self.r.diag(
                heading.line,
                "enum-no-table",
                f"'{heading.text}' has no table of members; no enum read from it",
            )

    def check_resource_json(self, block: ExampleBlock | None) -> None:
        """Compare the resource block's JSON keys with the property tables, both ways."""
        if block is None or not isinstance(block.json_value, dict):
            return
        keys = [k for k in block.json_value if not k.startswith("@odata.")]
        tables = {r.name: r for r in (*self.properties, *self.relationships)}
        lower = {n.lower(): n for n in tables}
        optional = block.annotation.get("optionalProperties")
        optional_names = {str(x).lower() for x in optional} if isinstance(optional, list) else set()
        first_line = _quoted_lines(block.code)

        def line_of(key: str) -> int:
            return block.line + first_line.get(key, 0)

        for key in keys:
            if key in tables:
                continue
            if key.lower() in lower:
                self.r.diag(
                    line_of(key),
                    "resource-json-case",
                    f"JSON representation spells {key!r}, the table {lower[key.lower()]!r}",
                )
            else:
                self.r.diag(
                    line_of(key),
                    "resource-json-extra",
                    f"JSON representation has {key!r}, which no property table lists",
                )
        in_json = {k.lower() for k in keys}
        for row in self.properties:
            name = row.name.lower()
            if name in in_json or name in optional_names or name == "@odata.type":
                continue
            self.r.diag(
                row.line,
                "resource-json-missing",
                f"property {row.name!r} is missing from the JSON representation",
            )


_QUOTED = re.compile(r'(?="([^"\n]*)")')


def _quoted_lines(code: str) -> dict[str, int]:
    """The first line (counted from 1) of ``code`` on which each ``"text"`` appears, read in
    one pass: looking each key up by scanning the lines made a large block quadratic."""
    found: dict[str, int] = {}
    for offset, text in enumerate(code.splitlines(), start=1):
        for quoted in _QUOTED.findall(text):
            found.setdefault(quoted, offset)
    return found
