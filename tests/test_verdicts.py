"""Verdicts people can rely on (issue 9): partial answers, statuses, tamper-evident traces,
signatures, errors as JSON, exit codes."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import engine
from engine import FactError, TraceError
from engine.cli import main
from engine.trace.check import read_trace
from engine.trace.dumps import canonical_bytes

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "student_health"
AS_OF = "2025-09-01"
ENROLMENT_FACTS = {"nationality": "CN", "higher_education": True, "stay_months": 12, "holds_ceam": False}


@pytest.fixture(scope="module")
def health():
    return engine.load_ruleset(RULESET)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def redigest(trace: dict) -> dict:
    """What a forger does after editing: recompute the (keyless) digest."""
    trace = dict(trace)
    trace["digest"] = {"sha256": hashlib.sha256(canonical_bytes(trace)).hexdigest()}
    return trace


# ============================================================================ partial verdicts

def test_a_partial_verdict_answers_what_the_facts_allow(health):
    verdict = health.evaluate(ENROLMENT_FACTS, as_of=AS_OF, outputs=["enrolment", "css_status", "zone"],
                              partial=True)
    assert verdict.outputs == {"enrolment": "register_student_portal", "zone": "third_country"}
    assert not verdict.complete
    status = verdict.status["css_status"]
    assert (status.state, status.missing) == ("not_evaluated", ("annual_resources", "household_size", "territory"))
    trace = verdict.to_dict()
    assert trace["complete"] is False
    assert trace["status"]["css_status"] == {"status": "not_evaluated",
                                             "missing": ["annual_resources", "household_size", "territory"]}
    assert trace["status"]["enrolment"] == {"status": "answered"}
    # the decisions beneath the unanswered question have their status too
    entries = {d["name"]: d for d in trace["decisions"]}
    assert entries["css_free_ceiling"]["status"] == "not_evaluated"
    assert entries["css_free_ceiling"]["missing"] == ["household_size", "territory"]
    assert entries["enrolment"]["status"] == "answered"


def test_a_no_answer_row_leaves_the_other_outputs_answered(health):
    facts = dict(ENROLMENT_FACTS, doctor_sector="sector_2")
    verdict = health.evaluate(facts, as_of=AS_OF, outputs=["reimbursement_base", "enrolment"], partial=True)
    assert verdict.outputs == {"enrolment": "register_student_portal"}
    status = verdict.status["reimbursement_base"]
    assert (status.state, status.code, status.decision, status.rule) == (
        "no_answer", "no-answer", "reimbursement_base", "base_sector_2_unverified")
    assert status.reason["en"].startswith("The reimbursement base of a sector 2 GP without OPTAM is not verified")
    assert status.reason["zh"].startswith("未加入 OPTAM 的“2类”医生的报销基数")
    assert status.location["file"].endswith("care.rules") and status.location["line"] == 28


def test_without_partial_the_api_still_refuses_a_missing_fact(health):
    with pytest.raises(FactError):
        health.evaluate(ENROLMENT_FACTS, as_of=AS_OF, outputs=["css_status"])


def test_wrong_facts_are_refused_even_in_a_partial_verdict(health):
    with pytest.raises(FactError) as excinfo:
        health.evaluate(dict(ENROLMENT_FACTS, stay_months="twelve"), as_of=AS_OF, partial=True)
    assert excinfo.value.diagnostics[0].message.startswith("fact `stay_months`: expected integer")
    with pytest.raises(FactError):
        health.evaluate({"nationalty": "CN"}, as_of=AS_OF, partial=True)


def test_a_partial_verdict_is_explained_saved_and_replayed(health, tmp_path):
    verdict = health.evaluate(ENROLMENT_FACTS, as_of=AS_OF, outputs=["enrolment", "css_status"], partial=True)
    text = verdict.explain()
    assert ("Complémentaire santé solidaire: not evaluated\n"
            "  missing  Household resources, Persons in the household and Where the household lives\n") in text
    assert ("  note     Questions without an answer yet: 1 of 2. Answered: “How to get covered by French health\n"
            "           insurance”.\n") in text
    assert "补充医疗保障（CSS）：未计算\n  缺少 家庭收入、家庭人数和家庭居住地\n" in verdict.explain("zh")
    saved = read_trace(verdict.to_json(), "t.json")
    assert engine.explain_trace(saved) == text
    result = engine.replay(saved, health)
    assert (result.same, result.differences) == (True, ())


def test_the_cli_exit_status_says_whether_everything_asked_was_answered(capsys, tmp_path):
    facts = tmp_path / "f.json"
    facts.write_text(json.dumps(ENROLMENT_FACTS), encoding="utf-8")
    code, out, err = run(capsys, "eval", RULESET, "--facts", facts, "--as-of", AS_OF, "--output", "enrolment")
    assert (code, err) == (0, "")
    code, out, err = run(capsys, "eval", RULESET, "--facts", facts, "--as-of", AS_OF,
                         "--output", "enrolment", "--output", "css_status")
    assert code == 1
    assert out.startswith("student_health ")
    assert err.splitlines()[0] == ("error[missing-fact] 1/3: missing fact `annual_resources` (money >= 0.00 €), "
                                   "read by css_status")
    assert ("  = Where the household lives; give it, or ask only for what these facts answer: "
            "outputs=['enrolment'] (verdict eval: --output enrolment)") in err
    assert err.rstrip().endswith("incomplete verdict: 1 of 2 outputs asked have no answer")


# ============================================================================ tamper-evident traces

@pytest.fixture
def trace(health):
    facts = dict(ENROLMENT_FACTS, birth_date="2001-03-14", household_size=1, annual_resources=9000,
                 territory="metropole", holds_s1=False)
    return json.loads(health.evaluate(facts, as_of=AS_OF, outputs=["css_status", "enrolment"]).to_json())


def test_an_edited_fact_is_refused_by_its_digest(trace):
    trace["facts"]["annual_resources"] = "1.00"
    with pytest.raises(TraceError) as excinfo:
        read_trace(json.dumps(trace), "t.json")
    assert excinfo.value.diagnostics[0].message == (
        "t.json: its digest is not the digest of its content: the trace was changed after it was written")


def test_a_zeroed_digest_is_refused(trace):
    trace["digest"]["sha256"] = "0" * 64
    with pytest.raises(TraceError, match="its digest is not the digest of its content"):
        read_trace(json.dumps(trace), "t.json")


def test_an_edited_fact_with_a_recomputed_digest_is_refused_by_the_values_seen(trace):
    trace["facts"]["annual_resources"] = "1.00"
    with pytest.raises(TraceError) as excinfo:
        read_trace(json.dumps(redigest(trace)), "t.json")
    assert excinfo.value.diagnostics[0].message == (
        't.json: `css_status` saw annual_resources = "9000.00", but the trace gives "1.00": the trace was edited')


def test_an_edited_output_with_a_recomputed_digest_is_refused(trace):
    trace["outputs"]["css_status"] = "not_eligible"
    with pytest.raises(TraceError) as excinfo:
        read_trace(json.dumps(redigest(trace)), "t.json")
    assert excinfo.value.diagnostics[0].message == (
        "t.json: the output of `css_status` is not the one its decision gave: the trace was edited")


def test_a_status_that_contradicts_the_outputs_is_refused(trace):
    trace["status"]["css_status"] = {"status": "not_evaluated", "missing": []}
    with pytest.raises(TraceError, match="the outputs are not those of the questions answered"):
        read_trace(json.dumps(redigest(trace)), "t.json")


def test_a_forged_explanation_is_printed_as_stored_and_replay_catches_it(trace, health):
    entry = next(d for d in trace["decisions"] if d["name"] == "css_status")
    entry["fired"][0]["because"]["en"] = "You are rich: no CSS for you."
    forged = redigest(trace)
    text = engine.explain_trace(read_trace(json.dumps(forged), "t.json"))
    assert "You are rich" in text  # a keyless digest cannot stop a careful forger: replay and signatures can
    result = engine.replay(forged, health)
    assert not result.same
    assert result.differences == ("css_status: the trace's explanation is not the one this ruleset gives "
                                  "(the trace was edited)",)


def test_replay_catches_edited_words_a_reader_is_shown_labels_sources_and_version(trace, health):
    """A digest made again hides an edit from `verify`; the unchanged ruleset gives other words."""
    trace["labels"]["en"]["symbols"]["free"] = "refused"
    trace["ruleset"]["version"] = "2027.1"
    entry = next(d for d in trace["decisions"] if d["name"] == "css_status")
    entry["sources"][0]["url"] = "https://example.org/forged"
    result = engine.replay(redigest(trace), health)
    assert not result.same
    assert result.differences == (
        'the trace names the ruleset\'s version "2027.1", the ruleset\'s is "2026.1" (the trace was edited)',
        'the trace\'s en label of `free` is "refused", the ruleset\'s "free" (the trace was edited)',
        f"css_status: the trace's source `{entry['sources'][0]['id']}` differs from the ruleset's in its url "
        "(the trace was edited)")


def test_replay_of_an_older_engine_s_trace_compares_only_the_labels_both_have(trace, health):
    del trace["labels"]["en"]["titles"]["css_status"]  # written by an engine that gave fewer titles
    assert engine.replay(redigest(trace), health).same


def test_replay_diffs_show_the_values_compared(trace, health, tmp_path):
    # the same words, other values: the diff shows the exact JSON of each side
    entry = next(d for d in trace["decisions"] if d["name"] == "css_free_ceiling")
    old = entry["output"]
    from engine.trace.replay import _shown_pair
    assert _shown_pair("10339.00", "10339.0", "money", "money") == ('"10339.00"', '"10339.0"')
    assert _shown_pair(old, "8500.00", "money", "money") == ("€10,339.00", "€8,500.00")


# ============================================================================ signatures

def test_sign_and_verify(capsys, tmp_path):
    key = tmp_path / "k.pem"
    code, out, _ = run(capsys, "keygen", key)
    assert code == 0 and "public key:  " + str(tmp_path / "k.pub.pem") in out
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    facts = tmp_path / "f.json"
    facts.write_text(json.dumps(ENROLMENT_FACTS), encoding="utf-8")
    code, out, _ = run(capsys, "eval", RULESET, "--facts", facts, "--as-of", AS_OF, "--output", "enrolment",
                       "--format", "json", "--sign", key)
    assert code == 0
    signed = tmp_path / "s.json"
    signed.write_text(out, encoding="utf-8")
    assert json.loads(out)["signature"]["algorithm"] == "ed25519"
    code, out, _ = run(capsys, "verify", signed, "--key", tmp_path / "k.pub.pem")
    assert code == 0
    assert out.splitlines()[1:] == [out.splitlines()[1], "content: consistent (1 of 1 outputs answered, "
                                    "2 decision records)", out.splitlines()[3]]
    assert out.splitlines()[3].startswith("signature: valid, by key ") and out.endswith("(the key given)\n")
    code, out, _ = run(capsys, "explain", signed)
    assert code == 0 and "How to get covered by French health insurance: register on etudiant-etranger.ameli.fr" in out


def test_a_signed_trace_edited_and_redigested_fails_its_signature(capsys, tmp_path, trace):
    from engine.trace.signing import generate_key, sign_trace
    generate_key(str(tmp_path / "k.pem"))
    signed = sign_trace(trace, str(tmp_path / "k.pem"))
    entry = next(d for d in signed["decisions"] if d["name"] == "css_status")
    entry["fired"][0]["because"]["en"] = "You are rich: no CSS for you."
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(redigest(signed)), encoding="utf-8")
    code, out, _ = run(capsys, "verify", path)
    assert code == 1
    assert out.splitlines()[-1] == ("signature: INVALID: the signature does not match the content: the trace was "
                                    "changed after it was signed")
    code, out, err = run(capsys, "explain", path)
    assert (code, out) == (2, "")
    assert "the signature does not match the content" in err


def test_verify_with_another_key_fails(capsys, tmp_path, trace):
    from engine.trace.signing import generate_key, sign_trace
    generate_key(str(tmp_path / "a.pem"))
    generate_key(str(tmp_path / "b.pem"))
    path = tmp_path / "s.json"
    path.write_text(json.dumps(sign_trace(trace, str(tmp_path / "a.pem"))), encoding="utf-8")
    code, out, _ = run(capsys, "verify", path, "--key", tmp_path / "b.pub.pem")
    assert code == 1 and "signature: INVALID: signed by key " in out and "not by the key given" in out


def test_verify_an_unsigned_trace(capsys, tmp_path, trace):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(trace), encoding="utf-8")
    code, out, _ = run(capsys, "verify", path)
    assert (code, out.splitlines()[-1]) == (0, "signature: none")
    from engine.trace.signing import generate_key
    generate_key(str(tmp_path / "k.pem"))
    code, out, _ = run(capsys, "verify", path, "--key", tmp_path / "k.pub.pem")
    assert (code, out.splitlines()[-1]) == (1, "signature: none — a key was given, so a signature was required")


@pytest.mark.parametrize("signed", [False, True])
def test_verify_with_a_key_that_cannot_be_read_prints_only_the_error(capsys, tmp_path, trace, signed):
    """Exit 2 prints nothing on stdout (docs/errors.md): the key is read before the first line of
    the report, whether the trace is signed or not."""
    from engine.trace.signing import generate_key, sign_trace
    generate_key(str(tmp_path / "k.pem"))
    path = tmp_path / "t.json"
    path.write_text(json.dumps(sign_trace(trace, str(tmp_path / "k.pem")) if signed else trace), encoding="utf-8")
    (tmp_path / "junk.pem").write_text("not a key\n", encoding="utf-8")
    code, out, err = run(capsys, "verify", path, "--key", tmp_path / "nokey.pem")
    assert (code, out, err) == (2, "", f"error[not-found]: public key {tmp_path / 'nokey.pem'}: No such file or directory\n")
    code, out, err = run(capsys, "verify", path, "--key", tmp_path / "junk.pem")
    assert (code, out, err) == (2, "", f"error[usage]: public key {tmp_path / 'junk.pem'}: not a PEM public key\n"
                                       "  = give the .pub.pem file that `verdict keygen` wrote beside the private key\n")
    code, out, err = run(capsys, "verify", path, "--key", tmp_path / "k.pem")
    assert (code, out, err) == (2, "", f"error[usage]: public key {tmp_path / 'k.pem'}: a private key, not a public key\n"
                                       "  = give the .pub.pem file that `verdict keygen` wrote beside the private key\n")


def test_signing_with_a_public_key_says_so(capsys, tmp_path):
    from engine.trace.signing import generate_key
    generate_key(str(tmp_path / "k.pem"))
    facts = tmp_path / "f.json"
    facts.write_text(json.dumps(ENROLMENT_FACTS), encoding="utf-8")
    code, out, err = run(capsys, "eval", RULESET, "--facts", facts, "--as-of", AS_OF, "--output", "enrolment",
                         "--format", "json", "--sign", tmp_path / "k.pub.pem")
    assert code == 2
    assert json.loads(out)["error"]["message"] == f"private key {tmp_path / 'k.pub.pem'}: a public key, not a private key"
    assert err.endswith("  = sign with the private key that `verdict keygen` wrote beside it (KEY.pem, not "
                        "KEY.pub.pem)\n")


def test_keygen_never_overwrites(capsys, tmp_path):
    key = tmp_path / "k.pem"
    key.write_text("mine", encoding="utf-8")
    code, out, err = run(capsys, "keygen", key)
    assert (code, out) == (2, "")
    assert err == f"error[usage]: {key} exists already; a key is never overwritten\n  = choose another file name\n"


# ============================================================================ errors as JSON, version, strict

def test_eval_format_json_reports_errors_as_json(capsys, tmp_path):
    facts = tmp_path / "f.json"
    facts.write_text('{"nationalty": "CN"}', encoding="utf-8")
    code, out, err = run(capsys, "eval", RULESET, "--facts", facts, "--format", "json")
    assert code == 2
    error = json.loads(out)["error"]
    assert (error["code"], error["exit"], error["message"]) == (2 and "unknown-fact", 2, "unknown fact `nationalty`")
    assert error["diagnostics"][0]["hint"] == "did you mean `nationality`?"
    assert "error[unknown-fact]" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--version"])
    assert excinfo.value.code == 0
    assert capsys.readouterr().out == f"verdict {engine.__version__}\n"


def test_check_of_a_missing_path_exits_2(capsys):
    assert run(capsys, "check", "/nonexistent") == (2, "", "error[not-found]: /nonexistent: no such file or folder\n")


def test_check_strict_makes_warnings_fail(capsys, tmp_path):
    rules = tmp_path / "w.rules"
    rules.write_text("input n : integer\ninput unused : integer\ndecision d : integer = n\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", rules)
    assert code == 0 and "0 error(s), 1 warning(s)" in out
    code, out, _ = run(capsys, "check", rules, "--strict")
    assert code == 1 and out.rstrip().endswith("0 error(s), 1 warning(s) (--strict: warnings fail)")


# ============================================================================ verdict test, case by case

CASES = """\
- name: good one
  as_of: 2025-09-01
  facts: {nationality: CN}
  expected: {zone: third_country}
- name: typo
  as_of: 2025-09-01
  facts: {nationality: CN}
  expect: {zone: third_country}
- name: no date
  facts: {nationality: CN}
  expected: {zone: third_country}
- name: good two
  as_of: 2025-09-01
  facts: {nationality: DE}
  expected: {zone: eu_eea_ch}
"""


def test_a_malformed_case_is_reported_at_its_line_and_the_others_run(capsys, tmp_path):
    (tmp_path / "z.rules").write_text(
        "type Zone = {eu_eea_ch, third_country}\n"
        "input nationality : country\n"
        "decision zone : Zone hit first\n"
        "  | nationality || zone\n"
        "  | DE          || eu_eea_ch\n"
        "  | otherwise   || third_country\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.yaml").write_text(CASES, encoding="utf-8")
    code, out, _ = run(capsys, "test", tmp_path)
    assert code == 1
    cases = tmp_path / "tests" / "a.yaml"
    assert out.splitlines()[:4] == [
        f"INVALID {cases}:5: typo",
        "     unknown key `expect` (did you mean `expected`?)",
        f"INVALID {cases}:9: no date",
        "     a case needs `as_of`, the date the rules are applied on (e.g. as_of: 2025-09-01)"]
    assert out.splitlines()[-1] == "2 passed, 2 failed"


def test_verdict_test_on_rules_with_errors_exits_1(capsys, tmp_path):
    (tmp_path / "b.rules").write_text("decision x\n", encoding="utf-8")
    code, out, err = run(capsys, "test", tmp_path)
    assert (code, err) == (1, "")
    assert out.endswith("the rules have errors, so no case was run (`verdict check` lists them)\n")
    assert run(capsys, "test", tmp_path / "nowhere")[0] == 2


# ============================================================================ decimal commas

@pytest.mark.parametrize("text, where", [
    ("input fee : money\ndecision band : text hit first\n  | fee       || band\n  | 0,25 €    || \"low\"\n"
     "  | otherwise || \"high\"\n", "r.rules:4:5: error[decimal-comma]"),
    ("parameter p : number\n  from 2024-01-01 = 16,5\n", "r.rules:2:23: error[syntax]"),
    ("input n : number\ndecision d : number = n * 0,5\n", "r.rules:2:28: error[syntax]"),
])
def test_a_decimal_comma_is_an_error_everywhere_with_the_same_hint(capsys, tmp_path, text, where):
    (tmp_path / "r.rules").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", tmp_path / "r.rules")
    assert code == 1
    assert f"{tmp_path}/{where}" in out
    assert "  = a decimal is written with a point (0.25, not 0,25); a comma separates the values of a list" in out


def test_a_batch_line_is_a_partial_verdict_when_facts_are_missing(capsys, tmp_path):
    rules = tmp_path / "b.rules"
    rules.write_text("input n : integer\ninput k : integer default 1\ndecision d : integer = n + k\n"
                     "decision e : integer = k\n", encoding="utf-8")
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"n": 1}\n{}\n', encoding="utf-8")
    code, out, _ = run(capsys, "eval", rules, "--batch", lines, "--as-of", "2025-01-01", "--jobs", "1")
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == [
        {"line": 1, "outputs": {"d": 2, "e": 1}},
        {"line": 2, "outputs": {"e": 1}, "complete": False,
         "status": {"d": {"status": "not_evaluated", "missing": ["n"]}}}]


# ============================================================================ what would change it, in the verdict

def test_eval_whatif_adds_the_counterfactuals_to_the_text_and_to_the_trace(capsys, tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text("household_size: 1\nannual_resources: 11000\nterritory: metropole\n", encoding="utf-8")
    argv = ["eval", RULESET, "--facts", facts, "--as-of", AS_OF, "--output", "css_status", "--whatif", "css_status"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.splitlines()[-5:] == [
        "- Complémentaire santé solidaire would be “free” if “Persons in the household” is at least 2.",
        "- Complémentaire santé solidaire would be “free” if “Household resources” is up to €10,339.00.",
        "- Complémentaire santé solidaire would be “not eligible” if “Household resources” is above €13,957.00.",
        "- Complémentaire santé solidaire would be “free” if “Where the household lives” is overseas France.",
        "- Complémentaire santé solidaire would be “not eligible” if “Country of health insurance” is other than "
        "France."]
    code, out, _ = run(capsys, *argv, "--format", "json")
    trace = json.loads(out)
    assert trace["counterfactuals"]["css_status"]["single"][1] == {
        "changes": [{"fact": "annual_resources", "from": "11000.00", "to": [{"min": "0", "max": "10339.00"}],
                     "nearest": "10339.00"}], "value": "free"}
    read_trace(out, "t.json")  # the digest covers them
    trace["counterfactuals"]["css_status"]["single"][1]["value"] = "not_eligible"
    with pytest.raises(TraceError, match="its digest is not the digest of its content"):
        read_trace(json.dumps(trace), "t.json")


def test_eval_whatif_of_an_output_not_asked_is_refused(capsys, tmp_path):
    facts = tmp_path / "f.json"
    facts.write_text(json.dumps(ENROLMENT_FACTS), encoding="utf-8")
    code, out, err = run(capsys, "eval", RULESET, "--facts", facts, "--as-of", AS_OF, "--output", "enrolment",
                         "--whatif", "css_status")
    assert (code, out) == (2, "")
    assert err == ("error[usage]: --whatif css_status: `css_status` is not an output asked\n"
                   "  = add --output css_status, or ask what would change one of: enrolment\n")


def test_wrong_facts_in_a_partial_verdict_are_refused_without_the_missing_ones(health):
    with pytest.raises(FactError) as excinfo:
        health.evaluate({"nationality": "cn"}, as_of=AS_OF, partial=True)
    assert [d.code for d in excinfo.value.diagnostics] == ["fact-type"]


# ============================================================================ declared ranges in brackets

@pytest.mark.parametrize("text, where, hinted", [
    ("input n : integer [0..4]\n", "r.rules:1:21: error[syntax]", True),
    ("input stay : duration (0 days..4 days]\n", "r.rules:1:30: error[syntax]", True),
    ("decision x : integer [1..3] = 2\n", "r.rules:1:24: error[syntax]", True),
    ("decision y : integer = [1..3]\n", "r.rules:1:26: error[syntax]", False),  # a list, not a declared range
])
def test_a_declared_range_in_brackets_gets_the_way_to_write_it(capsys, tmp_path, text, where, hinted):
    (tmp_path / "r.rules").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", tmp_path / "r.rules")
    assert code == 1 and f"{tmp_path}/{where}: unexpected `..`" in out
    hint = ("  = a declared range is written without brackets, both ends included: `integer 0..4`; "
            "or with one end: `> 0`, `<= 4` (brackets are for the cells of a table)")
    assert (hint in out) is hinted


@pytest.mark.parametrize("cell, hint", [
    ("< 2 weeks", "a duration counts `day`/`days`, `month`/`months` or `year`/`years`, in English: a week is `7 days`"),
    ("<= 90 jours", "a duration counts `day`/`days`, `month`/`months` or `year`/`years`, in English"),
])
def test_a_duration_unit_the_language_lacks_gets_the_units_it_has(capsys, tmp_path, cell, hint):
    (tmp_path / "r.rules").write_text(f'input stay : duration\ndecision v : text\n  | stay || v\n  | {cell} || "a"\n'
                                      '  | otherwise || "b"\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", tmp_path / "r.rules")
    assert code == 1 and "a unit (`days`, `months`, `years`)" in out and f"  = {hint}\n" in out


def test_a_name_after_a_name_is_not_taken_for_a_unit(capsys, tmp_path):
    (tmp_path / "r.rules").write_text("input d : integer\ndecision v : integer = d d\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", tmp_path / "r.rules")
    assert code == 1 and "r.rules:2:26: error[syntax]: unexpected `d`" in out and "a duration counts" not in out


def test_sign_trace_takes_a_verdict_or_its_json_and_refuses_anything_else_in_words(tmp_path):
    from engine.trace.signing import generate_key
    generate_key(str(tmp_path / "k.pem"))
    verdict = engine.load_ruleset(RULESET).evaluate({"household_size": 1, "annual_resources": 11000,
                                                    "territory": "metropole"}, as_of=AS_OF, outputs=["css_status"])
    from_dict = engine.sign_trace(verdict.to_dict(), str(tmp_path / "k.pem"))
    assert engine.sign_trace(verdict, str(tmp_path / "k.pem")) == from_dict
    assert engine.sign_trace(verdict.to_json(), str(tmp_path / "k.pem")) == from_dict
    assert engine.check_signature(json.dumps(from_dict)).valid
    with pytest.raises(engine.TraceError) as refused:
        engine.sign_trace(42, str(tmp_path / "k.pem"))
    assert str(refused.value).startswith("error[trace]: sign_trace takes a trace, not int")
    assert "pass `verdict.to_dict()`, the Verdict itself, or a saved trace's JSON text" in str(refused.value)
    with pytest.raises(engine.TraceError):  # text is read as read_trace reads it: an edited trace is refused
        engine.sign_trace(verdict.to_json().replace('"css_status"', '"css_statu"', 1), str(tmp_path / "k.pem"))


@pytest.mark.parametrize("day, refused", [
    ("2024-09-01", "the figure `gp_fee_sector_1` is in force from 2024-12-22, after the trace's date 2024-09-01"),
    ("2025-03-01", "`css_free_ceiling` is the version valid from 2025-04-01, not on the trace's date 2025-03-01")])
def test_a_trace_whose_date_was_edited_and_redigested_contradicts_its_own_figures_and_versions(day, refused):
    from engine.trace.dumps import digest_of
    verdict = engine.load_ruleset(RULESET).evaluate(
        {"household_size": 1, "annual_resources": 11000, "territory": "metropole", "birth_date": "2001-03-14",
         "has_medecin_traitant": True, "doctor_sector": "sector_1"}, as_of=AS_OF, outputs=["gp_reimbursement", "css_status"])
    trace = json.loads(verdict.to_json())
    trace["as_of"] = day
    trace["digest"] = {"sha256": digest_of(trace)}
    with pytest.raises(engine.TraceError) as raised:
        engine.read_trace(json.dumps(trace))
    assert str(raised.value) == (f"error[trace]: trace: {refused}: the trace was edited\n"
                                 "  = ask for the original trace, or evaluate its facts again with `verdict eval`")
