"""Graph reference pages: the `Page` model (`model`), reading Markdown into it (`parse`), and
building an OpenAPI document from pages (`build`)."""
