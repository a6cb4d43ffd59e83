"""nbconvert and live widgets: export a live view as the executor picture it carries.

A live widget output holds its static picture (``image/svg+xml``, ``text/html`` with the
picture as ``<img>``) beside the widget view. nbconvert's HTML export prefers the widget view,
which needs the widget JavaScript from a CDN and the saved widget state, so offline the output
is blank. :class:`StaticPictures` drops the widget view from symnb's live outputs, so the export
shows the picture::

    jupyter nbconvert --to html --execute \\
        --HTMLExporter.preprocessors='["symnb.notebook.nbconvert.StaticPictures"]' nb.ipynb

``--to notebook --execute`` needs nothing: the stored outputs keep every representation.
"""
from __future__ import annotations

from nbconvert.preprocessors import Preprocessor

from .widget import LIVE_MIME

__all__ = ["StaticPictures"]

_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class StaticPictures(Preprocessor):
    """Keep only the static picture of symnb's live widget outputs (other widgets untouched).

    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     'display_data', {_WIDGET_MIME: {'model_id': 'm'}, LIVE_MIME: {'model_id': 'm'},
    ...                      'text/html': '<img>', 'text/plain': 'w'})])
    >>> sorted(StaticPictures().preprocess_cell(cell, {}, 0)[0].outputs[0]['data'])
    ['text/html', 'text/plain']
    """

    def preprocess_cell(self, cell, resources, index):
        """One cell: drop the widget view from each output that carries symnb's live marker.

        >>> import nbformat
        >>> live = {LIVE_MIME: {}, _WIDGET_MIME: {}, 'image/svg+xml': '<svg/>'}
        >>> other = {_WIDGET_MIME: {}}      # another library's widget
        >>> cell = nbformat.v4.new_code_cell(outputs=[
        ...     nbformat.v4.new_output('display_data', data) for data in (live, other)])
        >>> [list(out['data']) for out in StaticPictures().preprocess_cell(cell, {}, 0)[0].outputs]
        [['image/svg+xml'], ['application/vnd.jupyter.widget-view+json']]
        """
        for output in cell.get("outputs", ()):
            data = output.get("data")
            if data and LIVE_MIME in data:
                data.pop(_WIDGET_MIME, None)
                data.pop(LIVE_MIME, None)
        return cell, resources
