from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.rendering.text_cuts import ELLIPSIS
from bot.rendering.thread_names import THREAD_NAME_LIMIT, meetup_thread_name
from tests.bot.rendering.scripts import UNBREAKABLE_TOKENS, single_line, text_near


@given(st.one_of(single_line(256), text_near(256), text_near(THREAD_NAME_LIMIT)), st.integers(1, 10**9))
def test_a_thread_name_fits_discord_and_is_one_line_from_the_title(title: str, meetup_id: int) -> None:
    name = meetup_thread_name(title, meetup_id=meetup_id)
    assert 1 <= len(name) <= THREAD_NAME_LIMIT
    assert name == name.strip()
    assert "\n" not in name and "\t" not in name
    line = " ".join(title.split())
    if not line:
        assert name == f"Meetup #{meetup_id}"
    elif len(line) <= THREAD_NAME_LIMIT:
        assert name == line
    else:
        assert name.endswith(ELLIPSIS)
        assert line.startswith(name.removesuffix(ELLIPSIS))


@given(st.lists(UNBREAKABLE_TOKENS, min_size=1, max_size=12), st.text("ab ", max_size=90))
def test_a_mention_or_link_in_a_long_title_stays_whole_or_goes(tokens: list[str], start: str) -> None:
    title = start + " ".join(tokens)
    name = meetup_thread_name(title, meetup_id=7)
    kept = name.removesuffix(ELLIPSIS)
    line = " ".join(title.split())
    for token in tokens:
        at = line.find(token)
        if 0 <= at < len(kept):  # it starts before the cut: then it ends before it too
            assert at + len(token) <= len(kept)


def test_examples() -> None:
    assert meetup_thread_name("Korean ML dinner", meetup_id=3) == "Korean ML dinner"
    assert meetup_thread_name("  two\nlines  ", meetup_id=3) == "two lines"
    assert meetup_thread_name(" \n\t ", meetup_id=3) == "Meetup #3"
    long = "한국 " * 60
    name = meetup_thread_name(long, meetup_id=3)
    assert len(name) <= THREAD_NAME_LIMIT and name.endswith(ELLIPSIS) and "한국" in name
