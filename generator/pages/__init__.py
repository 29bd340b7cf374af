"""Graph reference pages: the `Page` model (`model`), reading Markdown into it (`parse`, over
`blocks`, `page_builder` and its section readers), and building an OpenAPI document from pages
(`build`, over `typemodel`, `schemas`, `operations` and `examples`)."""
