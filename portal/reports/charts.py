"""The report's bar charts, drawn in Python: the same SVG as the Jinja macro it replaced, byte
for byte (tests/reports/test_charts.py keeps the macro and compares them).
Drawn by the macro, the month's two charts cost about 0.3 ms of the report page, and a year's
(12 months, 53 weeks) more: each bar is a dozen filter calls and `set`s in Jinja.

No script, no inline style (CSP), mirrored in RTL; a value that is not a number (e.g. "<5")
gets no bar, only its label."""

from math import ceil
from numbers import Number

from markupsafe import Markup, escape

WIDTH, HEIGHT, TOP, BOTTOM = 320, 180, 18, 28


def bar_chart(id: str, title: str, bars: list[tuple[str, object]], rtl: bool = False) -> Markup:
    """`bars`: (label, value) pairs, as the macro takes them."""
    numbers = [value for _label, value in bars if isinstance(value, Number)]
    top_value = max(max(numbers) if numbers else 0, 1)
    count = len(bars)
    step = WIDTH / max(count, 1)
    every = int(ceil(count / 8)) or 1
    name = escape(id)
    lines = [f'<figure class="chart">\n'
             f'  <svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{name}-title"'
             f' focusable="false">\n'
             f'    <title id="{name}-title">{escape(title)}</title>\n'
             f'    <line class="chart-axis" x1="0" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}"'
             f' y2="{HEIGHT - BOTTOM}"></line>\n']
    for i, (label, value) in enumerate(bars):
        x = ((count - 1 - i) if rtl else i) * step
        middle = round(x + step / 2, 1)
        if isinstance(value, Number):
            bar = round((HEIGHT - TOP - BOTTOM) * value / top_value, 1)
            lines.append(f'    <rect class="chart-bar" x="{round(x + step * 0.15, 1)}"'
                         f' y="{HEIGHT - BOTTOM - bar}" width="{round(step * 0.7, 1)}"'
                         f' height="{bar}"></rect>\n')
        else:
            bar = 0
        if count <= 16 or not isinstance(value, Number) or value == top_value:
            lines.append(f'    <text class="chart-value" x="{middle}"'
                         f' y="{HEIGHT - BOTTOM - bar - 4}" text-anchor="middle">'
                         f'{escape(value)}</text>\n')
        if i % every == 0:
            lines.append(f'    <text class="chart-label" x="{middle}" y="{HEIGHT - 8}"'
                         f' text-anchor="middle">{escape(label)}</text>\n')
    lines.append("  </svg>\n</figure>\n")
    return Markup("".join(lines))  # noqa: S704  every value in it escaped above
