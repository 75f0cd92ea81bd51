"""A picture of a poll: voters by options, like When2meet's grid, as a PNG."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.rendering.limits import shorten
from bot.services.polls import PollResults
from bot.services.time_parsing import ParsedTime

MAX_VOTER_ROWS = 40
CELL_W, CELL_H = 64, 28
NAME_W = 170
HEADER_H = 84
TOTAL_H = 34
PAD = 12
WORKS, IF_NEED_BE, NO = (87, 187, 98), (246, 196, 69), (226, 229, 233)
TEXT, MUTED, BACKGROUND, BEST = (32, 34, 37), (110, 115, 125), (255, 255, 255), (88, 101, 242)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render_poll_grid(results: PollResults) -> bytes:
    """Rows are voters (first MAX_VOTER_ROWS), columns the options; a totals row at the bottom."""
    zone = results.poll.timezone
    voters = results.voters
    shown = voters[:MAX_VOTER_ROWS]
    columns = len(results.options)
    width = PAD * 2 + NAME_W + CELL_W * columns
    height = PAD * 2 + HEADER_H + CELL_H * max(1, len(shown)) + TOTAL_H + (CELL_H if len(voters) > len(shown) else 0)
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    small, normal, bold = _font(13), _font(15), _font(17)

    draw.text((PAD, PAD), shorten(results.poll.title, 40), fill=TEXT, font=bold)
    draw.text((PAD, PAD + 24), f"Times in {zone}", fill=MUTED, font=small)
    best = results.best() if voters else None
    top = PAD + HEADER_H
    for col, tally in enumerate(results.options):
        x = PAD + NAME_W + col * CELL_W
        local = ParsedTime(tally.option.starts_at, zone).local
        colour = BEST if tally is best else TEXT
        draw.text((x + 4, top - 40), f"{local:%a %-d}", fill=colour, font=small)
        draw.text((x + 4, top - 22), f"{local:%H:%M}", fill=colour, font=normal)
    for row, user_id in enumerate(shown):
        y = top + row * CELL_H
        name = results.names.get(user_id, f"member {str(user_id)[-4:]}")
        draw.text((PAD, y + 6), shorten(name, 18), fill=TEXT, font=normal)
        for col, tally in enumerate(results.options):
            fill = WORKS if user_id in tally.yes else IF_NEED_BE if user_id in tally.if_need_be else NO
            x = PAD + NAME_W + col * CELL_W
            draw.rectangle((x + 2, y + 2, x + CELL_W - 2, y + CELL_H - 2), fill=fill)
    y = top + CELL_H * max(1, len(shown))
    if len(voters) > len(shown):
        draw.text((PAD, y + 6), f"and {len(voters) - len(shown)} more voters", fill=MUTED, font=small)
        y += CELL_H
    draw.text((PAD, y + 8), "works / if need be", fill=MUTED, font=small)
    for col, tally in enumerate(results.options):
        x = PAD + NAME_W + col * CELL_W
        draw.text((x + 4, y + 8), f"{len(tally.yes)} / {len(tally.if_need_be)}", fill=TEXT, font=normal)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
