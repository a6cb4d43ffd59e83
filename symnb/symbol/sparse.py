"""``mx.sym.sparse``: operators MXNet places here (filled at import)."""
