"""Reproductions: one module per chapter, computing the paper's numbers from
:mod:`ssekit`'s general tools, the shipped parameters and data. The claims
registry (``data/claims.toml``) points at the functions here."""
