"""Validate request bodies (and, in tests, answers) against the spec, one compiled validator per schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, validators  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import field_error, merge_error_trees
from .spec import ApiSpec, Operation
from .spec_fastpath import BY_TYPE, DISCRIMINATOR, NULLABLE

SPEC_URI = "urn:discord-openapi"
DEFAULT_FILE_FIELDS = tuple(f"files[{i}]" for i in range(10))
_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")


def _nullable(validator: Any, subschema: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if instance is not None:
        yield from validator.descend(instance, subschema)


def _discriminated(validator: Any, spec: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        yield ValidationError(f"{_short(instance)} is not of type 'object'", validator="type")
        return
    prop = spec["property"]
    if prop not in instance:
        yield ValidationError(
            f"{prop!r} is a required property",
            validator="required",
            validator_value=[prop],
            instance=instance,
        )
        return
    tag = instance[prop]
    if isinstance(tag, float) and tag.is_integer():
        tag = int(tag)
    alternative = spec["mapping"].get(json.dumps(tag))
    if alternative is None:
        allowed = [json.loads(key) for key in spec["mapping"]]
        yield ValidationError(
            f"{_short(tag)} is not one of {allowed}",
            validator="enum",
            validator_value=allowed,
            instance=tag,
            path=[prop],
        )
        return
    yield from validator.descend(instance, alternative)


def _by_type(validator: Any, mapping: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    kind = _json_type(instance)
    if kind in ("integer", "number"):
        kind = "integer" if "integer" in mapping else "number"
    alternative = mapping.get(kind)
    if alternative is None:
        yield ValidationError(
            f"{_short(instance)} is not of type {', '.join(map(repr, mapping))}",
            validator="type",
            validator_value=list(mapping),
            instance=instance,
        )
        return
    yield from validator.descend(instance, alternative)


def _json_type(instance: Any) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int | float):
        return "integer"
    if isinstance(instance, str):
        return "string"
    return "array" if isinstance(instance, list) else "object"


SpecValidatorClass = validators.extend(
    Draft202012Validator, {NULLABLE: _nullable, DISCRIMINATOR: _discriminated, BY_TYPE: _by_type}
)


@dataclass(frozen=True)
class SchemaViolation:
    """One way a body breaks the spec: which operation, where in the body, and what rule."""

    operation_id: str
    request: str  # "POST /channels/123/messages"
    json_path: str  # "embeds.0.title"
    keyword: str  # "maxLength"
    message: str

    def __str__(self) -> str:
        return f"{self.operation_id} ({self.request}): {self.json_path or '<body>'}: {self.message}"


class SpecValidator:
    """Caches one validator per schema pointer; validating a typical message body costs well under 1 ms."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        resource = Resource.from_contents(spec.document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Any] = {}

    def validator_for(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = SpecValidatorClass({"$ref": SPEC_URI + pointer}, registry=self._registry)
            self._validators[pointer] = validator
        return validator

    def request_content_type(self, operation: Operation, multipart: bool) -> str | None:
        wanted = "multipart/form-data" if multipart else "application/json"
        return wanted if wanted in operation.request_content_types else None

    def check_request_body(
        self, operation: Operation, body: Any, *, multipart: bool = False, request: str = ""
    ) -> list[SchemaViolation]:
        """Violations of the operation's request schema (the payload_json part, for multipart)."""
        content_type = self.request_content_type(operation, multipart)
        if content_type is None:
            return [
                SchemaViolation(
                    operation.operation_id,
                    request,
                    "",
                    "requestBody",
                    f"{operation.key} takes no {'multipart' if multipart else 'JSON'} body",
                )
            ]
        validator = self.validator_for(operation.request_schema_pointer(content_type))
        return [self._violation(operation, request, error) for error in validator.iter_errors(body)]

    def file_fields(self, operation: Operation) -> tuple[str, ...]:
        """The multipart file field names the spec declares for an operation (Discord's files[n] if none)."""
        if "multipart/form-data" not in operation.request_content_types:
            return ()
        schema = self._resolve(operation.request_schema_pointer("multipart/form-data"))
        names = _binary_properties(schema, self._resolve)
        return tuple(names) or DEFAULT_FILE_FIELDS

    def check_response_body(self, operation: Operation, status: int, body: Any) -> list[SchemaViolation]:
        """Violations of the answer schema the spec gives for this status (used by the emulator's tests)."""
        pointer = self.spec.response_schema_pointer(operation, status)
        if pointer is None:
            if body is None:
                return []
            return [
                SchemaViolation(
                    operation.operation_id,
                    "",
                    "",
                    "responses",
                    f"the spec documents no JSON body for status {status}",
                )
            ]
        validator = self.validator_for(pointer)
        return [self._violation(operation, f"answer {status}", error) for error in validator.iter_errors(body)]

    def _resolve(self, pointer: str) -> Any:
        return self._registry.resolver().lookup(SPEC_URI + pointer).contents

    def _violation(self, operation: Operation, request: str, error: ValidationError) -> SchemaViolation:
        leaf = best_match([error])
        path = _error_path(leaf)
        return SchemaViolation(
            operation.operation_id,
            request,
            ".".join(str(p) for p in path),
            str(leaf.validator),
            _discord_message(leaf)[1],
        )


def discord_error_tree(violations: list[SchemaViolation]) -> dict[str, Any]:
    """Discord's nested `errors` object for a 50035 answer."""
    trees = []
    for violation in violations:
        path: list[str | int] = [p for p in violation.json_path.split(".") if p] if violation.json_path else []
        # Rules beyond the schema (discord_rules.py) already carry Discord's code as their keyword.
        fallback = violation.keyword if violation.keyword.isupper() else "BASE_TYPE_INVALID"
        code = _DISCORD_CODES.get(violation.keyword, fallback)
        trees.append(field_error(path, code, violation.message))
    return merge_error_trees(trees)


_DISCORD_CODES = {
    "maxLength": "BASE_TYPE_MAX_LENGTH",
    "maxItems": "BASE_TYPE_MAX_LENGTH",
    "minLength": "BASE_TYPE_MIN_LENGTH",
    "minItems": "BASE_TYPE_MIN_LENGTH",
    "required": "BASE_TYPE_REQUIRED",
    "enum": "BASE_TYPE_CHOICES",
    "const": "BASE_TYPE_CHOICES",
    "maximum": "NUMBER_TYPE_MAX",
    "minimum": "NUMBER_TYPE_MIN",
    "pattern": "STRING_TYPE_REGEX",
    "type": "BASE_TYPE_BAD_TYPE",
    "uniqueItems": "BASE_TYPE_DUPLICATES",
}


def _error_path(error: ValidationError) -> list[str | int]:
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        if missing:
            path.append(missing[0])
    return path


def _discord_message(error: ValidationError) -> tuple[str, str]:
    """(code, message) in Discord's wording where it has one, else jsonschema's (shortened)."""
    keyword, value = str(error.validator), error.validator_value
    messages = {
        "maxLength": f"Must be {value} or fewer in length.",
        "maxItems": f"Must be {value} or fewer in length.",
        "minLength": f"Must be {value} or more in length.",
        "minItems": f"Must be {value} or more in length.",
        "required": "This field is required",
        "maximum": f"int value should be less than or equal to {value}.",
        "minimum": f"int value should be greater than or equal to {value}.",
    }
    message = messages.get(keyword) or _shorten(error.message)
    return _DISCORD_CODES.get(keyword, "BASE_TYPE_INVALID"), message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shorten(message: str) -> str:
    return message if len(message) <= 300 else message[:297] + "..."


def _binary_properties(schema: Any, resolve: Any, depth: int = 0) -> list[str]:
    if not isinstance(schema, dict) or depth > 5:
        return []
    if "$ref" in schema:
        return _binary_properties(resolve(schema["$ref"].removeprefix(SPEC_URI)), resolve, depth + 1)
    names = [
        name
        for name, prop in schema.get("properties", {}).items()
        if isinstance(prop, dict) and prop.get("contentEncoding") == "binary"
    ]
    for part in schema.get("allOf", []):
        names.extend(_binary_properties(part, resolve, depth + 1))
    return names


def file_index(field_name: str) -> int | None:
    match = _FILE_FIELD.match(field_name)
    return int(match.group(1)) if match else None
