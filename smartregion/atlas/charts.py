"""Server-rendered SVG charts for the atlas: no JavaScript, no inline styles (the CSP allows
neither), presentation attributes only. Each chart is role="img" and names itself through its
<title> and <desc>; the numbers are printed in the chart and repeated in a data table next to
it, so colour never carries information alone.
"""

import itertools

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .stats import Table

WIDTH = 640
INK = "#131525"
MUTED = "#404565"
BAR = "#0b4f8a"
GRID = "#c9ccd8"
# Sequential scale, light to dark; the text on the two darkest steps is white. Every pair has a
# contrast of at least 4.5:1 (dark text on the light steps, white on the dark ones).
HEAT = ["#ffffff", "#dbe9f6", "#a9cbe8", "#6aa3d3", "#2f6fae", "#0b3f7a"]
HEAT_TEXT = [INK, INK, INK, INK, "#ffffff", "#ffffff"]
SERIES = [("#0b4f8a", ""), ("#a3400b", "6 4")]  # colour and dash pattern per line


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _clip(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(table: Table, width: int, height: int, body: list[str]) -> SafeString:
    ident = f"chart-{table.slug}"
    return mark_safe(  # every text below went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="sr-chart__svg" '
        f'font-size="13" fill="{INK}">'
        f'<title id="{ident}-title">{escape(table.title)}</title>'
        f'<desc id="{ident}-desc">{escape(table.description)}</desc>' + "".join(body) + "</svg>"
    )


def bar_chart(table: Table, *, column: int = 1) -> SafeString:
    """Horizontal bars, one per row, the value printed after each bar."""
    label_width, row_height, top = 230, 28, 8
    bar_space = WIDTH - label_width - 70
    peak = max((row[column] for row in table.rows), default=0) or 1
    body = []
    for i, row in enumerate(table.rows):
        y = top + i * row_height
        length = round(bar_space * row[column] / peak, 1)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">'
            f"{escape(_clip(str(row[0]), 34))}</text>"
        )
        if length:
            body.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length}" height="18" fill="{BAR}"/>'
            )
        body.append(
            f'<text x="{label_width + length + 6}" y="{y + 18}">{escape(_n(row[column]))}</text>'
        )
    body.insert(
        0,
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" '
        f'y2="{top + len(table.rows) * row_height}" stroke="{MUTED}"/>',
    )
    return _svg(table, WIDTH, top * 2 + len(table.rows) * row_height, body)


def heat_step(value: int, peak: int) -> int:
    """0 for nothing, else 1..5 in proportion to the largest cell."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(5, -(-value * 5 // peak)))


def heatmap(table: Table) -> SafeString:
    """Rows × columns grid; each cell coloured by its step and showing its number."""
    columns = table.columns[1:]
    label_width, header, cell_w, cell_h = 230, 120, 46, 26
    width = label_width + cell_w * len(columns) + 10
    peak = max((v for row in table.rows for v in row[1:]), default=0)
    body = []
    for j, name in enumerate(columns):
        x = label_width + j * cell_w + cell_w / 2
        body.append(
            f'<text transform="translate({x + 4},{header - 6}) rotate(-50)">'
            f"{escape(_clip(name, 22))}</text>"
        )
    for i, row in enumerate(table.rows):
        y = header + i * cell_h
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_clip(str(row[0]), 34))}</text>"
        )
        for j, value in enumerate(row[1:]):
            step = heat_step(value, peak)
            x = label_width + j * cell_w
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{HEAT[step]}" '
                f'stroke="{GRID}"/>'
                f'<text x="{x + cell_w / 2}" y="{y + 17}" text-anchor="middle" '
                f'fill="{HEAT_TEXT[step]}">{escape(_n(value))}</text>'
            )
    return _svg(table, width, header + len(table.rows) * cell_h + 8, body)


def heat_legend(table: Table) -> list[dict]:
    """The steps of the colour scale with the range of numbers each stands for."""
    peak = max((v for row in table.rows for v in row[1:]), default=0)
    steps = [{"step": 0, "low": 0, "high": 0}]
    for step in range(1, 6) if peak else ():
        low, high = (step - 1) * peak // 5 + 1, step * peak // 5
        if low <= high:
            steps.append({"step": step, "low": low, "high": high})
    return steps


def _nice(peak: int) -> int:
    """A round upper bound for an axis (1, 2, 5 × 10^n)."""
    if peak <= 5:
        return max(peak, 1)
    magnitude = 10 ** (len(str(peak)) - 1)
    for factor in (1, 2, 5, 10):
        if peak <= factor * magnitude:
            return factor * magnitude
    return peak


def _spread(ys: list[float], gap: float = 16) -> list[float]:
    """Move label positions apart (keeping their order) so no two overlap."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for before, after in itertools.pairwise(order):
        if out[after] - out[before] < gap:
            out[after] = out[before] + gap
    return out


def line_chart(table: Table, *, columns: list[int]) -> SafeString:
    """Running totals over the months (first column), one line per given column."""
    left, right, top, bottom = 70, 200, 12, 40
    plot_w, plot_h = WIDTH - left - right, 220
    months = [row[0] for row in table.rows]
    peak = _nice(max((row[c] for row in table.rows for c in columns), default=0))
    span = max(len(months) - 1, 1)

    def x(i: int) -> float:
        return round(left + plot_w * (i / span if len(months) > 1 else 0.5), 1)

    def y(v: int) -> float:
        return round(top + plot_h - plot_h * v / peak, 1)

    body = []
    for tick in (0, peak // 2, peak):
        body.append(
            f'<line x1="{left}" y1="{y(tick)}" x2="{left + plot_w}" y2="{y(tick)}" '
            f'stroke="{GRID}"/><text x="{left - 8}" y="{y(tick) + 4}" text-anchor="end" '
            f'fill="{MUTED}">{escape(_n(tick))}</text>'
        )
    ticks = sorted({0, len(months) // 2, len(months) - 1}) if months else []
    for i in ticks:
        body.append(
            f'<text x="{x(i)}" y="{top + plot_h + 22}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(months[i])}</text>"
        )
    label_ys = _spread([y(table.rows[-1][c]) + 4 for c in columns]) if table.rows else []
    for k, column in enumerate(columns):
        colour, dash = SERIES[k % len(SERIES)]
        points = " ".join(f"{x(i)},{y(row[column])}" for i, row in enumerate(table.rows))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        if len(table.rows) > 1:
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"'
                f"{dashed}/>"
            )
        if table.rows:
            last = table.rows[-1][column]
            i = len(table.rows) - 1
            body.append(
                f'<circle cx="{x(i)}" cy="{y(last)}" r="4" fill="{colour}"/>'
                f'<text x="{x(i) + 8}" y="{label_ys[k]}" fill="{colour}">'
                f"{escape(table.columns[column])}: {escape(_n(last))}</text>"
            )
    return _svg(table, WIDTH, top + plot_h + bottom, body)
