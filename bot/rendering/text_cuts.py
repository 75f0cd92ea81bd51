"""Cutting readable text to a length, the way Discord counts it, at a point a reader would choose.

Discord counts characters as Unicode code points (its API is Python 3; discord-api-docs #1315:
"the API calculates length based on the number of codepoints in the string"), which is what
`len` of a Python `str` gives, so the limits here are plain `len` comparisons.

A cut never falls inside something that stops working when halved: a mention (`<@1>`, `<@&1>`,
`<#1>`), a command mention, a Discord timestamp (`<t:1:F>`), a custom emoji, a link (a URL, or a
markdown link `[text](url)`), nor inside a character a reader sees as one (a flag, an emoji
sequence joined by ZWJ, a Devanagari syllable with its marks)."""

from __future__ import annotations

import bisect

import regex

ELLIPSIS = "…"
# How far back from the limit a cut looks for a space, so that no word is split; text without
# spaces (Chinese, Japanese, one long word) is cut between characters instead.
WORD_SEARCH = 24
# A cluster longer than this is no character a reader sees as one (a run of conjoining jamo, a
# letter under a pile of marks): it may be cut between its code points, or nothing would be left.
LONGEST_CLUSTER = 32

_UNBREAKABLE = regex.compile(
    r"""
      <(?:@[!&]?|\#)\d+>                           # user, role and channel mentions
    | </[^<>:\n]{1,100}:\d+>                        # a slash command mention
    | <t:-?\d+(?::[A-Za-z])?>                       # a Discord timestamp
    | <a?:\w{1,32}:\d+>                             # a custom emoji
    | \[[^\]\n]*\]\(<?https?://[^\s)>]*>?\)         # a markdown link, [text](url) or [text](<url>)
    | <https?://[^\s<>]+>                           # a link that shows no preview
    | https?://[^\s<>\[\]]+                         # a bare link (a bracket starts a markdown link)
    """,
    regex.VERBOSE | regex.IGNORECASE,
)
_GRAPHEME = regex.compile(r"\X")


def fit_text(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and an ellipsis, cut where no word,
    mention, link, timestamp or visible character is split (so it may come out shorter)."""
    if len(text) <= limit:
        return text
    if limit < len(ELLIPSIS):
        return ""
    cut = cut_point(text, limit - len(ELLIPSIS))
    return text[:cut].rstrip() + ELLIPSIS


def cut_point(text: str, room: int) -> int:
    """The largest index at most `room` where `text` may be cut, preferring the end of a word."""
    spans = _unbreakable_spans(text, room)
    boundaries = _cluster_boundaries(text, room)
    point = _settle(room, spans, boundaries)
    if point < len(text) and text[point].isspace():
        return point  # already the end of a word
    for index in range(point - 1, max(0, point - WORD_SEARCH), -1):
        if text[index].isspace() and _settle(index, spans, boundaries) == index:
            return index
    return point


def _settle(point: int, spans: list[tuple[int, int]], boundaries: list[int]) -> int:
    """Move `point` back until it is neither inside an unbreakable span nor inside a cluster."""
    while True:
        moved = _before_span(point, spans)
        moved = boundaries[bisect.bisect_right(boundaries, moved) - 1]
        if moved == point:
            return point
        point = moved


def _before_span(point: int, spans: list[tuple[int, int]]) -> int:
    for start, end in spans:
        if start < point < end:
            return start
    return point


def _unbreakable_spans(text: str, room: int) -> list[tuple[int, int]]:
    spans = []
    for match in _UNBREAKABLE.finditer(text):
        if match.start() >= room:
            break
        spans.append(match.span())
    return spans


def _cluster_boundaries(text: str, room: int) -> list[int]:
    """Every index up to `room` between two grapheme clusters, 0 included (and `room` itself when
    it falls inside an overlong cluster). Clusters are found in a prefix long enough to see whole
    the cluster the cut falls in."""
    boundaries = [0]
    for match in _GRAPHEME.finditer(text, 0, room + LONGEST_CLUSTER + 1):
        if match.end() > room:
            if match.end() - match.start() > LONGEST_CLUSTER:
                boundaries.append(room)
            break
        boundaries.append(match.end())
    return boundaries
