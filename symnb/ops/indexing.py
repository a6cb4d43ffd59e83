"""Operators: indexing family (being written)."""
