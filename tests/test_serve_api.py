"""`verdict serve`'s JSON API, tested over real HTTP: a uvicorn server on a loopback port
(tests/serve_support.py) and httpx clients — good requests, bad JSON, wrong types, bad facts,
huge bodies, the time limit, and many clients at once, each answer compared with the library's."""
from __future__ import annotations

import concurrent.futures
import io
import itertools
import json
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import batch
from engine.cli import main
from engine.serve.api import Limits
from engine.serve.schemas import request_schemas
from tests.serve_support import WANG, running

RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "student_health"
AS_OF = "2025-09-01"


@pytest.fixture(scope="module")
def ruleset():
    return engine.load_ruleset(RULESET)


@pytest.fixture(scope="module")
def url(ruleset):
    with running(ruleset, Limits(body_bytes=64_000, batch_bytes=200_000)) as base:
        yield base


@pytest.fixture
def client(url):
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def library(ruleset, facts, as_of=AS_OF, outputs=None) -> dict:
    """What the service must answer: the library's trace, through JSON as the client reads it."""
    return json.loads(json.dumps(ruleset.evaluate(facts, as_of=as_of, outputs=outputs).to_dict()))


def error_of(response) -> dict:
    assert response.headers["content-type"] == "application/json"
    return response.json()["error"]


# ------------------------------------------------------------------ good requests

def test_health_names_the_ruleset(client, ruleset):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "ruleset": {"name": "student_health", "version": ruleset.version,
                                                           "sha256": ruleset.sha256},
                               "engine": {"name": "verdict", "version": engine.__version__}}


def test_evaluate_gives_the_libraries_trace_and_explanation(client, ruleset):
    response = client.post("/evaluate", json={"facts": WANG, "as_of": AS_OF, "outputs": ["enrolment", "css_status"],
                                              "lang": "fr"})
    assert response.status_code == 200
    answer = response.json()
    verdict = ruleset.evaluate(WANG, as_of=AS_OF, outputs=["enrolment", "css_status"])
    assert answer["trace"] == library(ruleset, WANG, outputs=["enrolment", "css_status"])
    assert answer["trace"]["outputs"] == {"enrolment": "register_student_portal", "css_status": "free"}
    assert answer["trace"]["as_of"] == AS_OF and answer["trace"]["ruleset"]["name"] == "student_health"
    assert answer["explanation"] == verdict.explain("fr")
    assert answer["lang"] == "fr"
    by_id = {s["id"]: s for s in answer["sources"]}
    assert by_id["ameli_etudier"]["url"].startswith("https://www.ameli.fr/")
    assert by_id["efl_css_2025"]["status"] == "SECONDARY"


def test_evaluate_defaults_to_the_rulesets_language_and_outputs(client, ruleset):
    answer = client.post("/evaluate", json={"facts": WANG, "as_of": AS_OF}).json()
    assert answer["lang"] == "en"
    assert answer["trace"]["outputs"] == library(ruleset, WANG)["outputs"]


def test_decimals_are_read_exactly_whether_text_or_number(client):
    texts = client.post("/evaluate", content='{"facts": {"annual_resources": "10339.10", "household_size": 1, '
                        '"territory": "metropole", "birth_date": "2001-03-14"}, "as_of": "2025-09-01", '
                        '"outputs": ["css_status"]}').json()
    numbers = client.post("/evaluate", content='{"facts": {"annual_resources": 10339.10, "household_size": 1, '
                          '"territory": "metropole", "birth_date": "2001-03-14"}, "as_of": "2025-09-01", '
                          '"outputs": ["css_status"]}').json()
    assert texts["trace"]["facts"]["annual_resources"] == numbers["trace"]["facts"]["annual_resources"] == "10339.10"
    assert texts["trace"]["outputs"] == numbers["trace"]["outputs"] == {"css_status": "participation"}


def test_explain_renders_a_saved_trace(client, ruleset):
    trace = library(ruleset, WANG, outputs=["enrolment"])
    response = client.post("/explain", json={"trace": trace, "lang": "zh"})
    assert response.status_code == 200
    assert response.json() == {"text": engine.explain_trace(trace, "zh"), "lang": "zh"}


def test_replay_says_same_or_differs(client, ruleset):
    trace = library(ruleset, WANG, outputs=["css_status"])
    same = client.post("/replay", json={"trace": trace}).json()
    assert same["same"] is True and same["hash_changed"] is False and same["differences"] == []
    assert same["report"].splitlines()[1].startswith("same verdict")
    trace["facts"]["annual_resources"] = "12000.00"  # an edited trace: its digest gives it away
    refused = client.post("/replay", json={"trace": trace})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == ("the trace: its digest is not the digest of its content: the "
                                                  "trace was changed after it was written")


def test_check_is_verdict_check_format_json(client, capsys):
    assert main(["check", str(RULESET), "--format", "json"]) == 0
    assert client.get("/check").json() == json.loads(capsys.readouterr().out)


def test_ruleset_lists_inputs_decisions_and_dated_parameters(client, ruleset):
    described = client.get("/rulesets/student_health").json()
    inputs = {i["name"]: i for i in described["inputs"]}
    assert inputs["stay_months"] == {"name": "stay_months", "type": "integer 0..600", "kind": "integer",
                                     "range": {"min": 0, "min_inclusive": True, "max": 600, "max_inclusive": True},
                                     "required": True, "description": "Planned length of the stay in France, in months"}
    assert inputs["territory"]["choices"] == ["metropole", "outre_mer"]
    assert inputs["insured_in"]["default"] == "FR" and "CN" in inputs["insured_in"]["choices"]
    assert inputs["annual_resources"]["type"] == "money >= 0.00 €" or inputs["annual_resources"]["kind"] == "money"
    fee = next(p for p in described["parameters"] if p["name"] == "gp_fee_sector_1")
    assert fee["values"] == [{"from": "2017-05-01", "value": "25", "source": "hyperassur_tarif"},
                             {"from": "2023-11-01", "value": "26.50", "source": "agipi_tarif_2023"},
                             {"from": "2024-12-22", "value": "30", "source": "service_public_f17042"}]
    assert [d["name"] for d in described["decisions"]] == list(ruleset.decisions)
    ceilings = next(d for d in described["decisions"] if d["name"] == "css_free_ceiling")
    assert ceilings["versions"][-1]["valid_from"] == "2025-04-01" and ceilings["versions"][-1]["checked"] == "2026-03-31"
    assert described["sources"]["efl_css_2025"]["publisher"] == "Éditions Francis Lefebvre"


@pytest.mark.parametrize("chunk", [batch.CHUNK_BYTES, 300], ids=["one piece", "many pieces"])
def test_batch_streams_what_engine_batch_writes(client, ruleset, chunk, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_BYTES", chunk)  # small pieces: more than the stream keeps ahead
    lines = [json.dumps(dict(WANG, stay_months=months)) for months in range(1, 40)]
    lines[5] = "not json"
    lines[7] = json.dumps({"facts": dict(WANG, nationality="DE", holds_ceam=True), "as_of": "2025-01-01"})
    data = ("\n".join(lines) + "\n").encode()
    expected = io.BytesIO()
    batch.run(ruleset, io.BytesIO(data), expected, as_of=AS_OF, outputs=["enrolment"], jobs=1)
    response = client.post("/batch", params={"as_of": AS_OF, "output": "enrolment"}, content=data)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.content == expected.getvalue()
    assert json.loads(response.content.splitlines()[0]) == {"line": 1, "outputs": {"enrolment": "private_cover_short_stay"}}


def test_openapi_embeds_the_schemas_that_validate(client, ruleset):
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/evaluate", "/explain", "/replay", "/batch", "/check", "/rulesets/{name}",
                                      "/health", "/whatif"}
    schemas = document["components"]["schemas"]
    for name, schema in request_schemas(ruleset).items():
        assert schemas[name] == json.loads(json.dumps(schema))
    assert set(schemas["Facts"]["properties"]) == set(ruleset.inputs)
    references, stack = [], [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            references += [item["$ref"]] if "$ref" in item else []
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    assert references and all(r.startswith("#/components/schemas/") and r.rsplit("/", 1)[1] in schemas
                              for r in references)


def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]


# ------------------------------------------------------------------ refusals

def test_bad_json_is_400(client):
    response = client.post("/evaluate", content=b'{"facts": {"nationality": "CN",}')
    assert response.status_code == 400
    assert error_of(response) == {"code": "bad-json", "diagnostics": [], "message":
                                  "the body is not JSON: Expecting property name enclosed in double quotes "
                                  "(line 1, column 32)"}


def test_not_utf8_and_nan_are_bad_json(client):
    assert error_of(client.post("/evaluate", content=b'{"facts": {"x": "\xff"}}'))["message"] == \
        "the body is not UTF-8: byte 0xff at line 1, column 18"
    assert error_of(client.post("/evaluate", content=b'{"facts": {"stay_months": NaN}}'))["message"] == \
        "the body is not JSON: NaN is not a JSON number"
    assert client.post("/evaluate", content=b"[" * 50_000).status_code == 400


def test_a_body_of_the_wrong_shape_is_422_with_each_place(client):
    response = client.post("/evaluate", json={"facts": [1], "as_of": 20250901, "outputs": "enrolment",
                                              "lang": "de", "extra": 1})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "bad-request"
    assert [d["message"] for d in error["diagnostics"]] == [
        "the body: Additional properties are not allowed ('extra' was unexpected)",
        "`as_of`: 20250901 is not of type 'string'",
        "`facts`: [1] is not of type 'object'",
        "`lang`: 'de' is not one of ['en', 'fr', 'zh']",
        "`outputs`: 'enrolment' is not of type 'array'"]


def test_bad_facts_are_422_with_the_engines_diagnostics(client, ruleset):
    facts = dict(WANG, stay_months="twelve", nationality="cn")
    del facts["birth_date"]
    response = client.post("/evaluate", json={"facts": facts, "as_of": AS_OF, "outputs": ["enrolment"]})
    assert response.status_code == 422
    error = error_of(response)
    with pytest.raises(engine.FactError) as refused:
        ruleset.evaluate(facts, as_of=AS_OF, outputs=["enrolment"])
    assert error["code"] == "bad-facts"
    assert error["diagnostics"] == [d.to_dict() for d in refused.value.diagnostics]
    assert error["diagnostics"][0] == {"severity": "error", "code": "fact-type", "hint": "write `CN` (ISO 3166-1 "
                                       "alpha-2, upper case)", "message": "fact `nationality`: expected country, got "
                                       "'cn' (not an ISO 3166-1 alpha-2 code)"}


def test_unknown_output_and_impossible_date_are_422(client):
    unknown = error_of(client.post("/evaluate", json={"facts": WANG, "outputs": ["enrolement"]}))
    assert unknown["code"] == "refused"
    assert unknown["diagnostics"] == [{"severity": "error", "code": "unknown-output",
                                       "message": "unknown decision `enrolement`", "hint": "did you mean `enrolment`?"}]
    day = client.post("/evaluate", json={"facts": WANG, "as_of": "2025-02-30"})
    assert day.status_code == 422 and error_of(day)["message"] == "as_of: expected a date YYYY-MM-DD, got '2025-02-30' (not a day of the calendar)"


def test_a_damaged_trace_is_422(client):
    response = client.post("/explain", json={"trace": {"ruleset": {}, "as_of": "2025-09-01", "outputs": {}}})
    assert response.status_code == 422
    assert error_of(response) == {"code": "bad-trace", "message": "the trace: not a verdict trace of format 3 (or 2)",
                                  "diagnostics": [{"severity": "error", "code": "trace",
                                                   "message": "the trace: not a verdict trace of format 3 (or 2)"}]}


def test_a_huge_body_is_413_with_or_without_its_length(client):
    huge = b'{"facts": {"x": "' + b"a" * 70_000 + b'"}}'
    declared = client.post("/evaluate", content=huge)
    assert declared.status_code == 413
    assert error_of(declared) == {"code": "too-large", "message": "the body is larger than 64,000 bytes",
                                  "diagnostics": []}
    streamed = client.post("/evaluate", content=iter([huge[i:i + 8192] for i in range(0, len(huge), 8192)]))
    assert streamed.status_code == 413  # chunked: no Content-Length, cut once past the limit
    assert client.post("/batch", content=b"{}\n" * 70_000).status_code == 413


def test_a_request_past_the_time_limit_is_504(ruleset):
    with running(ruleset, Limits(seconds=0)) as base:  # no time at all: every evaluation is late
        response = httpx.post(base + "/evaluate", json={"facts": WANG, "as_of": AS_OF})
    assert response.status_code == 504
    assert error_of(response) == {"code": "timeout", "message": "the request took longer than 0 s", "diagnostics": []}


def test_a_batch_past_its_time_limit_ends_with_an_error_line(ruleset):
    with running(ruleset, Limits(batch_seconds=0)) as base:
        response = httpx.post(base + "/batch", content=json.dumps(WANG).encode() + b"\n")
    assert response.status_code == 200  # the stream had begun: the last line says what happened
    assert [json.loads(line) for line in response.content.splitlines()] == [
        {"error": "the batch took longer than 0 s; the lines above were done",
         "diagnostics": [{"severity": "error", "code": "timeout", "message": "time limit reached"}]}]


def test_unknown_paths_methods_and_rulesets(client):
    assert error_of(client.get("/nowhere")) == {"code": "not-found", "message": "no such endpoint: GET /nowhere",
                                                "diagnostics": []}
    assert client.get("/evaluate").status_code == 405
    assert error_of(client.get("/evaluate"))["code"] == "method-not-allowed"
    other = client.get("/rulesets/other")
    assert other.status_code == 404
    assert error_of(other)["message"] == "no ruleset `other` here; this service has `student_health`"
    assert error_of(client.post("/batch", params={"output": "enrolement"}, content=b"{}\n"))["diagnostics"][0][
        "hint"] == "did you mean `enrolment`?"


# ------------------------------------------------------------------ whatever the facts

ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-10, 700), st.sampled_from(
    ["CN", "DE", "cn", "FR", "2001-03-14", "2001-02-30", "9000.50", "1e3", "metropole", "outre_mer", "sector_2",
     "", "twelve"]), st.lists(st.integers(0, 3), max_size=2), st.decimals(-1000, 100_000, places=3))
SOME_FACTS = st.dictionaries(st.sampled_from(sorted(WANG) + ["holds_s1", "insured_in", "unknown"]), ANY_VALUE,
                             max_size=8).map(lambda changed: {**WANG, **changed})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=SOME_FACTS, output=st.sampled_from(["enrolment", "css_status", "gp_reimbursement", "ceam_usable"]))
def test_the_service_agrees_with_the_library_whatever_the_facts(client, ruleset, facts, output):
    """A verdict equal to the library's, or a 422 with exactly the library's diagnostics."""
    sent = json.loads(json.dumps(facts, default=str))  # decimals travel as text
    response = client.post("/evaluate", json={"facts": sent, "as_of": AS_OF, "outputs": [output]})
    try:
        expected = library(ruleset, sent, outputs=[output])
    except engine.VerdictError as refused:
        assert response.status_code == 422
        assert error_of(response)["diagnostics"] == [d.to_dict() for d in refused.diagnostics]
    else:
        assert response.status_code == 200
        assert response.json()["trace"] == expected


# ------------------------------------------------------------------ many clients at once

def _requests():
    """Varied requests: nationalities, ages, resources, dates and languages."""
    cases = []
    for nationality, months, resources, as_of, lang, output in itertools.islice(itertools.product(
            ["CN", "DE", "CA", "FR", "GB"], [2, 12], ["9000", "12000.50", "40000"], ["2021-06-01", "2025-09-01"],
            ["en", "fr", "zh"], ["enrolment", "css_status"]), 0, None, 7):
        facts = dict(WANG, nationality=nationality, stay_months=months, annual_resources=resources,
                     holds_ceam=nationality == "DE")
        cases.append({"facts": facts, "as_of": as_of, "outputs": [output], "lang": lang})
    return cases


def test_2000_requests_from_16_clients_all_equal_the_library(url, ruleset):
    cases = _requests()
    expected = []
    for case in cases:
        verdict = ruleset.evaluate(case["facts"], as_of=case["as_of"], outputs=case["outputs"])
        expected.append((json.loads(json.dumps(verdict.to_dict())), verdict.explain(case["lang"])))

    def client_run(start: int) -> list:
        wrong = []
        with httpx.Client(base_url=url, timeout=60) as c:
            for n in range(start, 2000, 16):
                answer = c.post("/evaluate", json=cases[n % len(cases)])
                trace, text = expected[n % len(cases)]
                if answer.status_code != 200 or answer.json()["trace"] != trace or answer.json()["explanation"] != text:
                    wrong.append((n, answer.status_code, answer.text[:200]))
        return wrong

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        wrong = [w for ws in pool.map(client_run, range(16)) for w in ws]
    assert len(cases) > 20
    assert wrong == []


# ------------------------------------------------------------------ the command

def test_verdict_serve_answers_then_stops_on_ctrl_c():
    import signal
    import socket
    import subprocess
    import sys
    import time
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "engine", "serve", str(RULESET), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = server.stdout.readline()
        assert banner == (f"verdict: serving student_health {engine.load_ruleset(RULESET).version} on "
                          f"http://127.0.0.1:{port}/ (the API is described at /openapi.json; Ctrl-C stops)\n")
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not answer"
                time.sleep(0.05)
        assert health.json()["status"] == "ok"
        server.send_signal(signal.SIGINT)
        assert server.wait(20) == 130  # as any command stopped by Ctrl-C, after a graceful shutdown
        assert "Traceback" not in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_a_port_in_use_is_exit_2_in_words(capsys):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(RULESET), "--port", str(port)]) == 2
    assert capsys.readouterr().err == (f"error[usage]: cannot listen on 127.0.0.1:{port}: Address already in use\n"
                                       f"  = another program uses that port: choose another with --port\n")
    assert main(["serve", str(RULESET), "--port", "70000"]) == 2
    assert capsys.readouterr().err == "error[usage]: --port 70000: a port is a number from 0 to 65535\n"


def test_each_engine_error_has_its_status():
    from engine.errors import Diagnostic, EvaluationError, FactError, RuleError, TraceError, VerdictError
    from engine.serve.problems import from_verdict_error
    made = {kind: from_verdict_error(kind(Diagnostic("error", "x", "what"))) for kind in
            (FactError, EvaluationError, TraceError, RuleError, VerdictError)}
    assert {kind.__name__: (e.code, e.status) for kind, e in made.items()} == {
        "FactError": ("bad-facts", 422), "EvaluationError": ("no-answer", 422), "TraceError": ("bad-trace", 422),
        "RuleError": ("internal", 500), "VerdictError": ("refused", 422)}
    assert made[FactError].to_dict() == {"error": {"code": "bad-facts", "message": "what", "diagnostics": [
        {"severity": "error", "code": "x", "message": "what"}]}}


@pytest.mark.parametrize("body, message", [
    (b'{"facts": {"nationality": "CN", "nationality": "DE"}}', "the body is not JSON: duplicate key `nationality`"),
    (b'{"facts": {"nationality": "\\ud800"}}', "the body is not JSON: the text `\\ud800` in `nationality` holds "
                                                "\\ud800, half of a UTF-16 pair and not a character; send the text "
                                                "as UTF-8"),
])
def test_the_body_follows_the_rules_of_the_one_facts_reader(client, body, message):
    response = client.post("/evaluate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == message


def test_whatif_gives_the_changes_and_their_text(client):
    body = {"facts": {"household_size": 1, "annual_resources": "11000", "territory": "metropole"},
            "output": "css_status", "want": "free", "fixed": ["household_size", "territory"], "as_of": AS_OF}
    answer = client.post("/whatif", json=body)
    assert answer.status_code == 200
    assert answer.json()["whatif"]["single"] == [
        {"changes": [{"fact": "annual_resources", "from": "11000.00", "to": [{"min": "0", "max": "10339.00"}],
                      "nearest": "10339.00"}], "value": "free"}]
    assert answer.json()["text"].splitlines()[-1] == (
        "- Complémentaire santé solidaire would be “free” if “Household resources” is up to €10,339.00.")
    refused = client.post("/whatif", json=dict(body, want="gratis"))
    assert refused.status_code == 422
    assert "wanted value of `css_status`" in error_of(refused)["message"]


def test_verdict_serve_freezes_the_loaded_ruleset_out_of_the_collectors_reach(monkeypatch):
    """A server's ruleset lives as long as it: a full collection must not walk it mid-request."""
    import gc
    import uvicorn
    from engine.serve import app
    seen = []

    class Server:
        def __init__(self, config):
            self.started = True

        def run(self, sockets):
            seen.append(gc.get_freeze_count())
    monkeypatch.setattr(uvicorn, "Server", Server)
    try:
        assert app.serve(str(RULESET), port=0) == 0
    finally:
        gc.unfreeze()
    assert seen and seen[0] > 1000
