"""Operators: init family (being written)."""
