"""``mx.sym.image``: operators MXNet places here (filled at import)."""
