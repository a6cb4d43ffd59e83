"""``mx.sym._internal``: operators whose names start with an underscore (filled at import)."""
