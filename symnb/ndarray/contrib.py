"""``mx.nd.contrib``: the ``_contrib_*`` operators, prefix stripped (generated at import)."""
