"""What a real widget puts on the wire, in a form a test page can embed as JSON.

ipywidgets splits a widget's state into JSON plus binary buffers (``_remove_buffers``) both when
the view opens and for every later update; the buffers travel as base64 here and become
DataViews at their paths again in ``harness.js``.
"""
from __future__ import annotations

import base64


def _message(state: dict, buffer_paths: list, buffers: list) -> dict:
    return {"state": state, "buffer_paths": buffer_paths,
            "buffers": [base64.b64encode(bytes(b)).decode("ascii") for b in buffers]}


def opening_state(widget) -> dict:
    """The full state the front end receives when the widget's model is created."""
    from ipywidgets.widgets.widget import _remove_buffers
    return _message(*_remove_buffers(widget.get_state()))


class Updates:
    """Records the messages a widget sends while in the ``with`` block: state 'update's and
    'custom' messages (the live values, the step-through trace)."""

    def __init__(self, widget):
        self.widget, self.messages = widget, []

    def _send(self, msg, buffers=None):
        assert msg["method"] in ("update", "custom"), msg["method"]
        if msg["method"] == "custom":
            self.messages.append({"method": "custom", "content": msg["content"],
                                  "buffers": [base64.b64encode(bytes(b)).decode("ascii")
                                              for b in buffers or []]})
        else:
            self.messages.append(_message(msg["state"], msg["buffer_paths"], buffers or []))

    def __enter__(self):
        self.widget._send = self._send     # the one exit of ipywidgets' outgoing messages
        return self

    def __exit__(self, *exc):
        del self.widget._send
