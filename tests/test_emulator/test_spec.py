"""The spec machinery: route matching, the speed rewrites keep validation exact, corrections, cost."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.emulator.rest_routes import all_handlers
from tests.emulator.schema import SPEC_URI, SpecValidator, discord_error_tree
from tests.emulator.spec import load_spec, spec_path
from tests.emulator.spec_patches import apply_documented_corrections

SPEC = load_spec()
VALIDATOR = SpecValidator(SPEC)


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "params"),
    [
        ("GET", "/users/@me", "get_my_user", {}),
        ("GET", "/users/42", "get_user", {"user_id": "42"}),
        ("POST", "/channels/1/messages/bulk-delete", "bulk_delete_messages", {"channel_id": "1"}),
        (
            "PUT",
            "/channels/1/messages/2/reactions/%E2%9C%85/@me",
            "add_my_message_reaction",
            {"channel_id": "1", "message_id": "2", "emoji_name": "✅"},
        ),
        (
            "DELETE",
            "/channels/1/messages/2/reactions/party:9/7",
            "delete_user_message_reaction",
            {"channel_id": "1", "message_id": "2", "emoji_name": "party:9", "user_id": "7"},
        ),
        (
            "PATCH",
            "/webhooks/1/tok/messages/@original",
            "update_original_webhook_message",
            {"webhook_id": "1", "webhook_token": "tok"},
        ),
        (
            "PATCH",
            "/webhooks/1/tok/messages/5",
            "update_webhook_message",
            {"webhook_id": "1", "webhook_token": "tok", "message_id": "5"},
        ),
    ],
)
def test_paths_match_the_most_specific_template(
    method: str, path: str, operation_id: str, params: dict[str, str]
) -> None:
    match = SPEC.match(method, path)
    assert match is not None
    assert (match.operation.operation_id, match.params) == (operation_id, params)


def test_unknown_paths_do_not_match() -> None:
    assert SPEC.match("GET", "/channels/1/nope") is None
    assert SPEC.match("PUT", "/users/@me") is None and SPEC.has_path("/users/@me")


def test_every_handler_names_an_operation_of_the_spec() -> None:
    operation_ids = {op.operation_id for op in SPEC.operations}
    assert set(all_handlers()) <= operation_ids


def _raw_validator(pointer: str) -> Draft202012Validator:
    """A validator over the corrected spec without the speed rewrites: the reference semantics."""
    with open(spec_path(), encoding="utf-8") as handle:
        document = json.load(handle)
    apply_documented_corrections(document)
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": SPEC_URI + pointer}, registry=registry)


BUTTON = {"type": 2, "style": 1, "label": "Going", "custom_id": "rsvp:1:going"}
OPTION = {"label": "18:00", "value": "a"}
SELECT = {"type": 3, "custom_id": "poll", "options": [OPTION]}
MESSAGE_BODIES = [
    {"content": "hi", "embeds": [{"title": "t", "fields": [{"name": "a", "value": "b", "inline": True}]}]},
    {"content": "hi", "components": [{"type": 1, "components": [BUTTON, {**BUTTON, "custom_id": "b"}]}]},
    {"components": [{"type": 1, "components": [SELECT]}]},
    {"components": [{"type": 1, "components": [{**BUTTON, "style": None}]}]},
    {"components": [{"type": 1, "components": [{k: v for k, v in BUTTON.items() if k != "style"}]}]},
    {"components": [{"type": 99, "components": []}]},
    {"components": [{"type": 1, "components": [SELECT, SELECT, SELECT, SELECT, SELECT, SELECT]}]},
    {"components": [{"type": 1, "components": [{**SELECT, "options": [OPTION] * 26}]}]},
    {"components": [{"type": 10, "content": "text"}], "flags": 1 << 15},
    {"embeds": [{"title": "x" * 257}]},
    {"allowed_mentions": {"parse": ["users", "roles"], "users": [1, "2"]}, "content": "x"},
    {"allowed_mentions": {"parse": ["nobody"]}, "content": "x"},
    {"message_reference": {"message_id": 1, "channel_id": "2"}, "content": "x"},
    {"message_reference": None, "poll": None, "nonce": "n" * 26},
    {"content": 5},
    {"content": "x", "nonce": 12},
    {"content": "x", "nonce": 1.5},
    {"content": "x", "nonce": True},
    {"allowed_mentions": {"users": [None, -1]}, "content": "x"},
    {"allowed_mentions": {"users": ["12", 12, "x"]}, "content": "x"},
    [],
]
CALLBACK_BODIES = [
    {"type": 1},
    {"type": 4, "data": {"content": "x", "flags": 64}},
    {"type": 5},
    {"type": 6},
    {"type": 7, "data": {"components": []}},
    {"type": 8, "data": {"choices": [{"name": "a", "value": "a"}]}},
    {
        "type": 9,
        "data": {
            "custom_id": "m",
            "title": "T",
            "components": [{"type": 1, "components": [{"type": 4, "custom_id": "n", "label": "N", "style": 1}]}],
        },
    },
    {"type": 9, "data": {"custom_id": "m", "title": "T", "components": []}},
    {"type": 2},
    {"type": 4, "data": 3},
    {"type": 8, "data": {"choices": [{"name": "a", "value": 1.5}]}},
    {},
]


@pytest.mark.parametrize(
    ("method", "template", "bodies"),
    [
        ("POST", "/channels/{channel_id}/messages", MESSAGE_BODIES),
        ("POST", "/interactions/{interaction_id}/{interaction_token}/callback", CALLBACK_BODIES),
    ],
)
def test_speed_rewrites_do_not_change_which_bodies_are_valid(method: str, template: str, bodies: list[Any]) -> None:
    operation = SPEC.find(method, template)
    assert operation is not None
    reference = _raw_validator(operation.request_schema_pointer("application/json"))
    verdicts = [(reference.is_valid(copy.deepcopy(b)), not VALIDATOR.check_request_body(operation, b)) for b in bodies]
    assert [fast for _, fast in verdicts] == [ref for ref, _ in verdicts]
    assert any(ref for ref, _ in verdicts) and not all(ref for ref, _ in verdicts)


def test_documented_corrections_are_listed() -> None:
    with open(spec_path(), encoding="utf-8") as handle:
        lines = apply_documented_corrections(json.load(handle))
    assert any("MessageCreateRequest.content.maxLength = 2000" in line for line in lines)


def test_a_wrong_answer_is_caught() -> None:
    operation = SPEC.find("GET", "/users/@me")
    assert operation is not None
    violations = VALIDATOR.check_response_body(operation, 200, {"id": 1, "username": "x"})
    assert {v.json_path for v in violations} >= {"id", "avatar"}


def test_error_tree_is_nested_like_discords() -> None:
    operation = SPEC.find("POST", "/channels/{channel_id}/messages")
    assert operation is not None
    violations = VALIDATOR.check_request_body(operation, {"embeds": [{"title": "x" * 300}], "content": 1})
    assert discord_error_tree(violations) == {
        "content": {"_errors": [{"code": "BASE_TYPE_BAD_TYPE", "message": "1 is not of type 'string', 'null'"}]},
        "embeds": {
            "0": {
                "title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]}
            }
        },
    }


def test_validating_a_typical_meetup_message_costs_under_a_millisecond_or_so() -> None:
    operation = SPEC.find("POST", "/channels/{channel_id}/messages")
    assert operation is not None
    body = {
        "content": "<@1> <@2> reminder: Dinner starts <t:1900000000:R>",
        "embeds": [
            {
                "title": "Dinner in Gangnam",
                "description": "x" * 400,
                "color": 0x5865F2,
                "fields": [{"name": f"Going ({n})", "value": "- alice\n- bob", "inline": True} for n in range(3)],
                "footer": {"text": "meetup #12"},
                "timestamp": "2030-05-01T10:00:00+00:00",
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [{**BUTTON, "custom_id": f"meetup:rsvp:12:{c}"} for c in ("going", "maybe", "no")],
            }
        ],
        "allowed_mentions": {"parse": [], "users": ["1", "2"]},
        "nonce": "123456789",
        "enforce_nonce": True,
    }
    VALIDATOR.check_request_body(operation, body)
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        assert VALIDATOR.check_request_body(operation, body) == []
    mean_ms = (time.perf_counter() - started) / rounds * 1000
    print(f"validation of a meetup message: {mean_ms:.3f} ms")
    assert mean_ms < 10  # ~1 ms on a laptop; generous for slow CI machines
