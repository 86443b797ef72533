"""A verdict service on a loopback port for the tests: uvicorn in a thread, on a port the system
picks, stopped when the block ends."""
from __future__ import annotations

import contextlib
import socket
import threading
import time

import uvicorn

from engine.serve.api import Limits
from engine.serve.app import build_app

WANG = {"nationality": "CN", "birth_date": "2001-03-14", "higher_education": True, "stay_months": 12,
        "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1, "annual_resources": "9000",
        "territory": "metropole", "destination": "DE", "has_medecin_traitant": True, "doctor_sector": "sector_1"}


@contextlib.contextmanager
def running(ruleset, limits: Limits = Limits()):
    """The base URL of a service of `ruleset`, e.g. http://127.0.0.1:41234."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_app(ruleset, limits), log_level="error", access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()
