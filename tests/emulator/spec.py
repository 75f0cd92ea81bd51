"""Discord's OpenAPI description: where it lives, its operations, and matching request paths to them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .spec_fastpath import normalise_for_speed
from .spec_patches import apply_documented_corrections

SPEC_ENV_VAR = "DISCORD_OPENAPI_SPEC"
_HERE = Path(__file__).resolve().parent
_CANDIDATES = (
    _HERE / "spec" / "openapi.json",
    _HERE.parents[2] / "shared" / "discord-api" / "openapi.json",
)
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def spec_path() -> Path:
    """The spec file: $DISCORD_OPENAPI_SPEC, else the copy vendored beside this package, else ../shared."""
    configured = os.environ.get(SPEC_ENV_VAR)
    if configured:
        return Path(configured)
    for candidate in _CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"Discord's openapi.json not found; set {SPEC_ENV_VAR}")


@dataclass(frozen=True)
class Operation:
    """One path+method of the spec."""

    operation_id: str
    method: str
    template: str
    segments: tuple[str | None, ...]  # literal segment, or None where a {parameter} goes
    param_names: tuple[str, ...]
    request_content_types: tuple[str, ...]
    auth_optional: bool
    param_schemas: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """The name tests use for a route: "PATCH /channels/{channel_id}/messages/{message_id}"."""
        return f"{self.method} {self.template}"

    @property
    def specificity(self) -> tuple[int, ...]:
        # Literal segments beat parameters: "/users/@me" is chosen over "/users/{user_id}".
        return tuple(1 if s is None else 0 for s in self.segments)

    def request_schema_pointer(self, content_type: str) -> str:
        return _pointer("paths", self.template, self.method.lower(), "requestBody", "content", content_type, "schema")


@dataclass(frozen=True)
class RouteMatch:
    operation: Operation
    params: dict[str, str]


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class ApiSpec:
    """The loaded (and corrected, and speed-normalised) spec with an index of its operations."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.operations: list[Operation] = []
        self._by_shape: dict[tuple[str, int], list[Operation]] = {}
        self._by_id: dict[str, Operation] = {}
        for template, item in document["paths"].items():
            shared_params = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method in item:
                    self._index(template, method, item[method], shared_params)
        for candidates in self._by_shape.values():
            candidates.sort(key=lambda op: op.specificity)

    def _index(self, template: str, method: str, op: dict[str, Any], shared: list[dict[str, Any]]) -> None:
        segments = tuple(None if s.startswith("{") else s for s in template.strip("/").split("/"))
        names = tuple(s[1:-1] for s in template.strip("/").split("/") if s.startswith("{"))
        params = {p["name"]: p.get("schema", {}) for p in [*shared, *op.get("parameters", [])] if p["in"] == "path"}
        security = op.get("security", [])
        operation = Operation(
            operation_id=op["operationId"],
            method=method.upper(),
            template=template,
            segments=segments,
            param_names=names,
            request_content_types=tuple(op.get("requestBody", {}).get("content", {})),
            auth_optional=not security or {} in security,
            param_schemas=params,
        )
        self.operations.append(operation)
        self._by_shape.setdefault((operation.method, len(segments)), []).append(operation)
        self._by_id[operation.operation_id] = operation

    def operation(self, operation_id: str) -> Operation:
        return self._by_id[operation_id]

    def find(self, method: str, template: str) -> Operation | None:
        """The operation for a method and path template as the spec writes it."""
        for op in self._by_shape.get((method.upper(), len(template.strip("/").split("/"))), []):
            if op.template == template:
                return op
        return None

    def has_path(self, raw_path: str) -> bool:
        """Whether any method of the spec matches this concrete path (to tell 405-ish from unknown)."""
        segments = _split(raw_path)
        return any(
            self._match_segments(op, segments) is not None
            for (_, n), ops in self._by_shape.items()
            if n == len(segments)
            for op in ops
        )

    def match(self, method: str, raw_path: str) -> RouteMatch | None:
        """Match a concrete request path (without /api/v10) to the most specific spec template."""
        segments = _split(raw_path)
        for op in self._by_shape.get((method.upper(), len(segments)), []):
            params = self._match_segments(op, segments)
            if params is not None:
                return RouteMatch(op, params)
        return None

    @staticmethod
    def _match_segments(op: Operation, segments: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        names = iter(op.param_names)
        for expected, actual in zip(op.segments, segments, strict=True):
            if expected is None:
                params[next(names)] = actual
            elif expected != actual:
                return None
        return params

    def response_schema_pointer(self, operation: Operation, status: int) -> str | None:
        """Pointer to the JSON schema of an answer, following the spec's "4XX" ranges and $ref'd responses."""
        responses = self.document["paths"][operation.template][operation.method.lower()]["responses"]
        key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
        response = responses.get(key)
        if response is None:
            return None
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            response = self.document["components"]["responses"][name]
            if "application/json" not in response.get("content", {}):
                return None
            return _pointer("components", "responses", name, "content", "application/json", "schema")
        if "application/json" not in response.get("content", {}):
            return None
        return _pointer(
            "paths",
            operation.template,
            operation.method.lower(),
            "responses",
            key,
            "content",
            "application/json",
            "schema",
        )

    def documented_statuses(self, operation: Operation) -> list[str]:
        return list(self.document["paths"][operation.template][operation.method.lower()]["responses"])


def _split(raw_path: str) -> list[str]:
    return [unquote(s) for s in raw_path.strip("/").split("/")]


@cache
def load_spec(path: str | None = None) -> ApiSpec:
    """Load, correct and index the spec once per process (it is 1.2 MB; parsing takes ~30 ms)."""
    with open(path or spec_path(), encoding="utf-8") as handle:
        document = json.load(handle)
    apply_documented_corrections(document)
    return ApiSpec(normalise_for_speed(document))
