"""``mx.nd.sparse``: the ``_sparse_*`` operators, prefix stripped (generated at import).

symnb stores dense arrays only; these functions compute on dense NDArrays.
"""
