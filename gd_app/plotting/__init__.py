"""Figures, one module per demo (matplotlib's Figure API, never pyplot); ``common`` is shared."""
