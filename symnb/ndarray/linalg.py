"""``mx.nd.linalg``: the ``_linalg_*`` operators, prefix stripped (generated at import)."""
