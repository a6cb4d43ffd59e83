"""``mx.sym.random``: operators MXNet places here (filled at import)."""
