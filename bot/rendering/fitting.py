"""Fitting what the bot sends into Discord's documented limits, as the JSON Discord receives:
messages, embeds, components, modals, autocomplete choices and file names.

Readable text is cut with an ellipsis at a safe point (`text_cuts`); what carries ids or a link
(a `custom_id`, a link button's URL) is never cut: over its limit it is a bug, and raises
`Unfittable`. An option or choice whose value is too long is left out rather than cut, since a
cut value would name something else. Inputs are never changed: what is cut is a copy.

Each function takes `cuts`, a list it appends the JSON path of everything it cut or left out to
(`embeds.0.description`), so the sender can say what did not fit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.rendering import limits
from bot.rendering.text_cuts import fit_text

JSON = dict[str, Any]

# Component types (discord-api-docs, Component Types), and their readable texts with limits.
BUTTON, STRING_SELECT, TEXT_INPUT, LABEL, TEXT_DISPLAY = 2, 3, 4, 18, 10
_SELECTS = (3, 5, 6, 7, 8)
_COMPONENT_TEXTS: dict[int, tuple[tuple[str, int], ...]] = {
    BUTTON: (("label", limits.BUTTON_LABEL),),
    **dict.fromkeys(_SELECTS, (("placeholder", limits.SELECT_PLACEHOLDER),)),
    TEXT_INPUT: (
        ("label", limits.TEXT_INPUT_LABEL),
        ("placeholder", limits.TEXT_INPUT_PLACEHOLDER),
        ("value", limits.TEXT_INPUT_VALUE),
    ),
    TEXT_DISPLAY: (("content", limits.TEXT_DISPLAY),),
    LABEL: (("label", limits.TEXT_INPUT_LABEL), ("description", limits.SELECT_OPTION_DESCRIPTION)),
}
_EMBED_TEXTS = (("title", limits.EMBED_TITLE), ("description", limits.EMBED_DESCRIPTION))
_FIELD_TEXTS = (("name", limits.EMBED_FIELD_NAME), ("value", limits.EMBED_FIELD_VALUE))
_OPTION_TEXTS = (("label", limits.SELECT_OPTION_LABEL), ("description", limits.SELECT_OPTION_DESCRIPTION))

# Interaction callback types whose data is a message, an autocomplete answer or a modal.
_MESSAGE_CALLBACKS = (4, 7)
AUTOCOMPLETE_CALLBACK, MODAL_CALLBACK = 8, 9

# An over-long embed total is cut from the parts readers miss least: descriptions first.
_TOTAL_CUT_ORDER = ("description", "field_value", "field_name", "footer", "title", "author")


class Unfittable(ValueError):
    """Something that carries ids or a link is over Discord's limit: cutting it would break it."""


def _text(value: Any, limit: int, path: str, cuts: list[str]) -> Any:
    if not isinstance(value, str) or len(value) <= limit:
        return value
    cuts.append(path)
    return fit_text(value, limit)


def _fit_keys(holder: Mapping[str, Any], texts: Sequence[tuple[str, int]], path: str, cuts: list[str]) -> JSON:
    """A copy of `holder` with each of `texts` (key, limit) that it has fitted."""
    fitted = dict(holder)
    for key, limit in texts:
        if key in fitted:
            fitted[key] = _text(fitted[key], limit, f"{path}{key}", cuts)
    return fitted


def fit_message(message: Mapping[str, Any], cuts: list[str], path: str = "") -> JSON:
    """A message body (create, edit, webhook, interaction reply) within every limit."""
    fitted = _fit_keys(message, [("content", limits.MESSAGE_CONTENT)], path, cuts)
    if isinstance(fitted.get("embeds"), list):
        fitted["embeds"] = fit_embeds(fitted["embeds"], cuts, f"{path}embeds")
    if isinstance(fitted.get("components"), list):
        fitted["components"] = fit_components(fitted["components"], cuts, f"{path}components")
    if isinstance(fitted.get("attachments"), list):
        fitted["attachments"] = [
            _fit_attachment(a, f"{path}attachments.{i}", cuts) for i, a in enumerate(fitted["attachments"])
        ]
    return fitted


def _fit_attachment(attachment: Any, path: str, cuts: list[str]) -> Any:
    if not isinstance(attachment, dict) or not isinstance(attachment.get("filename"), str):
        return attachment
    name = fit_filename(attachment["filename"])
    if name == attachment["filename"]:
        return attachment
    cuts.append(f"{path}.filename")
    return {**attachment, "filename": name}


def fit_filename(name: str, limit: int = limits.ATTACHMENT_FILENAME) -> str:
    """The name within `limit`, its extension kept so the file still opens."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        return fit_text(name, limit)
    return fit_text(stem, limit - len(extension) - 1) + "." + extension


def fit_embeds(embeds: Sequence[Any], cuts: list[str], path: str = "embeds") -> list[Any]:
    """At most ten embeds, each part within its limit, all of them within 6,000 characters."""
    if len(embeds) > limits.EMBEDS_PER_MESSAGE:
        cuts.append(f"{path}[{limits.EMBEDS_PER_MESSAGE}:]")
    fitted = [
        _fit_embed(e, f"{path}.{i}", cuts) if isinstance(e, dict) else e
        for i, e in enumerate(embeds[: limits.EMBEDS_PER_MESSAGE])
    ]
    _fit_total(fitted, cuts, path)
    return fitted


def _fit_embed(embed: JSON, path: str, cuts: list[str]) -> JSON:
    fitted = _fit_keys(embed, _EMBED_TEXTS, f"{path}.", cuts)
    for key, text_key, limit in (("footer", "text", limits.EMBED_FOOTER), ("author", "name", limits.EMBED_AUTHOR)):
        if isinstance(fitted.get(key), dict):
            fitted[key] = _fit_keys(fitted[key], [(text_key, limit)], f"{path}.{key}.", cuts)
    fields = fitted.get("fields")
    if isinstance(fields, list):
        if len(fields) > limits.EMBED_FIELDS:
            cuts.append(f"{path}.fields[{limits.EMBED_FIELDS}:]")
        fitted["fields"] = [
            _fit_field(f, f"{path}.fields.{i}", cuts) for i, f in enumerate(fields[: limits.EMBED_FIELDS])
        ]
    return fitted


def _fit_field(field: Any, path: str, cuts: list[str]) -> Any:
    if not isinstance(field, dict):
        return field
    return _fit_keys(field, _FIELD_TEXTS, f"{path}.", cuts)


def _counted_texts(embed: Mapping[str, Any]) -> Iterator[tuple[str, Any, str, str]]:
    """(kind, the dict holding it, its key, the text) for each part that counts toward the total."""
    for key in ("title", "description"):
        if isinstance(embed.get(key), str):
            yield key, embed, key, embed[key]
    for field in embed.get("fields") or []:
        if isinstance(field, dict):
            for key in ("name", "value"):
                if isinstance(field.get(key), str):
                    yield f"field_{key}", field, key, field[key]
    for kind, key in (("footer", "text"), ("author", "name")):
        part = embed.get(kind)
        if isinstance(part, dict) and isinstance(part.get(key), str):
            yield kind, part, key, part[key]


def _fit_total(embeds: list[Any], cuts: list[str], path: str) -> None:
    """Cut the copies in place until all embeds together are within Discord's 6,000 characters."""
    parts = [
        (kind, i, holder, key)
        for i, e in enumerate(embeds)
        if isinstance(e, dict)
        for kind, holder, key, _ in _counted_texts(e)
    ]
    excess = sum(len(holder[key]) for _, _, holder, key in parts) - limits.EMBED_TOTAL
    for kind in _TOTAL_CUT_ORDER:
        for _, index, holder, key in reversed([p for p in parts if p[0] == kind]):
            if excess <= 0:
                return
            text = holder[key]
            shorter = fit_text(text, max(1, len(text) - excess))
            if len(shorter) < len(text):
                cuts.append(f"{path}.{index} ({kind}, for the 6,000 total)")
                holder[key] = shorter
                excess -= len(text) - len(shorter)


def fit_components(components: Sequence[Any], cuts: list[str], path: str = "components") -> list[Any]:
    """Components (rows, buttons, selects, text inputs, v2 layouts) with every text within limits."""
    return [_fit_component(c, f"{path}.{i}", cuts) for i, c in enumerate(components)]


def _fit_component(component: Any, path: str, cuts: list[str]) -> Any:
    if not isinstance(component, dict):
        return component
    _require_within(component, "custom_id", limits.CUSTOM_ID, path)
    _require_within(component, "url", limits.BUTTON_URL, path)
    fitted = _fit_keys(component, _COMPONENT_TEXTS.get(component.get("type", 0), ()), f"{path}.", cuts)
    if component.get("type") == STRING_SELECT and isinstance(component.get("options"), list):
        fitted["options"] = _fit_options(component["options"], f"{path}.options", cuts)
    if isinstance(component.get("components"), list):
        fitted["components"] = fit_components(component["components"], cuts, f"{path}.components")
    for key in ("accessory", "component"):
        if isinstance(component.get(key), dict):
            fitted[key] = _fit_component(component[key], f"{path}.{key}", cuts)
    return fitted


def _require_within(component: Mapping[str, Any], key: str, limit: int, path: str) -> None:
    value = component.get(key)
    if isinstance(value, str) and len(value) > limit:
        raise Unfittable(f"{path}.{key} is {len(value)} characters (Discord takes {limit}): {value[:40]!r}…")


def _fit_options(options: Sequence[Any], path: str, cuts: list[str]) -> list[Any]:
    usable = [o for o in options if not _value_too_long(o, limits.SELECT_OPTION_VALUE)]
    if len(usable) < len(options):
        cuts.append(f"{path} ({len(options) - len(usable)} left out: value over {limits.SELECT_OPTION_VALUE})")
    if not usable:
        raise Unfittable(f"{path}: no option has a value Discord would take")
    if len(usable) > limits.SELECT_OPTIONS:
        cuts.append(f"{path}[{limits.SELECT_OPTIONS}:]")
    return [
        _fit_keys(option, _OPTION_TEXTS, f"{path}.{index}.", cuts) if isinstance(option, dict) else option
        for index, option in enumerate(usable[: limits.SELECT_OPTIONS])
    ]


def _value_too_long(item: Any, limit: int) -> bool:
    return isinstance(item, dict) and isinstance(item.get("value"), str) and len(item["value"]) > limit


def fit_choices(choices: Sequence[Any], cuts: list[str], path: str = "choices") -> list[Any]:
    """Autocomplete choices: at most 25, names within 100; a choice whose value is over 100 is
    left out (a cut value would be another value)."""
    usable = [c for c in choices if not _value_too_long(c, limits.AUTOCOMPLETE_CHOICE_VALUE)]
    if len(usable) < len(choices):
        left_out = len(choices) - len(usable)
        cuts.append(f"{path} ({left_out} left out: value over {limits.AUTOCOMPLETE_CHOICE_VALUE})")
    if len(usable) > limits.AUTOCOMPLETE_CHOICES:
        cuts.append(f"{path}[{limits.AUTOCOMPLETE_CHOICES}:]")
    return [_fit_choice(c, f"{path}.{i}", cuts) for i, c in enumerate(usable[: limits.AUTOCOMPLETE_CHOICES])]


def _fit_choice(choice: Any, path: str, cuts: list[str]) -> Any:
    if not isinstance(choice, dict):
        return choice
    fitted = _fit_keys(choice, [("name", limits.AUTOCOMPLETE_CHOICE_NAME)], f"{path}.", cuts)
    localized = choice.get("name_localizations")
    if isinstance(localized, dict):
        fitted["name_localizations"] = {
            locale: _text(name, limits.AUTOCOMPLETE_CHOICE_NAME, f"{path}.name_localizations.{locale}", cuts)
            for locale, name in localized.items()
        }
    return fitted


def fit_interaction_response(body: Mapping[str, Any], cuts: list[str]) -> JSON:
    """An interaction callback: a message reply or update, an autocomplete answer, or a modal."""
    data = body.get("data")
    if not isinstance(data, dict):
        return dict(body)
    kind = body.get("type")
    if kind in _MESSAGE_CALLBACKS:
        data = fit_message(data, cuts, "data.")
    elif kind == AUTOCOMPLETE_CALLBACK and isinstance(data.get("choices"), list):
        data = {**data, "choices": fit_choices(data["choices"], cuts, "data.choices")}
    elif kind == MODAL_CALLBACK:
        data = _fit_keys(data, [("title", limits.MODAL_TITLE)], "data.", cuts)
        if isinstance(data.get("components"), list):
            data["components"] = fit_components(data["components"], cuts, "data.components")
    return {**body, "data": data}
