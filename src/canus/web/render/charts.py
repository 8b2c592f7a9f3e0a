"""Charts: Vega-Lite specs (Altair) rendered to SVG on the server by vl-convert.

Every chart travels with its data table and a one-line text summary; the SVG is only one
view of the same rows. Rendering is cached by (chart, language, data version).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import vl_convert as vlc

from canus import terminology
from canus.i18n import _
from canus.metrics import MetricTable

#: d3-format locales: en-CA and fr-CA (space as thousands separator, decimal comma).
FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
    "fr": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0$"], "percent": "\u00a0%"},
}
TIME_LOCALES: dict[str, dict[str, Any]] = {
    "en": {
        "dateTime": "%a %b %e %X %Y",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["a.m.", "p.m."],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
    "fr": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["", ""],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    },
}
PALETTE = ["#26374a", "#af3c43", "#2b8cc4", "#6f6f6f"]  # Canada.ca blues and red, high contrast


@dataclass
class Chart:
    """A chart definition: its id, the table it draws, and how to draw and summarize it."""

    id: str
    table: MetricTable
    spec: Callable[[MetricTable, str], alt.TopLevelMixin]
    summary: Callable[[MetricTable, str], str]
    alt_text: Callable[[MetricTable, str], str]
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.table.title_in(lang)


_cache: dict[tuple[str, str, str], str] = {}
_lock = threading.Lock()


def vega_spec(chart: Chart, lang: str) -> dict[str, Any]:
    obj = chart.spec(chart.table, lang)
    spec: dict[str, Any] = obj.to_dict()
    spec.setdefault("config", {}).update(
        {
            "font": "DejaVu Sans, Noto Sans, Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333", "titleColor": "#333"},
            # No label limit: a cut legend ("Exportations américaine…") hides what a line is.
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0},
            "view": {"stroke": None},
            "background": "white",
        }
    )
    return spec


#: Width of the phone variant of each chart, in CSS pixels: drawn for a 320 px screen, so its
#: 12 px ticks stay 12 px instead of being scaled down from the desktop drawing.
NARROW_WIDTH = 230


def render_svg(chart: Chart, lang: str, version: str, narrow: bool = False) -> str:
    key = (chart.id + (":narrow" if narrow else ""), lang, version)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    spec = vega_spec(chart, lang)
    if narrow:
        _narrow(spec)
    svg = vlc.vegalite_to_svg(
        spec,
        format_locale=FORMAT_LOCALES[lang],
        time_format_locale=TIME_LOCALES[lang],
    )
    # The SVG is inlined in the page: give it a role and name for assistive technology.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(chart.alt_text(chart.table, lang))}" ', 1)
    with _lock:
        if len(_cache) > 512:
            _cache.clear()
        _cache[key] = svg
    return svg


def _narrow(spec: dict[str, Any]) -> None:
    """The same chart for a phone: narrower, legend above, fewer x labels."""
    if "width" in spec:
        spec["width"] = NARROW_WIDTH
    enc = spec.get("encoding", {})
    x = enc.get("x", {})
    if x.get("type") in ("ordinal", "nominal") and isinstance(x.get("axis"), dict):
        x["axis"]["labelOverlap"] = "greedy"
        x["axis"]["labelAngle"] = -90
    if x.get("type") in ("temporal", "quantitative") and isinstance(x.get("axis"), dict):
        x["axis"]["tickCount"] = 4
    colour = enc.get("color", {})
    if isinstance(colour.get("legend"), dict):
        colour["legend"].update({"orient": "top", "direction": "vertical"})


def svg_download(chart: Chart, lang: str, version: str, source: str, date: str) -> str:
    """The chart as a stand-alone SVG file: title, source and date in its metadata and visible.

    A downloaded drawing travels without the page, so it carries its own caption.
    """
    import re

    svg = render_svg(chart, lang, version)
    m = re.search(r'width="(\d+)" height="(\d+)"', svg)
    w, h = (int(m.group(1)), int(m.group(2))) if m else (720, 400)
    title = chart.title(lang)
    caption = f"{_('Source:', lang)} {source}" + (f" ({date})" if date else "")
    inner = re.sub(r"^<svg ", '<svg x="0" y="34" ', svg, count=1)
    top, bottom = 34, 44
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{w}" height="{h + top + bottom}" viewBox="0 0 {w} {h + top + bottom}" role="img" '
        f'aria-labelledby="t d">'
        f'<title id="t">{_escape(title)}</title><desc id="d">{_escape(caption)}</desc>'
        f'<metadata><source xmlns="https://canus.example/meta">{_escape(source)}</source>'
        f'<date xmlns="https://canus.example/meta">{_escape(date)}</date></metadata>'
        f'<rect width="100%" height="100%" fill="white"/>'
        f'<text x="8" y="22" font-family="DejaVu Sans, sans-serif" font-size="16" font-weight="bold" '
        f'fill="#333">{_escape(title)}</text>{inner}'
        f'<text x="8" y="{h + top + 26}" font-family="DejaVu Sans, sans-serif" font-size="12" '
        f'fill="#333">{_escape(caption)}</text></svg>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


MONEY_UNITS = {
    # (scale, English axis title); French from the catalogue.
    "CAD": ((1e9, "Billions of Canadian dollars"), (1e6, "Millions of Canadian dollars")),
    "USD": ((1e9, "Billions of US dollars"), (1e6, "Millions of US dollars")),
}


def money_scale(values: list[float], currency: str, lang: str) -> tuple[float, str]:
    """Divide amounts into billions or millions with a worded axis title.

    d3's SI format would print "600G" (and "4 G" in French); readers expect
    "600" under "Billions of Canadian dollars".
    """
    top = max((abs(v) for v in values), default=0.0)
    for size, title in MONEY_UNITS[currency]:
        if top >= size:
            return size, _(title, lang)
    return 1.0, _("Canadian dollars" if currency == "CAD" else "US dollars", lang)


def line_chart(
    x: str,
    y: list[str],
    x_type: str = "ordinal",
    y_format: str = ",.0f",
    money: str | None = None,
    coverage: str | None = None,
    basis: str | None = None,
    observed: str = "Observed",
) -> Callable[[MetricTable, str], alt.TopLevelMixin]:
    """Lines for one or more columns of a table, labelled in the page's language.

    ``money`` (a currency code) scales dollar amounts to billions or millions.
    ``coverage`` names the table's coverage column: part periods get their own mark and a
    months label ("Jan–Jun"). ``basis`` names a column whose value ``"projection"`` marks
    projected rows: they are drawn dashed, with a legend entry, apart from observations
    (named ``observed`` in the legend, e.g. "Inventory").
    """

    def build(table: MetricTable, lang: str) -> alt.TopLevelMixin:
        labels = {c.name: _(c.label, lang) for c in table.columns}
        scale, unit_title = 1.0, None
        if money:
            scale, unit_title = money_scale([r[c] for r in table.rows for c in y if r.get(c) is not None], money, lang)
        rows: list[dict[str, Any]] = [
            {
                "x": r[x] if not hasattr(r[x], "isoformat") else r[x].isoformat(),
                "series": labels[col],
                "value": r[col] / scale,
                **period_fields(r, coverage, basis, lang, observed),
            }
            for r in table.rows
            for col in y
            if r.get(col) is not None
        ]
        if basis:
            rows = bridge_projections(rows, lang, observed)
        rows += _year_gaps(rows, x_type)
        enc_x = alt.X(
            "x",
            type="temporal" if x_type == "temporal" else "ordinal",
            title=labels.get(x, x),
            axis=alt.Axis(labelAngle=0 if x_type == "temporal" else -45),
        )
        # invalid=None: a missing year breaks the line instead of being bridged by a straight one.
        base = (
            alt.Chart(alt.Data(values=rows))
            .mark_line(point=len(rows) < 60, invalid=None)
            .encode(
                x=enc_x,
                y=alt.Y(
                    "value:Q",
                    title=unit_title or (labels[y[0]] if len(y) == 1 else None),
                    axis=alt.Axis(format=",.0f" if money else y_format),
                ),
                color=alt.Color(
                    "series:N",
                    title=None,
                    scale=alt.Scale(range=PALETTE),
                    legend=alt.Legend(orient="top") if len(y) > 1 else None,
                ),
            )
        )
        if basis:
            base = base.encode(strokeDash=projection_dash(lang, observed))
        if coverage or basis:
            return with_period_marks(base, rows).properties(width=640, height=280)
        return base.properties(width=640, height=280)

    return build


def _year_gaps(rows: list[dict[str, Any]], x_type: str) -> list[dict[str, Any]]:
    """Empty points for the years a yearly series skips, so the line shows the gap."""
    if x_type != "ordinal" or not rows or not all(isinstance(r["x"], int) for r in rows):
        return []
    out = []
    for series in {r["series"] for r in rows}:
        years = sorted({r["x"] for r in rows if r["series"] == series})
        out += [
            {"x": yr, "series": series, "value": None} for yr in range(years[0], years[-1] + 1) if yr not in set(years)
        ]
    return out


def bar_chart(
    label: str,
    value: str,
    y_format: str = ",.0f",
    top: int = 15,
    money: str | None = None,
) -> Callable[[MetricTable, str], alt.TopLevelMixin]:
    def build(table: MetricTable, lang: str) -> alt.TopLevelMixin:
        labels = {c.name: _(c.label, lang) for c in table.columns}
        shown = [r for r in table.rows[:top] if r.get(value) is not None]
        scale, title = 1.0, labels[value]
        if money:
            scale, unit = money_scale([r[value] for r in shown], money, lang)
            title = f"{labels[value]} ({unit})"
        rows = [{"label": terminology.name(str(r[label]), lang), "value": r[value] / scale} for r in shown]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color=PALETTE[0])
            .encode(
                y=alt.Y("label:N", sort="-x", title=None),
                x=alt.X("value:Q", title=title, axis=alt.Axis(format=",.0f" if money else y_format)),
            )
            .properties(width=560, height=max(120, 22 * len(rows)))
        )

    return build


# --------------------------------------------------------------- part periods and projections

PROJECTION = "projection"
OBSERVED_LABEL = "Observed"
PROJECTION_LABEL = "Projection"


def period_fields(
    row: dict[str, Any], coverage: str | None, basis: str | None, lang: str, observed: str = OBSERVED_LABEL
) -> dict[str, Any]:
    """The chart row's ``partial`` label (months of a part period) and ``kind`` (observed or projected)."""
    from canus.metrics import periods

    out: dict[str, Any] = {}
    if coverage:
        cov = row.get(coverage)
        out["partial"] = periods.translate_months(cov, lang) if cov and cov != periods.WHOLE else None
    if basis:
        out["kind"] = _(PROJECTION_LABEL if row.get(basis) == PROJECTION else observed, lang)
    return out


def bridge_projections(rows: list[dict[str, Any]], lang: str, observed: str = OBSERVED_LABEL) -> list[dict[str, Any]]:
    """Repeat each series' last observed point as the first projected one, so the dashed
    segment starts where the solid line ends."""
    proj, obs = _(PROJECTION_LABEL, lang), _(observed, lang)
    out = list(rows)
    for series in dict.fromkeys(r["series"] for r in rows):
        mine = [r for r in rows if r["series"] == series]
        seen = [r for r in mine if r.get("kind") == obs]
        if seen and any(r.get("kind") == proj for r in mine):
            out.append({**seen[-1], "kind": proj, "bridge": True})
    return out


def projection_dash(lang: str, observed: str = OBSERVED_LABEL) -> alt.StrokeDash:
    obs, proj = _(observed, lang), _(PROJECTION_LABEL, lang)
    return alt.StrokeDash(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=[obs, proj], range=[[1, 0], [6, 4]]),
        legend=alt.Legend(
            orient="top",
            symbolType="stroke",
            symbolStrokeColor="#333",
            symbolStrokeWidth=2,
            symbolFillColor="transparent",
        ),
    )


def with_period_marks(base: alt.Chart, rows: list[dict[str, Any]]) -> alt.LayerChart | alt.FacetChart:
    """The line, plus an open diamond and a months label on every part-period point."""
    layers: list[alt.Chart] = [base]
    if any(r.get("partial") for r in rows):
        partial = base.transform_filter("isValid(datum.partial) && datum.partial !== ''")
        layers.append(
            partial.mark_point(shape="diamond", size=140, filled=False, strokeWidth=2).encode(
                strokeDash=alt.value([1, 0])
            )
        )
        layers.append(
            partial.mark_text(dy=-14, fontSize=11, color="#333").encode(text="partial:N", strokeDash=alt.value([1, 0]))
        )
    return alt.layer(*layers)
