"""serve: the ruleset over HTTP — a JSON API (engine/serve/api.py) and a web page (page.py) on a
Starlette application run by uvicorn. `verdict serve PATH`; docs/http.md describes the endpoints.
Starlette is imported only when the command runs, so the other commands start as fast as before."""
from __future__ import annotations


def register(sub) -> None:
    """Adds `verdict serve` to the command's subparsers."""
    serve = sub.add_parser("serve", help="serve the ruleset over HTTP: a JSON API and a web page")
    serve.add_argument("path", help="a ruleset folder or a .rules file")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve.add_argument("--max-body", type=int, default=1 << 20, metavar="BYTES",
                       help="the largest request body, batches aside (default: 1 MiB)")
    serve.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                       help="the longest one evaluation may take (default: 10)")
    serve.set_defaults(run=_run)


def _run(args) -> int:
    from engine.serve.api import Limits
    from engine.serve.app import serve
    return serve(args.path, args.host, args.port, Limits(body_bytes=args.max_body, seconds=args.timeout))
