"""``mx.nd.image``: the ``_image_*`` operators, prefix stripped (generated at import)."""
