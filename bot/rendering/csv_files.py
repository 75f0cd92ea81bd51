"""Every CSV file the bot sends is written here, so that every one is safe to open in a spreadsheet.

Members choose their own display names, and an organizer opens the export in Excel, LibreOffice
or Google Sheets, which run a cell as a formula when it starts with `=`, `+`, `-` or `@` (and
some after a leading tab, carriage return or line feed). Such a cell gets a leading apostrophe:
every spreadsheet reads the cell as text after it, and Excel and LibreOffice hide the apostrophe
itself. This is OWASP's advice for CSV injection.

The choice has a cost: a name that is a negative number (`-5`) is also written `'-5`, so it
stays text, as a name should be, instead of being read as the number -5. The bot's own cells
(ids, counts, positions, UTC times such as `2027-03-20T10:00:00+00:00`) never start with one of
these characters, so no figure of ours is changed.

Every field is quoted (csv.QUOTE_ALL): a spreadsheet set to split on `;` (the usual separator
where the decimal mark is a comma) or on tabs keeps a quoted field whole. Quotes inside a field
are doubled, and commas and line breaks stay inside their quoted field, as RFC 4180 says. Not
every reader honours the quotes, though (Excel resumes splitting after a closing quote that is
not followed by its own separator), so a separator or line break inside a cell that is followed
by a formula character gets the apostrophe too: `;=1` is written `;'=1`, and whatever splits it
finds text after the split. Spaces before the formula character do not change that (Google
Sheets trims cells when it imports them). Real names rarely hold such a pair; the apostrophe is
what it costs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# What a spreadsheet may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NEUTRALISER = "'"

Cell = str | int | None


# A separator (comma, semicolon, tab) or line break inside a cell, followed by a formula start
# (after spaces too: an import that trims cells would take ` =1` as `=1`).
_SPLIT_THEN_FORMULA = re.compile(r"([,;\t\r\n])(?= *[=+\-@\t\r\n])")


def neutralise_cell(value: Cell) -> str:
    """The cell as text that no spreadsheet runs as a formula, even one that splits it."""
    text = "" if value is None else str(value)
    text = _SPLIT_THEN_FORMULA.sub(rf"\1{NEUTRALISER}", text)
    return NEUTRALISER + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


class _Neutralised(dict[Cell, str]):
    """Each distinct cell neutralised once: most cells of a big export repeat (works, if need be,
    empty), and checking a cell costs more than looking it up."""

    def __missing__(self, cell: Cell) -> str:
        text = self[cell] = neutralise_cell(cell)
        return text


def write_csv(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file (UTF-8, every field quoted, every cell neutralised) of `header` and `rows`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    safe = _Neutralised()
    writer.writerow([safe[cell] for cell in header])
    writer.writerows([safe[cell] for cell in row] for row in rows)
    # A name can hold a lone surrogate (JSON allows the escape); it must not stop the export.
    return buffer.getvalue().encode("utf-8", errors="replace")
