"""``mx.nd._internal``: operators whose registered name starts with ``_`` (``_plus_scalar``...).

Filled with one generated function per such name when ``symnb.ndarray`` is imported.
"""
