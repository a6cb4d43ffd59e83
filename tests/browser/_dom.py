"""A small read-only DOM built from Chromium's ``--dump-dom`` output, for assertions.

Text nodes hold the decoded text (``&lt;`` reads ``<``), so a test compares with what a user
sees. Walks are iterative, like every graph walk in symnb.
"""
from __future__ import annotations

from html.parser import HTMLParser

# elements the HTML serialiser writes without an end tag
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        """This element and every element below it, in document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed([c for c in element.children if isinstance(c, Element)]))

    def text(self) -> str:
        """All text below this element, as ``textContent`` reads it."""
        parts, stack = [], [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            else:
                stack.extend(reversed(item.children))
        return "".join(parts)

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Element]:
        """Descendants (self included) by tag, one class, and attribute values
        (``data_stage='x'`` matches ``data-stage="x"``)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k) == v for k, v in wanted.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Element:
        """The one matching descendant; fails the test when there is none or several."""
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, "expected one <%s class=%s %s>, found %d" % (
            tag or "*", cls, attrs, len(found))
        return found[0]

    def texts(self, tag: str | None = None, cls: str | None = None) -> list[str]:
        return [e.text() for e in self.find_all(tag, cls)]

    def signature(self) -> list:
        """Tags, attributes and text of the subtree as nested lists, to compare two renders."""
        return [self.tag, sorted(self.attrs.items()),
                [c if isinstance(c, str) else c.signature() for c in self.children]]

    def __repr__(self):
        return "<%s %s>" % (self.tag, " ".join("%s=%r" % kv for kv in self.attrs.items()))


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.open)
        self.open.children.append(element)
        if tag not in _VOID:
            self.open = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.open = self.open.parent

    def handle_endtag(self, tag):
        element = self.open
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:      # a stray end tag closes nothing
            self.open = element.parent

    def handle_data(self, data):
        self.open.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
