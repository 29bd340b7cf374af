"""`apigen init`: a commented starting config for a folder of pages."""

from __future__ import annotations

from pathlib import Path

from generator.errors import InputError
from generator.sdk import naming
from generator.sdk.escape import toml

_TEMPLATE = """\
# apigen configuration: `apigen build` runs each [[build]] below.
# Reference: the "Configuration" section of apigen's README.

[[build]]
# A short name for `apigen build --only NAME`.
name = {name}
# The pages to read: files or folders of .md pages (API pages, resource pages, the enums page).
pages = [{pages}]
# Corrections the pages lack, as an OpenAPI Overlay 1.0 file (optional).
{overlay}
# The OpenAPI spec written from the pages.
spec = {spec}
# The generated SDK project (commit it: it is your golden record).
output = {output}
# The Python import name and the pip distribution name of the SDK.
package = {package}
distribution = {distribution}
# The SDK package version.
version = "0.1.0"
# A folder whose files replace bundled templates by name (optional).
# templates = "templates"

# [lint]
# rules = {{ "page-todo" = "warning" }}   # switch rules off or re-level them
"""


def init_config(pages: Path, target: Path) -> str:
    """Write a starting `apigen.toml` at ``target`` for the pages in ``pages``."""
    if not pages.is_dir():
        raise InputError("not a folder of pages", file=str(pages))
    if not any(pages.rglob("*.md")):
        raise InputError("the folder holds no .md pages", file=str(pages))
    if target.exists():
        raise InputError("exists already; edit it, or remove it first", file=str(target))
    base = target.parent.resolve()
    try:
        relative = pages.resolve().relative_to(base).as_posix()
    except ValueError:
        relative = pages.resolve().as_posix()
    name = naming.snake_case(pages.resolve().name) or "api"
    package = naming.module_name(f"{name}_sdk")
    text = _TEMPLATE.format(
        name=toml(name),
        pages=toml(relative),
        # An overlay.yaml beside the pages is used; otherwise the line is left as a hint.
        overlay=("" if (pages / "overlay.yaml").is_file() else "# ")
        + f"overlay = {toml(f'{relative}/overlay.yaml')}",
        spec=toml(f"specs/{name}.yaml"),
        output=toml(f"generated/{name}"),
        package=toml(package),
        distribution=toml(package.replace("_", "-")),
    )
    target.write_text(text, encoding="utf-8")
    return text
