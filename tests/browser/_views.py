"""Readers for what symnb's renderers draw, on a page parsed by :mod:`._dom`."""
from __future__ import annotations

from ._dom import Element


def stage(page: Element, name: str) -> Element:
    """The snapshot ``harness.js`` took under ``name``."""
    return page.find("section", cls="stage", data_stage=name)


def tooltips(view: Element) -> list[str]:
    """The hover text of every graph box ('name (op)')."""
    return [g.find("title").text() for g in view.find_all("g", cls="symnb-node")]


def boxes(view: Element) -> dict[str, list[str]]:
    """Graph boxes by node name (from the tooltip) -> the lines of text drawn in them."""
    return {g.find("title").text().rsplit(" (", 1)[0]:
            [t.text() for t in g.find_all("text") if "symnb-value" not in t.classes]
            for g in view.find_all("g", cls="symnb-node")}
