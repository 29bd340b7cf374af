"""apigen: Microsoft Graph style API reference pages to OpenAPI specs and typed Python SDKs."""

__version__ = "0.1.0"
