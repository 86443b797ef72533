"""The ASGI application: routes, JSON errors for every failure, security headers; `serve` runs it
on uvicorn."""
from __future__ import annotations

import datetime as dt
import errno
import gc
import socket
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.errors import Diagnostic, VerdictError
from engine.serve.api import Api, Limits
from engine.serve.page import form_page, page_lang, tables_page
from engine.serve.problems import ApiError

STATIC = Path(__file__).resolve().parent / "static"
# The pages load only their own script and style sheet: no inline script can run, whatever a rule says.
HEADERS = {"content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
           "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


async def _api_error(request, error: ApiError):
    return error.response()


async def _http_error(request, error: HTTPException):
    code = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(error.status_code)
    if code is None:
        return ApiError("bad-request", str(error.detail)).response()
    message = {"not-found": f"no such endpoint: {request.method} {request.url.path[:200]}",
               "method-not-allowed": f"{request.url.path[:200]} does not take {request.method}",
               "too-large": "the body is too large"}[code]
    return ApiError(code, message).response()


async def _internal_error(request, error: Exception):
    return ApiError("internal", f"internal error: {type(error).__name__}; this is a bug in verdict").response()


class _SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(k.encode(), v.encode()) for k, v in HEADERS.items()]
            await send(message)
        await self.app(scope, receive, sending)


def build_app(ruleset, limits: Limits = Limits()) -> Starlette:
    api = Api(ruleset, limits)
    form_pages = {}  # (lang, today) -> the form, whose date field starts at today
    table_pages = {}

    async def home(request):
        lang = page_lang(ruleset, request.query_params.get("lang"))
        key = (lang, dt.date.today())
        if key not in form_pages:
            if any(day != key[1] for _, day in form_pages):
                form_pages.clear()  # a new day: yesterday's forms are stale
            form_pages[key] = form_page(ruleset, lang, key[1])
        return HTMLResponse(form_pages[key])

    async def tables(request):
        lang = page_lang(ruleset, request.query_params.get("lang"))
        if lang not in table_pages:
            table_pages[lang] = tables_page(ruleset, lang)
        return HTMLResponse(table_pages[lang])

    routes = [
        Route("/", home), Route("/tables", tables),
        Route("/evaluate", api.evaluate, methods=["POST"]), Route("/explain", api.explain, methods=["POST"]),
        Route("/replay", api.replay, methods=["POST"]), Route("/whatif", api.whatif, methods=["POST"]), Route("/batch", api.batch, methods=["POST"]),
        Route("/check", api.check), Route("/rulesets/{name}", api.describe), Route("/health", api.health),
        Route("/openapi.json", api.openapi_document),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={ApiError: _api_error, HTTPException: _http_error,
                                                       Exception: _internal_error})
    app.add_middleware(_SecurityHeaders)
    return app


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or a VerdictError that says why not (exit 2, as for any command)."""
    if not 0 <= port <= 65535:
        raise VerdictError(Diagnostic("error", "usage", f"--port {port}: a port is a number from 0 to 65535"))
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, UnicodeError) as error:
        sock.close()
        reason = getattr(error, "strerror", None) or str(error)
        in_use = getattr(error, "errno", None) == errno.EADDRINUSE
        raise VerdictError(Diagnostic("error", "usage", f"cannot listen on {host}:{port}: {reason}",
                                      hint="another program uses that port: choose another with --port"
                                      if in_use else None)) from None
    return sock


def serve(path: str, host: str = "127.0.0.1", port: int = 8000, limits: Limits = Limits()) -> int:
    import uvicorn
    from engine import load_ruleset
    sock = listening_socket(host, port)  # a port in use is said at once, before the rules load
    try:
        ruleset = load_ruleset(path)
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    print(f"verdict: serving {ruleset.name} {ruleset.version} on http://{shown}:{sock.getsockname()[1]}/ "
          f"(the API is described at /openapi.json; Ctrl-C stops)", flush=True)
    server = uvicorn.Server(uvicorn.Config(build_app(ruleset, limits), log_level="warning", access_log=False))
    # The ruleset lives as long as the server: once collected, it is frozen out of the collector's
    # reach, so that no full collection walks it again in the middle of a request (a 100,000-row
    # table is millions of objects: about a second a walk).
    gc.collect()
    gc.freeze()
    with sock:
        server.run(sockets=[sock])
    return 0 if server.started else 2
