"""Operators: conv family (being written)."""
