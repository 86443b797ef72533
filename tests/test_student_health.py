"""The bundled ruleset as its users meet it: checked clean, every row exercised, every figure sourced."""
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.ruleset import check_path
from engine.testing import run_cases

RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "student_health"
STATUSES = {"OFFICIAL", "SECONDARY", "DERIVED", "SEED"}


@pytest.fixture(scope="module")
def rs():
    return engine.load_ruleset(RULESET)


def test_check_finds_nothing_the_deliberate_limits_are_no_answer_rows():
    skipped = []
    diagnostics, _ = check_path(RULESET, skipped)
    assert diagnostics == []
    assert [d.name for d in skipped] == ["ceam_usable", "css_status", "ceam_next_step"]  # their bounds read decisions


@pytest.mark.parametrize("facts, reason", [
    ({"doctor_sector": "sector_2"}, "The reimbursement base of a sector 2 GP without OPTAM is not verified"),
    ({"birth_date": "2012-01-01", "has_medecin_traitant": True}, "For children under 16 the care-pathway rates"),
])
def test_a_deliberate_limit_answers_with_its_reason(rs, facts, reason):
    output = "reimbursement_base" if "doctor_sector" in facts else "reimbursement_rate"
    with pytest.raises(engine.EvaluationError) as excinfo:
        rs.evaluate(facts, as_of="2025-09-01", outputs=[output])
    [diagnostic] = excinfo.value.diagnostics
    assert diagnostic.code == "no-answer" and reason in diagnostic.message


def test_every_case_passes_and_every_row_is_exercised():
    report = run_cases(RULESET)
    assert report.ok and report.unexercised == ()
    assert len(report.results) >= 60


def test_every_source_has_a_known_status_and_every_citation_is_registered(rs):
    assert {s.status for s in rs.files.sources.values()} <= STATUSES
    assert {"SEED", "OFFICIAL", "SECONDARY", "DERIVED"} <= {s.status for s in rs.files.sources.values()}
    for info in rs.model.decisions.values():
        for version in info.versions:
            decl = version.decl
            rows = getattr(decl.body, "rows", ())
            for row in rows:
                assert (row.source or decl.source) in rs.files.sources, f"{decl.name} row {row.number}"
            if not rows and decl.name != "age":  # `age` is a definition (whole years on the date), not a rule
                assert decl.source in rs.files.sources, decl.name
    for info in rs.model.parameters.values():
        assert all(v.source in rs.files.sources for v in info.values), info.decl.name


def test_the_interface_names_exist_with_their_types(rs):
    inputs = {"nationality": "country", "birth_date": "date", "higher_education": "bool", "stay_months": "integer",
              "holds_ceam": "bool", "holds_s1": "bool", "quebec_form": "bool", "salaried": "bool",
              "annual_work_hours": "integer", "birth_certificate_language": "text", "household_size": "integer",
              "annual_resources": "money", "insured_in": "country", "destination": "country",
              "has_medecin_traitant": "bool", "css_beneficiary": "bool"}
    for name, type_name in inputs.items():
        assert rs.model.inputs[name].type.name == type_name, name
    assert rs.model.inputs["territory"].type.symbols == ("metropole", "outre_mer")
    assert rs.model.inputs["doctor_sector"].type.symbols == ("sector_1", "sector_2_optam", "sector_2")
    decisions = {"zone", "age", "enrolment", "enrolment_documents", "css_free_ceiling", "css_participation_ceiling",
                 "css_status", "css_monthly_participation", "ceam_usable", "consultation_fee", "reimbursement_rate",
                 "participation_forfaitaire", "gp_reimbursement", "can_work_without_permit"}
    assert decisions <= set(rs.model.decisions)
    assert rs.model.decisions["enrolment"].type.symbols == (
        "register_student_portal", "exempt_ceam", "exempt_quebec", "register_local_cpam", "private_cover_short_stay",
        "not_concerned")


def test_a_css_figure_past_its_checked_date_still_answers_with_a_warning(rs):
    facts = {"household_size": 1, "territory": "metropole", "annual_resources": 9000}
    assert rs.evaluate(facts, as_of="2026-03-31", outputs=["css_status"]).to_dict()["warnings"] == []
    verdict = rs.evaluate(facts, as_of="2026-04-01", outputs=["css_status"])
    assert verdict.outputs["css_status"] == "free"
    assert [w["name"] for w in verdict.to_dict()["warnings"]] == ["css_free_ceiling", "css_participation_ceiling"]
    assert ("  warning  Annual resource ceiling for free CSS: this value was last checked on 31\u00a0March\u00a02026; "
            "as of\n           1\u00a0April\u00a02026 a newer figure may apply (source efl_css_2025).\n") in verdict.explain()


def test_the_cli_gives_a_no_answer_reason_in_the_readers_language(tmp_path, capsys):
    from engine.cli import main
    facts = tmp_path / "f.yaml"
    facts.write_text("doctor_sector: sector_2\n", encoding="utf-8")
    assert main(["eval", str(RULESET), "--facts", str(facts), "--as-of", "2025-09-01",
                 "--output", "reimbursement_base", "--lang", "zh"]) == 1
    out, err = capsys.readouterr()
    assert "报销基数：无法作答\n  原因 未加入 OPTAM 的“2类”医生的报销基数" in out
    assert "error[no-answer]: in `reimbursement_base`: 未加入 OPTAM 的“2类”医生的报销基数" in err


NEXT_STEPS = ("enrolment_next_step", "css_next_step", "care_next_step", "ceam_next_step")
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def test_every_value_and_every_decision_is_named_in_every_language(rs):
    for lang, messages in rs.files.messages.items():
        assert set(rs.model.symbols) <= set(messages["symbols"]), lang
        assert {"true", "false"} <= set(messages["symbols"]), lang
        if lang != rs.files.language:
            assert set(rs.model.decisions) <= set(messages["titles"]), lang


def test_every_next_step_row_is_translated_and_cites_a_registered_source(rs):
    for name in NEXT_STEPS:
        [version] = rs.model.decisions[name].versions
        for row in version.decl.body.rows:
            assert row.rule_id and (row.source or version.decl.source) in rs.files.sources, (name, row.rule_id)
            for lang in ("fr", "zh"):
                assert row.rule_id in rs.files.messages[lang]["because"], (lang, row.rule_id)


def test_chinese_texts_use_full_width_punctuation_next_to_chinese():
    import re
    import yaml
    data = yaml.safe_load((RULESET / "messages" / "zh.yaml").read_text(encoding="utf-8"))
    mixed = re.compile(rf"{CJK}[,;:!?()]|[,;:!?()]{CJK}|挂号费")
    bad = [(key, text) for section in data.values() for key, text in section.items() if mixed.search(text)]
    assert bad == []


def test_french_texts_keep_their_typography_and_no_plural_in_brackets_after_a_number():
    import re
    import yaml
    data = yaml.safe_load((RULESET / "messages" / "fr.yaml").read_text(encoding="utf-8"))
    texts = {key: text for section in data.values() for key, text in section.items()}
    assert [key for key, text in texts.items() if re.search(r"\}\s+\w+\(s\)|hors de votre portée", text)] == []
    # a non-breaking space (U+00A0, or U+202F before ; ? !), so no line of the explanation starts with the sign
    assert [key for key, text in texts.items() if re.search(r"(^|[^\u00a0\u202f])[:;?!](\s|$)", text)] == []


def test_being_eligible_for_the_css_is_not_having_it(rs):
    care = {"birth_date": "2001-03-14", "has_medecin_traitant": True, "doctor_sector": "sector_1"}
    household = {"household_size": 1, "territory": "metropole", "annual_resources": 9000}
    eligible = rs.evaluate({**care, **household}, as_of="2025-09-01",
                           outputs=["css_status", "participation_forfaitaire", "gp_reimbursement", "css_next_step"])
    assert eligible.outputs == {"css_status": "free", "participation_forfaitaire": Decimal("2.00"),
                                "gp_reimbursement": Decimal("19.00"), "css_next_step": "check_household_then_apply"}
    beneficiary = rs.evaluate({**care, "css_beneficiary": True}, as_of="2025-09-01", outputs=["gp_reimbursement"])
    assert beneficiary.outputs == {"gp_reimbursement": Decimal("21.00")}  # no household facts needed


def test_the_css_is_only_for_people_insured_in_france(rs):
    facts = {"insured_in": "DE", "household_size": 1, "territory": "metropole", "annual_resources": 0}
    verdict = rs.evaluate(facts, as_of="2025-09-01", outputs=["css_status"])
    assert verdict.outputs == {"css_status": "not_eligible"}
    assert "only for people affiliated to French health insurance" in verdict.explain()
