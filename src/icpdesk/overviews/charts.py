"""The overviews' charts: SVG drawn on the server by pygal, inlined in the page.

No JavaScript (``js=[]``) and nothing from elsewhere: the chart's styles are
its own ``<style>`` element, which carries the page's CSP nonce (the pages
allow that nonce for styles). Labels are set in the CJK font the desk ships
with (Debian's ``fonts-noto-cjk``). pygal builds the SVG with an XML tree, so
labels coming from the data (a prefecture, a state) are escaped. Each chart's
bars link to the filtered list they count, like the table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygal  # type: ignore[import-untyped]
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

FONT = "'Noto Sans CJK SC', sans-serif"
COLOURS = ("#1f5f99", "#c0392b", "#d98c1f", "#2e8b57", "#7a5195", "#5f6b73", "#ef5675", "#00a3a3")
STYLE = Style(
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    no_data_font_family=FONT,
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=COLOURS,
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
)


@dataclass(frozen=True)
class Series:
    title: str
    values: Sequence[float | int | None]
    links: Sequence[str] = ()


def _config(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 720,
        "height": 360,
        "print_values": False,
        "legend_at_bottom": True,
        "truncate_label": -1,
        "no_data_text": "—",
        **extra,
    }


def _points(series: Series) -> list[Any]:
    points: list[Any] = []
    for i, value in enumerate(series.values):
        link = series.links[i] if i < len(series.links) else ""
        if link and value is not None:
            points.append({"value": value, "xlink": {"href": link, "target": "_top"}})
        else:
            points.append(value)
    return points


def _draw(chart: Any, labels: Sequence[str], series: Sequence[Series]) -> Any:
    chart.x_labels = list(labels)
    for one in series:
        chart.add(one.title, _points(one))
    return chart


def bar(title: str, labels: Sequence[str], series: Sequence[Series], *, horizontal: bool = False) -> Any:
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(240, 28 * len(labels) + 120) if horizontal else 360
    return _draw(kind(**_config(title, height=height, show_legend=len(series) > 1)), labels, series)


def stacked(title: str, labels: Sequence[str], series: Sequence[Series], *, horizontal: bool = False) -> Any:
    kind = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    height = max(240, 28 * len(labels) + 140) if horizontal else 380
    return _draw(kind(**_config(title, height=height)), labels, series)


def line(title: str, labels: Sequence[str], series: Sequence[Series], *, percent: bool = False) -> Any:
    extra: dict[str, Any] = {"x_label_rotation": 30, "allow_interruptions": True}
    if percent:
        extra.update(range=(0, 100), value_formatter=lambda v: f"{v:.0f}%")
    return _draw(pygal.Line(**_config(title, **extra)), labels, series)


def render(chart: Any, nonce: str | None) -> SafeString:
    """The chart as inline SVG: no XML declaration, no script, its style element under the nonce.

    pygal writes its configuration for its tooltip script into the SVG even
    without scripts, and an empty tooltip group styled inline: both go, so
    the page's CSP has nothing to refuse.
    """
    tree = chart.render_tree()
    for element in list(tree.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = (element.get("class") or "").split()
        if tag.endswith("script") or "tooltip" in classes:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        elif tag.endswith("style") and nonce:
            element.set("nonce", str(nonce))
    svg = str(etree.tostring(tree, encoding="unicode"))
    return mark_safe(svg)  # noqa: S308  # built as an XML tree: every label is escaped, no script is left
