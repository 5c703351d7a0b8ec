"""IPython start-up hook: measure every figure a kernel shows, for scripts/check-pages.

tests/test_book.py copies this file into the start-up folder of a private
``IPYTHONDIR`` for the book build, so every chapter's kernel loads it. After
Matplotlib writes a figure's PNG for the page (``print_figure``, what the
inline backend calls), the hook appends one JSON line to
``$SSEKIT_FIGURE_REPORT``: the PNG's sha256 (the built site's image is the same
file), the smallest text height in the PNG's own pixels, pairs of text boxes
that intersect (tick labels, axis labels, titles, legends, annotations), and
labels that are code identifiers (``sigma_el``). The figure itself is not
changed. check-pages turns pixel sizes into points as displayed at 1400 and
400 px.
"""

from __future__ import annotations


def _install() -> None:
    import hashlib
    import io
    import json
    import os
    import re

    report = os.environ.get("SSEKIT_FIGURE_REPORT")
    if not report:
        return
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    identifier = re.compile(r"(?<![\w$\\{])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+(?![\w}])")
    original = FigureCanvasBase.print_figure

    drawn: dict[int, tuple] = {}
    recording = []
    text_draw = Text.draw

    def draw(self, renderer):
        text_draw(self, renderer)
        if recording and self.get_visible() and self.get_text().strip():
            try:
                bb = self.get_window_extent(renderer)
                patch = self.get_bbox_patch()  # a boxed label covers what its box covers, not only its glyphs
                if patch is not None:
                    bb = Bbox.union([bb, patch.get_window_extent(renderer)])
            except Exception:
                return
            # the last draw wins: print_figure may draw twice (tight bounding box, then the PNG)
            drawn[id(self)] = (self.get_text().strip(), self.get_fontsize(), bb, renderer.dpi)

    def print_figure(self, filename, *args, **kwargs):
        drawn.clear()
        recording.append(True)
        try:
            result = original(self, filename, *args, **kwargs)
        finally:
            recording.pop()
        try:
            if not isinstance(filename, io.BytesIO) or (kwargs.get("format") or "png") != "png":
                return result
            boxes, small, names = [], None, set()
            for text, size, bb, dpi in drawn.values():
                if bb.width <= 0 or bb.height <= 0:
                    continue
                px = size * float(dpi) / 72.0
                small = px if small is None else min(small, px)
                boxes.append((text[:40], bb))
                if "$" not in text:
                    names.update(identifier.findall(text))
            overlaps = []
            for i in range(len(boxes)):
                for j in range(i + 1, len(boxes)):
                    a, b = boxes[i][1], boxes[j][1]
                    w = min(a.x1, b.x1) - max(a.x0, b.x0)
                    h = min(a.y1, b.y1) - max(a.y0, b.y0)
                    # more than a sliver: 1.5 px at the figure's dpi in both directions
                    if w > 1.5 and h > 1.5:
                        overlaps.append([boxes[i][0], boxes[j][0]])
            png = filename.getvalue()
            with open(report, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"sha256": hashlib.sha256(png).hexdigest(), "min_text_px": small,
                                     "overlaps": overlaps[:10], "identifiers": sorted(names)}) + "\n")
        except Exception as exc:  # the check must never break a chapter
            with open(report, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"error": repr(exc)}) + "\n")
        return result

    FigureCanvasBase.print_figure = print_figure
    Text.draw = draw


_install()
del _install
