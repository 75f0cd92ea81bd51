"""A picture of a poll: voters by options, like When2meet's grid, as a PNG sized for Discord's preview.

The picture is laid out in the pixels of the box Discord shows it in, so nothing in it shrinks
there, whatever the number of options and voters; it is drawn at twice that size so that it stays
sharp when opened. Columns narrow as options are added and their labels turn upright; voters past
the rows that fit are counted in an "and N more" line (the Results button lists everyone).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.services.poll_tallies import PollResults
from bot.services.time_parsing import ParsedTime

# Discord's desktop client shows an attached image inline scaled down to fit about 550 x 350 px
# (phones scale it to their width, about 400 px). The layout below stays inside this box.
PREVIEW_W, PREVIEW_H = 550, 350
# Drawn at twice the layout's size: Discord scales it back down to the box (so text keeps its
# layout size there) and the full-size view on a dense screen is sharp.
RENDER_SCALE = 2
# Smallest text, in preview pixels: Discord's own small print (timestamps) is about 12 px; below
# about 10 px digits blur on an ordinary screen.
MIN_TEXT_PX = 11
TITLE_PX = 14
TEXT_PX = MIN_TEXT_PX
PAD = 8
NAME_W = 104  # the voters' names
ROW_H = 14  # one voter
HEADING_H = 36  # title and legend
WIDE_COLUMN = 56  # a column's width when few options leave room
UPRIGHT_BELOW = 44  # narrower columns turn their labels and totals upright
MORE_H = ROW_H  # the "and N more" line

WORKS, IF_NEED_BE, NO, AWAY = (87, 187, 98), (246, 196, 69), (226, 229, 233), (170, 176, 186)
TEXT, MUTED, BACKGROUND, BEST = (32, 34, 37), (110, 115, 125), (255, 255, 255), (88, 101, 242)

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True, slots=True)
class GridLayout:
    """Sizes in preview pixels; the PNG is RENDER_SCALE times larger."""

    columns: int
    column_w: int
    upright: bool
    header_h: int
    totals_h: int
    rows: int  # voters drawn
    hidden: int  # voters counted in "and N more"

    @property
    def width(self) -> int:
        return PAD * 2 + NAME_W + self.column_w * self.columns

    @property
    def height(self) -> int:
        more = MORE_H if self.hidden else 0
        return PAD * 2 + HEADING_H + self.header_h + ROW_H * max(1, self.rows) + more + self.totals_h


def _font(size: int) -> Font:
    font = ImageFont.load_default(size=size * RENDER_SCALE)
    # Without FreeType, Pillow falls back to a fixed bitmap font of about 11 px that ignores `size`.
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise RuntimeError("Pillow was built without FreeType; the poll picture needs scalable fonts.")
    return font


def _length(font: Font, text: str) -> float:
    return font.getlength(text) / RENDER_SCALE


def option_labels(results: PollResults) -> list[str]:
    zone = results.poll.timezone
    return [f"{ParsedTime(t.option.starts_at, zone).local:%a %-d %b %H:%M}" for t in results.options]


def option_totals(results: PollResults) -> list[str]:
    return [f"{len(t.yes)}/{len(t.if_need_be)}" for t in results.options]


def option_present(results: PollResults) -> list[str] | None:
    """A gathering's poll: under each option's time, how many of its roll call are there that day."""
    if results.roll_call is None:
        return None
    return [f"{t.present or 0} there" for t in results.options]


def _header_label(label: str, present: list[str] | None, col: int) -> str:
    """An upright column's label: the time, and who is there that day."""
    return f"{label} · {present[col]}" if present is not None else label


def plan_grid(labels: list[str], totals: list[str], voter_count: int, present: list[str] | None = None) -> GridLayout:
    """The layout for these option labels and totals and this many voters, inside the preview box;
    `present`, a gathering's poll: a line more under each time."""
    columns = max(1, len(labels))
    column_w = min(WIDE_COLUMN, (PREVIEW_W - PAD * 2 - NAME_W) // columns)
    text = _font(TEXT_PX)
    # Totals too wide to lie in their column (big counts, a gathering's present) stand upright too.
    upright = column_w < UPRIGHT_BELOW or any(_length(text, total) > column_w - 4 for total in totals)
    if upright:
        shown = [_header_label(label, present, col) for col, label in enumerate(labels)]
        header_h = int(max(_length(text, label) for label in shown or [""])) + 8
        totals_h = int(max(_length(text, total) for total in totals or [""])) + 8
    else:
        header_h, totals_h = ROW_H * (3 if present is not None else 2) + 4, ROW_H + 4
    fixed = PAD * 2 + HEADING_H + header_h + totals_h
    fits = max(1, (PREVIEW_H - fixed) // ROW_H)
    if voter_count > fits:  # the "and N more" line takes a row's place
        fits = max(1, (PREVIEW_H - fixed - MORE_H) // ROW_H)
    rows = min(voter_count, fits)
    return GridLayout(columns, column_w, upright, header_h, totals_h, rows, voter_count - rows)


def _fit(font: Font, text: str, width: float) -> str:
    """`text` cut (with an ellipsis) to `width` preview pixels."""
    if _length(font, text) <= width:
        return text
    while text and _length(font, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Canvas:
    """Drawing in preview pixels on the larger image."""

    def __init__(self, layout: GridLayout) -> None:
        self.image = Image.new("RGB", (layout.width * RENDER_SCALE, layout.height * RENDER_SCALE), BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)

    def text(self, x: float, y: float, text: str, font: Font, fill: tuple[int, int, int]) -> None:
        self.draw.text((x * RENDER_SCALE, y * RENDER_SCALE), text, fill=fill, font=font)

    def upright_text(self, x: float, bottom: float, text: str, font: Font, fill: tuple[int, int, int]) -> None:
        """Text read from bottom to top, its left edge at `x` and its start at `bottom`."""
        width, height = int(font.getlength(text)) + 2, int(font.size * 1.3)
        strip = Image.new("L", (width, height), 0)
        ImageDraw.Draw(strip).text((0, 0), text, fill=255, font=font)
        turned = strip.rotate(90, expand=True)
        self.image.paste(fill, (int(x * RENDER_SCALE), int(bottom * RENDER_SCALE) - turned.height), turned)

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: tuple[int, int, int]) -> None:
        self.draw.rectangle(
            (x0 * RENDER_SCALE, y0 * RENDER_SCALE, x1 * RENDER_SCALE - 1, y1 * RENDER_SCALE - 1), fill=fill
        )

    def outline(self, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        self.draw.rectangle(
            (x0 * RENDER_SCALE, y0 * RENDER_SCALE, x1 * RENDER_SCALE - 1, y1 * RENDER_SCALE - 1),
            outline=colour,
            width=RENDER_SCALE,
        )

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()


def render_poll_grid(results: PollResults) -> bytes:
    """Rows are the first voters (in vote order), columns the options, totals at the bottom."""
    labels, totals, present = option_labels(results), option_totals(results), option_present(results)
    voters = results.voters
    layout = plan_grid(labels, totals, len(voters), present)
    canvas = _Canvas(layout)
    title, text = _font(TITLE_PX), _font(TEXT_PX)
    _draw_heading(canvas, results, layout, title, text)
    best = results.best() if voters else None
    grid_x = PAD + NAME_W
    top = PAD + HEADING_H + layout.header_h
    for col, (tally, label) in enumerate(zip(results.options, labels, strict=True)):
        x = grid_x + col * layout.column_w
        colour = BEST if tally is best else TEXT
        if layout.upright:
            shown = _header_label(label, present, col)
            canvas.upright_text(x + (layout.column_w - TEXT_PX * 1.3) / 2, top - 4, shown, text, colour)
            continue
        day, _, clock = label.rpartition(" ")  # "Sat 20 Mar", "19:00": the month does not fit
        lines = [_fit(text, day.rsplit(" ", 1)[0], layout.column_w - 4), clock]
        if present is not None:
            lines.append(_fit(text, present[col], layout.column_w - 4))
        for n, line in enumerate(lines):
            canvas.text(x + 3, top - ROW_H * (len(lines) - n) - 2, line, text, colour if n < 2 else MUTED)
    for row, user_id in enumerate(voters[: layout.rows]):
        y = top + row * ROW_H
        name = results.names.get(user_id, f"member {str(user_id)[-4:]}")
        canvas.text(PAD, y + 1, _fit(text, name, NAME_W - 6), text, TEXT)
        fills = _row_fills(results, user_id)
        for col, fill in enumerate(fills):
            x = grid_x + col * layout.column_w
            canvas.box(x + 1, y + 1, x + layout.column_w - 1, y + ROW_H - 1, fill)
    y = top + ROW_H * max(1, layout.rows)
    if layout.hidden:
        canvas.text(PAD, y + 1, f"and {layout.hidden} more voters (all of them under Results)", text, MUTED)
        y += MORE_H
    if best is not None:
        col = results.options.index(best)
        x = grid_x + col * layout.column_w
        canvas.outline(x, top - layout.header_h, x + layout.column_w, y + layout.totals_h, BEST)
    canvas.text(PAD, y + 3, _fit(text, "works/if need be", NAME_W - 6), text, MUTED)
    for col, total in enumerate(totals):
        x = grid_x + col * layout.column_w
        if layout.upright:
            canvas.upright_text(x + (layout.column_w - TEXT_PX * 1.3) / 2, y + layout.totals_h - 3, total, text, TEXT)
        else:
            canvas.text(x + 3, y + 3, total, text, TEXT)
    return canvas.png()


def _row_fills(results: PollResults, user_id: int) -> list[tuple[int, int, int]]:
    """One voter's colour per option, from their ballot (not a search of every option's voters)."""
    ballot = results.ballots[user_id]
    fills = [NO] * len(results.options)
    for number in ballot.yes:
        fills[number - 1] = WORKS
    for number in ballot.if_need_be:
        fills[number - 1] = IF_NEED_BE
    for number in ballot.away:
        fills[number - 1] = AWAY
    return fills


def _draw_heading(canvas: _Canvas, results: PollResults, layout: GridLayout, title: Font, text: Font) -> None:
    canvas.text(PAD, PAD, _fit(title, results.poll.title, layout.width - PAD * 2), title, TEXT)
    x: float = PAD
    y = PAD + TITLE_PX + 6
    zone = f"Times in {results.poll.timezone}."
    canvas.text(x, y, _fit(text, zone, layout.width - PAD * 2), text, MUTED)
    x += _length(text, zone) + 8
    legend = [(WORKS, "works"), (IF_NEED_BE, "if need be"), (NO, "no")]
    if results.roll_call is not None:  # a gathering's poll: a vote on a day its voter is away
        legend.append((AWAY, "away, not counted"))
    for colour, name in legend:
        if x + 12 + _length(text, name) > layout.width - PAD:
            break  # a narrow picture (few options) has no room for the legend's end
        canvas.box(x, y + 2, x + 9, y + 11, colour)
        canvas.text(x + 12, y, name, text, MUTED)
        x += 12 + _length(text, name) + 8
