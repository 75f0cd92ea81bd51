"""Reading a submitted form (a modal) from the interaction alone, so that a form opened before a
restart is still read after it: no view object is kept for it."""

from __future__ import annotations

from typing import Any, cast

import discord


def form_values(interaction: discord.Interaction) -> tuple[str, dict[str, str]]:
    """The form's custom id and each text field's value by its custom id (action rows holding
    inputs, or labels holding one)."""
    data = cast(dict[str, Any], interaction.data or {})
    values: dict[str, str] = {}
    _collect(data.get("components", []), values)
    return str(data.get("custom_id", "")), values


def _collect(components: Any, values: dict[str, str]) -> None:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        if "value" in component and "custom_id" in component:
            values[str(component["custom_id"])] = str(component.get("value") or "")
        inner = [*component.get("components", []), *([component["component"]] if "component" in component else [])]
        _collect(inner, values)
