"""Pages of the market register, one module per kind of record."""
