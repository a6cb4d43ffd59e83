"""Operators: loss family (being written)."""
