"""The REST front door: route matching against the spec, auth, faults, rate limits, validation, recording."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors
from .answers import RestAnswer, json_answer
from .discord_rules import rule_violations
from .faults import held_fault_response
from .message_content import UploadedFile
from .records import CallRecord, UnhandledRequest
from .schema import SchemaViolation, discord_error_tree, file_index
from .spec import Operation

if TYPE_CHECKING:
    from .emulator import DiscordEmulator

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
_SNOWFLAKE = re.compile(r"^(0|[1-9][0-9]*)$")
_VALIDATION_CACHE_SIZE = 4096


@dataclass
class RestRequest:
    """A matched, authenticated, parsed request as handlers see it."""

    emu: DiscordEmulator
    operation: Operation
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[UploadedFile] = field(default_factory=list)
    authorized: bool = False

    def snowflake(self, name: str) -> int:
        return int(self.params[name])

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "true")


Handler = Callable[[RestRequest], Awaitable[RestAnswer]]


class RestServer:
    def __init__(self, emu: DiscordEmulator, handlers: dict[str, Handler]) -> None:
        self.emu = emu
        self.handlers = handlers
        self._validation_cache: OrderedDict[tuple[str, bool, bytes], tuple[SchemaViolation, ...]] = OrderedDict()

    async def handle_other_version(self, request: web.Request) -> web.StreamResponse:
        """Requests outside /api/v10 (another API version, or no version) are recorded as unhandled."""
        return self._unhandled(
            request,
            method=request.method,
            path=request.rel_url.raw_path,
            reason="only API v10 is emulated",
            operation_id=None,
            started=time.perf_counter(),
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        path = request.rel_url.raw_path[len(API_PREFIX) :] or "/"
        method = request.method
        match = self.emu.spec.match(method, path)
        if match is None:
            reason = (
                "no such route in Discord's spec"
                if not self.emu.spec.has_path(path)
                else f"Discord's spec has no {method} for this path"
            )
            return self._unhandled(request, method=method, path=path, reason=reason, operation_id=None, started=started)
        operation = match.operation
        handler = self.handlers.get(operation.operation_id)
        if handler is None:
            return self._unhandled(
                request,
                method=method,
                path=path,
                reason=f"{operation.key} is not emulated",
                operation_id=operation.operation_id,
                started=started,
            )
        call = _CallInProgress(method, path, operation, dict(request.query))
        try:
            response = await self._serve(request, call, handler, match.params)
        except errors.DiscordError as error:
            response = json_answer(error.body(), error.status)
        except Exception as error:  # a bug in the emulator: fail the request fast and fail the test later
            log.exception("emulator error serving %s %s", method, path)
            self.emu.internal_errors.append(f"{method} {path}: {type(error).__name__}: {error}")
            # 400 rather than 500: discord.py would retry a 500 for ~16 s before giving up.
            response = json_answer({"message": f"emulator internal error: {error}", "code": 0}, 400)
        self._record(call, response.status, started)
        if self.emu.answer_hook is not None:
            self._observe(operation, response)
        return response

    def _observe(self, operation: Operation, response: web.StreamResponse) -> None:
        """Hand each JSON answer to the hook the emulator's tests use to check answers against the spec."""
        assert self.emu.answer_hook is not None
        if not isinstance(response, web.Response) or response.content_type != "application/json":
            if response.status == 204:
                self.emu.answer_hook(operation, 204, None)
            return
        assert isinstance(response.body, bytes)
        self.emu.answer_hook(operation, response.status, json.loads(response.body))

    async def _serve(
        self, request: web.Request, call: _CallInProgress, handler: Handler, params: dict[str, str]
    ) -> web.StreamResponse:
        emu, operation = self.emu, call.matched
        authorized = request.headers.get("Authorization") == f"Bot {emu.state.bot_token}"
        if not authorized and (not operation.auth_optional or "Authorization" in request.headers):
            raise errors.unauthorized()
        self._check_path_params(call, params)
        await emu.faults.run_before(call.method, operation.template, params)
        fault = emu.faults.take(call.method, operation.template, params, after_processing=False)
        if fault is not None:
            if fault.status == 429:
                emu.rate_limits.sent_429 += 1
            return await held_fault_response(fault)
        decision = emu.rate_limits.check(operation.key, params)
        if decision is not None and not decision.allowed:
            return json_answer(decision.body(), 429, decision.headers)
        multipart = request.content_type == "multipart/form-data"
        body, files, raw = await self._read_body(request, operation)
        call.body, call.file_names = body, tuple(f.filename for f in files)
        if emu.validate and operation.request_content_types:
            self._validate(call, body, multipart, raw)
        answer = await handler(RestRequest(emu, operation, params, call.query, body, files, authorized))
        fault = emu.faults.take(call.method, operation.template, params, after_processing=True)
        if fault is not None:
            return await held_fault_response(fault)
        return answer.to_response(decision.headers if decision is not None else None)

    def _check_path_params(self, call: _CallInProgress, params: dict[str, str]) -> None:
        for name, value in params.items():
            schema = call.matched.param_schemas.get(name, {})
            if schema.get("format") == "snowflake" and not _SNOWFLAKE.match(value):
                violation = SchemaViolation(
                    call.matched.operation_id,
                    f"{call.method} {call.path}",
                    f"path.{name}",
                    "pattern",
                    f'Value "{value}" is not snowflake.',
                )
                self.emu.schema_errors.append(violation)
                raise errors.invalid_form_body(discord_error_tree([violation]))

    async def _read_body(self, request: web.Request, operation: Operation) -> tuple[Any, list[UploadedFile], bytes]:
        if not request.can_read_body:
            return None, [], b""
        if request.content_type == "multipart/form-data":
            return await self._read_multipart(request, operation)
        raw = await request.read()
        if not raw:
            return None, [], b""
        try:
            return json.loads(raw), [], raw
        except ValueError:
            raise errors.DiscordError(400, 50109, "The request body contains invalid JSON.") from None

    async def _read_multipart(
        self, request: web.Request, operation: Operation
    ) -> tuple[Any, list[UploadedFile], bytes]:
        reader = await request.multipart()
        body: Any = None
        raw = b""
        files: list[UploadedFile] = []
        allowed_fields = set(self.emu.validator.file_fields(operation))
        limit = self.emu.attachment_size_limit
        while (part := await reader.next()) is not None:
            name = getattr(part, "name", None) or ""
            if name == "payload_json":
                raw = bytes(await part.read())  # type: ignore[union-attr]
                body = json.loads(raw)
                continue
            data = await part.read()  # type: ignore[union-attr]
            index = file_index(name)
            if name not in allowed_fields or index is None:
                raise errors.invalid_form_body(
                    errors.field_error([name], "BASE_TYPE_INVALID", f"{operation.key} takes no file field {name!r}")
                )
            if len(data) > limit:
                raise errors.DiscordError(413, errors.REQUEST_TOO_LARGE, "Request entity too large")
            files.append(UploadedFile(index, getattr(part, "filename", None) or name, bytes(data)))
        return body, files, raw

    def _validate(self, call: _CallInProgress, body: Any, multipart: bool, raw: bytes) -> None:
        emu = self.emu
        started = time.perf_counter()
        key = (call.matched.operation_id, multipart, raw)
        violations = self._validation_cache.get(key) if raw else None
        if violations is not None:
            emu.validation_stats.cache_hits += 1
            self._validation_cache.move_to_end(key)
        else:
            request_name = f"{call.method} {call.path}"
            found = emu.validator.check_request_body(
                call.matched, {} if body is None else body, multipart=multipart, request=request_name
            )
            operation_id = call.matched.operation_id
            found += [
                SchemaViolation(operation_id, request_name, where, code, text)
                for where, code, text in rule_violations(operation_id, body)
            ]
            violations = tuple(found)
            if raw:
                self._validation_cache[key] = violations
                if len(self._validation_cache) > _VALIDATION_CACHE_SIZE:
                    self._validation_cache.popitem(last=False)
        emu.validation_stats.requests += 1
        emu.validation_stats.seconds += time.perf_counter() - started
        if violations:
            request_name = f"{call.method} {call.path}"
            emu.schema_errors.extend(
                SchemaViolation(v.operation_id, request_name, v.json_path, v.keyword, v.message) for v in violations
            )
            log.warning("request body violates Discord's spec: %s", "; ".join(str(v) for v in violations))
            raise errors.invalid_form_body(discord_error_tree(list(violations)))

    def _unhandled(
        self,
        request: web.Request,
        *,
        method: str,
        path: str,
        reason: str,
        operation_id: str | None,
        started: float,
    ) -> web.Response:
        self.emu.unhandled_requests.append(UnhandledRequest(method, path, reason, operation_id))
        log.warning("unhandled request %s %s: %s", method, path, reason)
        call = _CallInProgress(method, path, None, dict(request.query))
        self._record(call, 404, started)
        return json_answer({"message": "404: Not Found", "code": 0}, 404)

    def _record(self, call: _CallInProgress, status: int, started: float) -> None:
        emu = self.emu
        emu.calls.append(
            CallRecord(
                time=time.monotonic() - emu.state.started_at,
                method=call.method,
                route=call.operation.key if call.operation else None,
                path=call.path,
                status=status,
                body=call.body,
                query=call.query,
                file_names=call.file_names,
                operation_id=call.operation.operation_id if call.operation else None,
                duration_ms=(time.perf_counter() - started) * 1000,
            )
        )
        emu.state.changes.touch()


@dataclass
class _CallInProgress:
    method: str
    path: str
    operation: Operation | None
    query: dict[str, str]
    body: Any = None
    file_names: tuple[str, ...] = ()

    @property
    def matched(self) -> Operation:
        """The operation, for calls that matched one (all but unhandled ones)."""
        assert self.operation is not None
        return self.operation
