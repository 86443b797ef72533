"""`verdict serve` on loopback: POST /evaluate, requests per second and p50/p99 latency, against
the same work done by calling the library in-process (evaluate, trace, explanation, JSON).

    python benchmarks/bench_http.py

The service runs as `python -m engine serve` in its own process, on a free loopback port, and is
stopped at the end. The request is a typical one of the web page: Wang's facts (examples/wang.yaml),
three questions, the explanation in English. Clients keep their connection open (httpx).
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

from common import HERE, ROOT, Row, print_table

FACTS = {"nationality": "CN", "birth_date": "2001-03-14", "higher_education": True, "stay_months": 12,
         "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1, "annual_resources": "9000",
         "territory": "metropole", "destination": "DE", "has_medecin_traitant": True, "doctor_sector": "sector_1"}
REQUEST = {"facts": FACTS, "as_of": "2025-09-01", "outputs": ["enrolment", "css_status", "gp_reimbursement"],
           "lang": "en"}
SEQUENTIAL, CONCURRENT, CLIENTS = 1000, 2000, 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "engine", "serve", "rulesets/student_health", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {server.stderr.read().decode()[-500:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start within 60 s")


def percentile(samples: list, share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def over_http(base: str, requests: int, clients: int) -> tuple:
    """(requests per second, every latency in seconds) for `requests` spread over `clients`."""
    body = json.dumps(REQUEST).encode()
    headers = {"content-type": "application/json"}

    def client(count: int) -> list:
        latencies = []
        with httpx.Client(base_url=base, timeout=30) as c:
            c.post("/evaluate", content=body, headers=headers)  # the connection made before timing
            for _ in range(count):
                start = time.perf_counter()
                response = c.post("/evaluate", content=body, headers=headers)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"/evaluate answered {response.status_code}: {response.text[:300]}")
        return latencies

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        parts = list(pool.map(client, [requests // clients] * clients))
    elapsed = time.perf_counter() - start
    latencies = [x for part in parts for x in part]
    return len(latencies) / elapsed, latencies


def in_process(calls: int) -> tuple:
    """The same work without HTTP: what the endpoint computes, called directly."""
    sys.path.insert(0, str(ROOT))
    import engine
    from engine.serve.api import Api
    api = Api(engine.load_ruleset(ROOT / "rulesets" / "student_health"))
    request = json.loads(json.dumps(REQUEST))
    api._evaluate(request)
    latencies = []
    start = time.perf_counter()
    for _ in range(calls):
        began = time.perf_counter()
        api._evaluate(request)
        latencies.append(time.perf_counter() - began)
    return calls / (time.perf_counter() - start), latencies


def run() -> list:
    port = free_port()
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        over_http(base, 100, 1)  # warm-up
        one_rate, one = over_http(base, SEQUENTIAL, 1)
        many_rate, many = over_http(base, CONCURRENT, CLIENTS)
    finally:
        server.terminate()
        server.wait(10)
    direct_rate, direct = in_process(SEQUENTIAL)
    group = "http /evaluate (3 outputs + explanation)"
    p50 = statistics.median
    return [
        Row(group, "1 client: requests/s", one_rate, unit="/s", reference=direct_rate, reference_name="in-process"),
        Row(group, "1 client: p50 latency", p50(one), reference=p50(direct), reference_name="in-process"),
        Row(group, "1 client: p99 latency", percentile(one, 0.99), reference=percentile(direct, 0.99),
            reference_name="in-process"),
        Row(group, f"{CLIENTS} clients: requests/s", many_rate, unit="/s", reference=direct_rate,
            reference_name="in-process"),
        Row(group, f"{CLIENTS} clients: p50 latency", p50(many), reference=p50(direct), reference_name="in-process"),
        Row(group, f"{CLIENTS} clients: p99 latency", percentile(many, 0.99), reference=percentile(direct, 0.99),
            reference_name="in-process"),
    ]


if __name__ == "__main__":
    os.chdir(HERE)
    print_table(run())
