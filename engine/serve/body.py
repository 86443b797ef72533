"""Request bodies: read within a size limit, parsed as JSON (numbers exact), checked against a schema."""
from __future__ import annotations

import json
from decimal import Decimal

import jsonschema

from engine.facts.reader import lone_surrogate, no_duplicate_keys
from engine.ruleset_files import byte_position
from engine.serve.problems import ApiError

MAX_SCHEMA_PROBLEMS = 20


def too_large(limit: int) -> ApiError:
    return ApiError("too-large", f"the body is larger than {limit:,} bytes")


async def read_body(request, limit: int) -> bytes:
    """The whole body, refused as soon as it passes `limit` bytes (whatever Content-Length claims)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError("bad-request", f"Content-Length is not a number: {declared[:40]!r}")
        if int(declared) > limit:
            raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes, what: str = "the body", exact: bool = True):
    """JSON text → value; `exact`: decimals as Decimal (0.1 stays 0.1), never a binary float."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise ApiError("bad-json", f"{what} is not UTF-8: byte 0x{data[error.start]:02x} at line {line}, "
                                   f"column {column}") from None
    try:
        # the rules of the one facts reader (engine/facts/reader.py): no duplicate keys, no lone surrogates
        value = json.loads(text, parse_float=Decimal if exact else float, parse_constant=_no_constant,
                           object_pairs_hook=no_duplicate_keys)
        problem = lone_surrogate(value) if "\\u" in text else ""
        if problem:
            raise ValueError(problem)
        return value
    except json.JSONDecodeError as error:
        raise ApiError("bad-json", f"{what} is not JSON: {error.msg} (line {error.lineno}, "
                                   f"column {error.colno})") from None
    except ValueError as error:
        raise ApiError("bad-json", f"{what} is not JSON: {error}") from None
    except RecursionError:
        raise ApiError("bad-json", f"{what} is nested too deeply to read") from None


def _where(error: jsonschema.ValidationError) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(error.absolute_path))


def validate(value, validator: jsonschema.protocols.Validator) -> None:
    """Refuses `value` with one diagnostic per place the schema rejects it."""
    problems = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
    if not problems:
        return
    diagnostics = [{"severity": "error", "code": "bad-request",
                    "message": f"`{_where(e)}`: {e.message[:300]}" if _where(e) else f"the body: {e.message[:300]}"}
                   for e in problems[:MAX_SCHEMA_PROBLEMS]]
    message = diagnostics[0]["message"] if len(diagnostics) == 1 else \
        f"{len(problems)} problems: " + "; ".join(d["message"] for d in diagnostics[:5])
    raise ApiError("bad-request", message, diagnostics)
