"""Corrections to the preview spec where it disagrees with Discord's prose docs and live behaviour.

The spec's README says: where the spec and the docs disagree, follow the docs. Each correction below
names the docs' statement it restores. Keep this list short and justified; anything else the spec says
is enforced as written.
"""

from __future__ import annotations

from typing import Any

# (schema name, property, keyword, value, why)
_CORRECTIONS: tuple[tuple[str, str, str, Any, str], ...] = (
    (
        "MessageCreateRequest",
        "content",
        "maxLength",
        2000,
        "docs, Create Message: 'Message contents (up to 2000 characters)'; the spec says 4000 (Nitro users)",
    ),
    (
        "MessageEditRequestPartial",
        "content",
        "maxLength",
        2000,
        "docs, Edit Message: 'Message contents (up to 2000 characters)'; the spec says 4000",
    ),
    (
        "ApplicationCommandOptionStringChoice",
        "value",
        "maxLength",
        100,
        "docs, Application Command Option Choice: 'Value for the choice, up to 100 characters if string'; "
        "the spec says 6000",
    ),
)

_FIELD_ERROR = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    "required": ["code", "message"],
}
# (schema name, property, new items schema, why)
_ITEM_CORRECTIONS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    (
        "InnerErrors",
        "_errors",
        _FIELD_ERROR,
        'docs, Error Messages: field errors carry string codes ({"code": "BASE_TYPE_REQUIRED", ...}); '
        "the spec reuses the top-level Error with an integer code",
    ),
)

SNOWFLAKE = "#/components/schemas/SnowflakeType"
REQUEST_SNOWFLAKE_NAME = "SnowflakeInRequestType"
REQUEST_SNOWFLAKE = f"#/components/schemas/{REQUEST_SNOWFLAKE_NAME}"
_REQUEST_SNOWFLAKE_WHY = (
    "snowflakes in request bodies may be JSON integers: the docs' own examples send them so "
    '(Uploading Files: "attachments": [{"id": 0, ...}]) and discord.py sends ints for allowed_mentions, '
    "message_reference, attachment ids; answers keep the strict string form"
)


def apply_documented_corrections(document: dict[str, Any]) -> list[str]:
    """Apply the corrections in place; return a line per correction for logs and reports."""
    schemas = document["components"]["schemas"]
    applied = []
    for schema_name, prop, keyword, value, why in _CORRECTIONS:
        schemas[schema_name]["properties"][prop][keyword] = value
        applied.append(f"{schema_name}.{prop}.{keyword} = {value!r}: {why}")
    for schema_name, prop, items, why in _ITEM_CORRECTIONS:
        schemas[schema_name]["properties"][prop]["items"] = items
        applied.append(f"{schema_name}.{prop}.items: {why}")
    _accept_integer_snowflakes_in_requests(document)
    applied.append(f"{REQUEST_SNOWFLAKE_NAME}: {_REQUEST_SNOWFLAKE_WHY}")
    return applied


def _accept_integer_snowflakes_in_requests(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    schemas[REQUEST_SNOWFLAKE_NAME] = {
        "type": ["string", "integer"],
        "anyOf": [{"$ref": SNOWFLAKE}, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}],
    }
    for name, schema in schemas.items():
        if "Response" not in name and name != REQUEST_SNOWFLAKE_NAME:
            _swap_snowflake_refs(schema)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                _swap_snowflake_refs(operation["requestBody"])


def _swap_snowflake_refs(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == SNOWFLAKE:
            node["$ref"] = REQUEST_SNOWFLAKE
        for value in node.values():
            _swap_snowflake_refs(value)
    elif isinstance(node, list):
        for value in node:
            _swap_snowflake_refs(value)
