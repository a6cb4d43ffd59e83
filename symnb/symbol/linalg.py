"""``mx.sym.linalg``: operators MXNet places here (filled at import)."""
