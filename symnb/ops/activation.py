"""Operators: activation family (being written)."""
