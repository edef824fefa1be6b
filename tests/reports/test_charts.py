"""The report's charts drawn in Python are the SVG of the `bar_chart` macro they replaced (kept
here, bar_chart_macro.html, as the reference), byte for byte."""

import random
from pathlib import Path

import pytest

from portal.reports.charts import bar_chart

CASES = [
    [],
    [("Dec", 43)],
    [("11/30", 5), ("12/7", 6), ("12/14", 0), ("12/21", 0), ("12/28", 0)],
    [("Jan", "<5"), ("Feb", 0), ("Mar", 7)],
    [("<b>&</b>", "<5")],
    [("a", 0), ("b", 0)],
    [("a", 1.5), ("b", 3)],
]


def _random_bars(seed: int) -> list:
    chance = random.Random(seed)
    return [(f"w{i}", chance.choice(["<5", 0, chance.randint(5, 400)]))
            for i in range(chance.randint(1, 60))]


@pytest.mark.parametrize("rtl", [False, True])
@pytest.mark.parametrize("bars", CASES + [_random_bars(seed) for seed in range(12)])
def test_python_chart_is_the_macro(app, bars, rtl):
    with app.test_request_context("/"):
        source = (Path(__file__).parent / "bar_chart_macro.html").read_text()
        macro = app.jinja_env.from_string(source).module.bar_chart
        assert bar_chart("chart-x", "Present & <counted>", bars, rtl) == macro(
            "chart-x", "Present & <counted>", bars, rtl)
