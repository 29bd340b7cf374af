"""apigen: Microsoft Graph style API reference pages to OpenAPI specs and typed Python SDKs.

The Python API for build tools is `generator.api` (`build`, `spec`, `lint`, `diff`,
`load_config`): it returns values and prints nothing, and the `apigen` command line is
built on it. (The names cannot sit on the package itself: `generator.lint` and
`generator.diff` are stage packages.) The README's "Architecture" section maps the packages.
"""

__version__ = "0.1.0"
