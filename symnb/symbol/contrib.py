"""``mx.sym.contrib``: operators MXNet places here (filled at import)."""
