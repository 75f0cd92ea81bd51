"""Rewrite the spec's unions into equivalent forms that jsonschema checks an order of magnitude faster.

The spec models every tagged union (components, command options, callback types) as `oneOf`, which
makes jsonschema validate the value against every alternative and build an error object for each one
that fails. For a message with a row of buttons that is ~100 discarded errors per request. Each
rewrite here keeps the meaning exactly and is only applied when the preconditions that make it exact
hold:

* `oneOf`/`anyOf` of `const`s            -> `enum` (consts are distinct, so exactly one matches);
* `oneOf` of `{"type": "null"}` and X     -> `x-nullable: X` when X itself never accepts null;
* union of objects tagged by a required property with disjoint values -> `x-discriminator`, which
  validates only the alternative the tag selects (exactly the one that could match);
* union of alternatives of pairwise different JSON types (say integer | string | null) -> `x-by-type`,
  which validates only the alternative of the instance's type;
* `{"enum": [4], "allOf": [{"$ref": Enum}]}` drops the allOf when the enum is a subset of Enum;
* a `$ref` to a schema that does not (directly or indirectly) refer back to itself is replaced by the
  schema object itself (shared, not copied), which saves a registry lookup per reference.

The two `x-` keywords are implemented in schema.py.
"""

from __future__ import annotations

import json
from typing import Any

NULLABLE = "x-nullable"
DISCRIMINATOR = "x-discriminator"
BY_TYPE = "x-by-type"
_ANNOTATIONS = {"title", "description"}


def normalise_for_speed(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in node and node["$ref"].startswith("#/components/schemas/") and seen < 10:
            node = schemas[node["$ref"].rsplit("/", 1)[-1]]
            seen += 1
        return node

    def transform(node: Any) -> Any:
        if isinstance(node, list):
            return [transform(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: transform(value) for key, value in node.items()}
        for keyword in ("oneOf", "anyOf"):
            alternatives = node.get(keyword)
            if not isinstance(alternatives, list):
                continue
            replacement = (
                _as_enum(alternatives)
                or _as_nullable(alternatives, resolve)
                or _as_discriminator(alternatives, resolve, keyword)
                or _as_by_type(alternatives, resolve)
            )
            if replacement is not None:
                del node[keyword]
                node.update(replacement)
        _drop_redundant_enum_ref(node, resolve)
        return node

    transformed: dict[str, Any] = transform(document)
    return _inline_references(transformed)


def _inline_references(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    done: dict[str, Any] = {}
    in_progress: set[str] = set()
    prefix = "#/components/schemas/"

    def schema(name: str) -> Any:
        if name not in done:
            in_progress.add(name)
            done[name] = inline(schemas[name])
            in_progress.discard(name)
        return done[name]

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix) and set(node) - _ANNOTATIONS == {"$ref"}:
            name = ref[len(prefix) :]
            if name not in in_progress:
                return schema(name)
            return node  # a cycle: keep the reference, resolved through the registry at run time
        return {key: inline(value) for key, value in node.items()}

    document["components"]["schemas"] = {name: schema(name) for name in schemas}
    document["paths"] = inline(document["paths"])
    document["components"]["responses"] = inline(document["components"]["responses"])
    return document


def _const_values(alternatives: list[Any]) -> list[Any] | None:
    if not alternatives or not all(
        isinstance(a, dict) and "const" in a and set(a) - _ANNOTATIONS == {"const"} for a in alternatives
    ):
        return None
    return [a["const"] for a in alternatives]


def _as_enum(alternatives: list[Any]) -> dict[str, Any] | None:
    values = _const_values(alternatives)
    if values is None or len({json.dumps(v) for v in values}) != len(values):
        return None
    return {"enum": values}


def _accepts_null(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if declared is None:
        return True  # no type constraint: it might accept null, so the rewrite would not be exact
    return declared == "null" or (isinstance(declared, list) and "null" in declared)


def _as_nullable(alternatives: list[Any], resolve: Any) -> dict[str, Any] | None:
    if len(alternatives) != 2:
        return None
    nulls = [
        a for a in alternatives if isinstance(a, dict) and set(a) - _ANNOTATIONS == {"type"} and a["type"] == "null"
    ]
    if len(nulls) != 1:
        return None
    other = alternatives[1] if alternatives[0] is nulls[0] else alternatives[0]
    if not isinstance(other, dict) or _accepts_null(resolve(other)):
        return None
    return {NULLABLE: other}


def _tag_values(schema: dict[str, Any], prop: str) -> list[Any] | None:
    if prop not in schema.get("required", []):
        return None
    definition = schema.get("properties", {}).get(prop)
    if not isinstance(definition, dict):
        return None
    if "const" in definition:
        return [definition["const"]]
    enum = definition.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _as_discriminator(alternatives: list[Any], resolve: Any, keyword: str) -> dict[str, Any] | None:
    if len(alternatives) < 2 or not all(isinstance(a, dict) for a in alternatives):
        return None
    targets = [resolve(a) for a in alternatives]
    if not all(t.get("type") == "object" for t in targets):
        return None
    common = set.intersection(*(set(t.get("required", [])) for t in targets))
    for prop in sorted(common, key=lambda p: (p != "type", p)):
        mapping: dict[str, Any] = {}
        exact = True
        for alternative, target in zip(alternatives, targets, strict=True):
            values = _tag_values(target, prop)
            if values is None:
                exact = False
                break
            for value in values:
                key = json.dumps(value)
                if key in mapping:
                    exact = False  # overlapping tags: oneOf semantics would differ
                mapping[key] = alternative
        if exact:
            return {DISCRIMINATOR: {"property": prop, "mapping": mapping, "union": keyword}}
    return None


def _declared_types(schema: dict[str, Any]) -> set[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list) and declared:
        return set(declared)
    return None


def _as_by_type(alternatives: list[Any], resolve: Any) -> dict[str, Any] | None:
    """Alternatives that each accept different JSON types: only the instance's type can match."""
    if len(alternatives) < 2 or not all(isinstance(a, dict) for a in alternatives):
        return None
    mapping: dict[str, Any] = {}
    for alternative in alternatives:
        types = _declared_types(resolve(alternative))
        if types is None:
            return None
        for name in types:
            if name in mapping:
                return None
            mapping[name] = alternative
    if "integer" in mapping and "number" in mapping:
        return None  # 3 is both an integer and a number: not a partition
    return {BY_TYPE: mapping}


def _drop_redundant_enum_ref(node: dict[str, Any], resolve: Any) -> None:
    all_of = node.get("allOf")
    enum = node.get("enum")
    if not isinstance(enum, list) or not isinstance(all_of, list) or len(all_of) != 1:
        return
    target = resolve(all_of[0])
    allowed = target.get("enum") or _const_values(target.get("oneOf") or target.get("anyOf") or [])
    if allowed is not None and all(value in allowed for value in enum):
        del node["allOf"]
