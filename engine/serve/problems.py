"""HTTP errors: one JSON shape, `{"error": {"code", "message", "diagnostics"}}`, and the status each
kind of failure gets. The CLI's exit 2 ("could not do its job") becomes a 4xx when the request is at
fault and a 5xx when the server is; exit 1 ("ran and found problems") is a 200 whose body says so."""
from __future__ import annotations

import json

from starlette.responses import Response

from engine.errors import EvaluationError, FactError, RuleError, TraceError, VerdictError

# code -> HTTP status; docs/http.md lists the same table
STATUS = {
    "bad-json": 400,          # the body is not JSON (or not UTF-8)
    "bad-request": 422,       # JSON, but not the shape the endpoint's schema asks for
    "bad-facts": 422,         # a fact is unknown, missing, mistyped or out of range (engine.FactError)
    "no-answer": 422,         # valid facts, but the rules give no verdict for them (engine.EvaluationError)
    "bad-trace": 422,         # a trace that cannot be explained or replayed (engine.TraceError)
    "refused": 422,           # any other refusal of the engine: an unknown output, language, …
    "not-found": 404,
    "method-not-allowed": 405,
    "too-large": 413,
    "timeout": 504,
    "internal": 500,          # a bug, or rules that broke after loading
}


class ApiError(Exception):
    """A request refused: the error JSON and its status."""

    def __init__(self, code: str, message: str, diagnostics: list | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.diagnostics = diagnostics or []

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "diagnostics": self.diagnostics}}

    def response(self) -> Response:
        return json_response(self.to_dict(), self.status)


def from_verdict_error(error: VerdictError) -> ApiError:
    """The engine's refusal, with its diagnostics as `verdict check --format json` writes them."""
    if isinstance(error, FactError):
        code = "bad-facts"
    elif isinstance(error, EvaluationError):
        code = "no-answer"
    elif isinstance(error, TraceError):
        code = "bad-trace"
    elif isinstance(error, RuleError):
        code = "internal"
    else:
        code = "refused"
    diagnostics = [d.to_dict() for d in error.diagnostics]
    messages = [d["message"] for d in diagnostics]
    message = messages[0] if len(messages) == 1 else f"{len(messages)} problems: " + "; ".join(messages[:5])
    return ApiError(code, message, diagnostics)


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def json_response(value, status: int = 200) -> Response:
    return Response(json_bytes(value), status, media_type="application/json")
