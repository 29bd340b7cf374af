"""Service metadata (OData CSDL) as the judge of a spec built from pages.

`csdl` reads the metadata, `types` maps OData types to the OpenAPI signatures apigen writes,
`compare` measures how faithful a spec is to the metadata (`compare_spec`);
`bench/fidelity.py` prints the figures for a set of pages.
"""

from generator.metadata.compare import FidelityReport, Mismatch, compare_spec, page_evidence
from generator.metadata.csdl import Metadata, load_metadata, parse_csdl

__all__ = [
    "FidelityReport",
    "Metadata",
    "Mismatch",
    "compare_spec",
    "load_metadata",
    "page_evidence",
    "parse_csdl",
]
