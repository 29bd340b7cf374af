"""OpenAPI documents: safe YAML/JSON reading with line numbers (`io`), reading in cached
sections (`sections`), validation (`validate`, `validator`), the validity digest
(`validity`), subsets (`subset`), overlays (`overlay`) and the format's shared facts
(`openapi`)."""
