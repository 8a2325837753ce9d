"""Server-rendered SVG charts: plain data in, SVG markup out (no Django, no JavaScript).

Every chart has a fixed ``viewBox`` and the ``chart`` CSS class (the page sizes it to its
width; the Content-Security-Policy forbids ``style=`` attributes, so colours are SVG
presentation attributes), ``role="img"`` with a ``<title>`` and a ``<desc>``, and never relies
on colour alone: series carry distinct marker shapes, bars carry their value as text. The page
follows each chart with a table of the same data for screen readers.
"""

from .svg import Band, Point, Series, distribution_bars, line_chart

__all__ = ["Band", "Point", "Series", "distribution_bars", "line_chart"]
