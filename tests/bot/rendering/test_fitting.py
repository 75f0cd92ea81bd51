"""Fitting message bodies into Discord's limits: whatever the text, the fitted body is one Discord
takes (its OpenAPI schema, its rules, its documented limits); what fits is left alone; what carries
ids is never cut."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rendering.fitting import (
    Unfittable,
    fit_choices,
    fit_filename,
    fit_interaction_response,
    fit_message,
)
from tests.bot.rendering.scripts import text_near
from tests.bot.rendering.wire_checks import CHANNEL_MESSAGE, INTERACTION_RESPONSE, choice_refusals, refusals
from tests.emulator.discord_rules import embed_characters


def around(limit: int) -> st.SearchStrategy[str]:
    """At, just under and over the limit, and now and then far over it."""
    return st.integers(0, 3).flatmap(lambda k: text_near(limit, under=2, over=(1, 2, limit // 4, limit)[k]))


@st.composite
def embeds(draw: st.DrawFn) -> dict[str, Any]:
    embed: dict[str, Any] = {"type": "rich", "title": draw(around(256)), "description": draw(around(4096))}
    embed["fields"] = [
        {"name": draw(around(256)), "value": draw(around(1024)), "inline": draw(st.booleans())}
        for _ in range(draw(st.integers(0, 27)))
    ]
    if draw(st.booleans()):
        embed["footer"] = {"text": draw(around(2048))}
    if draw(st.booleans()):
        embed["author"] = {"name": draw(around(256))}
    return embed


@st.composite
def action_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    buttons = [
        {"type": 2, "style": 1, "label": draw(around(80)), "custom_id": f"meetup:rsvp:{n}:going"}
        for n in range(draw(st.integers(1, 5)))
    ]
    options = [
        {
            "label": draw(around(100)),
            "value": draw(st.one_of(st.just(str(n)), around(100))),
            "description": draw(around(100)),
        }
        for n in range(draw(st.integers(1, 30)))
    ]
    options[0]["value"] = "0"  # at least one option Discord can take
    select = {"type": 3, "custom_id": "poll:vote:1:yes", "placeholder": draw(around(150)), "options": options}
    select["max_values"] = min(len(options), 25)
    return [{"type": 1, "components": buttons}, {"type": 1, "components": [select]}]


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = {"content": draw(around(2000))}
    message["embeds"] = draw(st.lists(embeds(), max_size=3))
    if draw(st.booleans()):
        message["components"] = draw(action_rows())
    if draw(st.booleans()):
        name = draw(around(1024)).replace("/", "_").replace("\\", "_").strip() or "x"
        message["attachments"] = [{"id": 0, "filename": f"{name}.ics"}]
    return message


@given(messages())
def test_a_fitted_message_is_one_discord_takes(message: dict[str, Any]) -> None:
    cuts: list[str] = []
    fitted = fit_message(message, cuts)
    assert refusals(CHANNEL_MESSAGE, fitted) == []
    if refusals(CHANNEL_MESSAGE, message) == []:
        assert fitted == message and cuts == []  # nothing that fits is touched


@given(messages())
def test_a_fitted_interaction_answer_is_one_discord_takes(message: dict[str, Any]) -> None:
    body = {"type": 4, "data": {**message, "flags": 64}}
    cuts: list[str] = []
    fitted = fit_interaction_response(body, cuts)
    assert refusals(INTERACTION_RESPONSE, fitted) == []
    assert bool(cuts) == (refusals(INTERACTION_RESPONSE, body) != [])


CHOICE_VALUES = st.one_of(
    st.lists(st.integers(0, 2**53), max_size=40),  # a meetup's number
    st.lists(st.one_of(st.text(min_size=1, max_size=8), around(100)), max_size=40),  # a zone's name
)


@given(st.lists(around(100), min_size=40, max_size=40), CHOICE_VALUES)
def test_autocomplete_choices_fit_and_a_value_is_left_out_rather_than_cut(names: list[str], values: list[Any]) -> None:
    given_choices = [{"name": name or "x", "value": value} for name, value in zip(names, values, strict=False)]
    fitted = fit_choices(given_choices, [])
    assert choice_refusals(fitted) == []
    given_values = [c["value"] for c in given_choices]
    assert all(c["value"] in given_values for c in fitted)  # values are never changed
    short = [v for v in given_values if not (isinstance(v, str) and len(v) > 100)]
    assert [c["value"] for c in fitted] == short[:25]


def test_the_embed_total_gives_way_in_the_descriptions_first() -> None:
    embed = {"title": "Results", "description": "d " * 2500, "fields": [{"name": "Going", "value": "<@1> " * 200}]}
    cuts: list[str] = []
    (fitted,) = fit_message({"embeds": [embed, dict(embed)]}, cuts)["embeds"][1:]
    assert embed_characters(fitted) <= 6000
    assert fitted["fields"] == embed["fields"]  # the lists of members are kept; the text gave way
    assert any("6,000" in cut for cut in cuts)


def test_a_custom_id_is_never_cut() -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "x" * 101}]}
    with pytest.raises(Unfittable, match="custom_id"):
        fit_message({"components": [row]}, [])


def test_a_select_option_with_a_value_too_long_is_left_out() -> None:
    options = [{"label": "One", "value": "1"}, {"label": "Long", "value": "v" * 101}]
    row = {"type": 1, "components": [{"type": 3, "custom_id": "pick", "options": options}]}
    cuts: list[str] = []
    fitted = fit_message({"components": [row]}, cuts)
    assert fitted["components"][0]["components"][0]["options"] == [{"label": "One", "value": "1"}]
    assert cuts == ["components.0.components.0.options (1 left out: value over 100)"]
    with pytest.raises(Unfittable):
        fit_message({"components": [{**row, "components": [{**row["components"][0], "options": options[1:]}]}]}, [])


def test_a_file_name_keeps_its_extension() -> None:
    assert fit_filename("모임 " * 400 + ".ics").endswith("….ics")
    assert len(fit_filename("모임 " * 400 + ".ics")) <= 1024
    assert fit_filename("meetup-12.ics") == "meetup-12.ics"


def test_a_modal_title_and_its_inputs_fit() -> None:
    text_input = {"type": 4, "custom_id": "reason", "style": 2, "label": "이유를 " * 30, "value": "x" * 5000}
    body = {
        "type": 9,
        "data": {
            "custom_id": "cancel:1",
            "title": "취소 " * 30,
            "components": [{"type": 1, "components": [text_input]}],
        },
    }
    fitted = fit_interaction_response(body, [])
    assert refusals(INTERACTION_RESPONSE, fitted) == []
    assert fitted["data"]["title"].endswith("…") and len(fitted["data"]["title"]) <= 45
