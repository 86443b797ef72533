"""Every ```rules block of the design sketch (docs/design-sketch.md) parses and means what it says."""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from engine.syntax.parse import parse
from engine.ruleset import load_ruleset

SKETCH = Path(__file__).resolve().parent.parent / "docs" / "design-sketch.md"
BLOCKS = re.findall(r"```rules\n(.*?)```", SKETCH.read_text(encoding="utf-8"), re.S)

# Names the sketch's blocks use without declaring them in any block.
PRELUDE = """
type CssStatus = {free, participation, not_eligible}
input css_status : CssStatus
"""


def test_the_sketch_has_its_five_blocks():
    assert len(BLOCKS) == 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_each_block_parses(index):
    rule_file = parse(BLOCKS[index], f"sketch-{index}.rules")
    assert rule_file.declarations


@pytest.fixture(scope="module")
def sketch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sketch")
    (folder / "sketch.rules").write_text(PRELUDE + "\n".join(BLOCKS), encoding="utf-8")
    return load_ruleset(folder)


def test_the_blocks_together_have_no_error(sketch):
    assert [d for d in sketch.check() if d.is_error] == []


@pytest.mark.parametrize("age, fee", [(29, "8"), (30, "14"), (49, "14"), (50, "21"), (69, "25"), (70, "30")])
def test_participation_by_age(sketch, age, fee):
    verdict = sketch.evaluate({"css_status": "participation", "age": age}, as_of="2025-06-01",
                              outputs=["css_participation"])
    assert verdict.outputs["css_participation"] == Decimal(fee)


def test_free_css_costs_nothing_and_explains_why(sketch):
    verdict = sketch.evaluate({"css_status": "free", "age": 40}, as_of="2025-06-01", outputs=["css_participation"])
    assert verdict.outputs["css_participation"] == Decimal("0")
    assert "CSS is free at this income level." in verdict.explain()


@pytest.mark.parametrize("as_of, ceiling", [("2025-03-31", "10166"), ("2025-04-01", "10339"), ("2024-04-01", "10166")])
def test_free_ceiling_versions_switch_on_their_dates(sketch, as_of, ceiling):
    verdict = sketch.evaluate({"household_size": 1, "territory": "metropole"}, as_of=as_of, outputs=["free_ceiling"])
    assert verdict.outputs["free_ceiling"] == Decimal(ceiling)


def test_participation_ceiling_is_138_percent(sketch):
    verdict = sketch.evaluate({"household_size": 2, "territory": "outre_mer"}, as_of="2025-05-01",
                              outputs=["participation_ceiling"])
    assert verdict.outputs["participation_ceiling"] == Decimal("23818.80")  # 17260 × 1.38


@pytest.mark.parametrize("as_of, fee", [("2023-10-31", "25"), ("2023-11-01", "26.50"), ("2024-12-21", "26.50"),
                                        ("2024-12-22", "30")])
def test_parameter_values_by_date(sketch, as_of, fee):
    from engine.evaluation.evaluate import Context
    ctx = Context({}, __import__("datetime").date.fromisoformat(as_of), sketch.plans)
    assert ctx.parameter("consultation_fee_gp", None) == Decimal(fee)
