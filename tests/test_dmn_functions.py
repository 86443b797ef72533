"""DMN import of business knowledge models (engine/dmn/bkm.py): each becomes a verdict function,
invoked by FEEL calls and boxed invocations; what cannot be translated is refused at its element."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.dmn.to_rules import import_dmn
from engine.errors import VerdictError
from tests.test_codegen import both_ways

DAY = dt.date(2025, 1, 1)


def model(body: str) -> str:
    return ('<?xml version="1.0"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="m" '
            f'namespace="urn:m">\n{body}\n</definitions>\n')


def refusal(body: str) -> list:
    with pytest.raises(VerdictError) as caught:
        import_dmn(model(body).encode(), "m.dmn")
    return [d.message for d in caught.value.diagnostics]


FEES = model('''<inputData id="i1" name="Loan Amount"><variable name="Loan Amount" typeRef="number"/></inputData>
<inputData id="i2" name="Age"><variable name="Age" typeRef="number"/></inputData>
<businessKnowledgeModel id="b1" name="Monthly Fee"><variable name="Monthly Fee"/>
 <encapsulatedLogic><formalParameter name="amount" typeRef="number"/><formalParameter name="months" typeRef="number"/>
  <literalExpression typeRef="number"><text>amount / months + 1</text></literalExpression></encapsulatedLogic>
</businessKnowledgeModel>
<businessKnowledgeModel id="b2" name="Band"><variable name="Band" typeRef="string"/>
 <encapsulatedLogic><formalParameter name="age" typeRef="number"/>
  <decisionTable id="t2" hitPolicy="FIRST"><input id="c1"><inputExpression typeRef="number"><text>age</text></inputExpression></input>
  <output id="o1"/>
  <rule id="r1"><inputEntry><text>&lt; 18</text></inputEntry><outputEntry><text>"minor"</text></outputEntry></rule>
  <rule id="r2"><inputEntry><text>-</text></inputEntry><outputEntry><text>"adult"</text></outputEntry></rule>
  </decisionTable></encapsulatedLogic></businessKnowledgeModel>
<decision id="d1" name="Fee"><variable name="Fee" typeRef="number"/>
 <informationRequirement><requiredInput href="#i1"/></informationRequirement>
 <knowledgeRequirement><requiredKnowledge href="#b1"/></knowledgeRequirement>
 <literalExpression><text>Monthly Fee(Loan Amount, 12)</text></literalExpression></decision>
<decision id="d2" name="Who"><variable name="Who" typeRef="string"/>
 <knowledgeRequirement><requiredKnowledge href="#b2"/></knowledgeRequirement>
 <invocation id="v1"><literalExpression><text>Band</text></literalExpression>
  <binding><parameter name="age"/><literalExpression><text>Age</text></literalExpression></binding></invocation></decision>
<decision id="d3" name="Named"><variable name="Named" typeRef="number"/>
 <knowledgeRequirement><requiredKnowledge href="#b1"/></knowledgeRequirement>
 <literalExpression><text>Monthly Fee(months: 2, amount: Age)</text></literalExpression></decision>''')


def test_business_knowledge_models_become_functions_and_their_invocations_calls():
    result = import_dmn(FEES.encode(), "m.dmn")
    assert result.text.split("\n\n")[2:] == [
        'function Monthly_Fee(amount: number, months: number) : number "Monthly Fee" = ((amount / months) + 1)',
        'function Band(age: number) : text hit first\n'
        '  | age  || Band\n'
        '  | < 18 || "minor"\n'
        '  | -    || "adult"',
        'decision Fee : number = Monthly_Fee(Loan_Amount, 12)',
        'decision Who : text = Band(Age)',
        'decision Named : number = Monthly_Fee(Age, 2)\n']
    both_ways(result.ruleset, {"Loan_Amount": 1200, "Age": 16}, DAY)  # the interpreter and the generated code agree
    out = result.ruleset.evaluate({"Loan_Amount": 1200, "Age": 16}, as_of=DAY, trace=False).outputs
    assert (out["Fee"], out["Who"], out["Named"]) == (Decimal(101), "minor", Decimal(9))
    assert result.ruleset.evaluate({"Loan_Amount": 0, "Age": 40}, as_of=DAY, trace=False).outputs["Who"] == "adult"


FEES_RULESET = import_dmn(FEES.encode(), "m.dmn").ruleset


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amount=st.integers(0, 10**6), age=st.integers(0, 120))
def test_the_functions_give_what_the_bkms_say(amount, age):
    facts = {"Loan_Amount": amount, "Age": age}
    both_ways(FEES_RULESET, facts, DAY)
    out = FEES_RULESET.evaluate(facts, as_of=DAY, trace=False).outputs
    assert out["Fee"] == Decimal(amount) / 12 + 1
    assert out["Who"] == ("minor" if age < 18 else "adult")
    assert out["Named"] == Decimal(age) / 2 + 1


def test_a_parameter_named_like_an_input_is_renamed_in_its_function():
    xml = ('<inputData id="i1" name="x"><variable name="x" typeRef="number"/></inputData>'
           '<businessKnowledgeModel id="b1" name="twice"><encapsulatedLogic><formalParameter name="x" typeRef="number"/>'
           '<literalExpression><text>x * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>'
           '<decision id="d1" name="D"><variable name="D" typeRef="number"/>'
           '<literalExpression><text>twice(x + 1)</text></literalExpression></decision>')
    result = import_dmn(model(xml).encode(), "m.dmn")
    assert "function twice(twice_x: number) : number = (twice_x * 2)" in result.text  # its type: its expression's
    assert result.ruleset.evaluate({"x": 4}, as_of=DAY, trace=False).outputs["D"] == 10


BODY = '<encapsulatedLogic><formalParameter name="a" typeRef="number"/>{}</encapsulatedLogic>'


@pytest.mark.parametrize("body, expected", [
    ('<businessKnowledgeModel id="b1" name="f"/>',
     'businessKnowledgeModel "f" (id b1, line 3): the business knowledge model has no encapsulated logic'),
    ('<businessKnowledgeModel id="b1" name="f">' + BODY.format('<context id="c1"/>') + '</businessKnowledgeModel>',
     "context (id c1, line 3): a business knowledge model whose logic is a boxed context is not translated; a "
     "literal expression or a decision table is"),
    ('<businessKnowledgeModel id="b1" name="f"><encapsulatedLogic><formalParameter name="a"/>'
     '<literalExpression><text>a</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>',
     "formalParameter \"a\" (line 3): the parameter `a` has no typeRef; verdict needs the type of each parameter"),
    ('<businessKnowledgeModel id="b1" name="f">' + BODY.format('<literalExpression><text>a = "x"</text>'
                                                                '</literalExpression>') + '</businessKnowledgeModel>',
     "literalExpression (line 3): the translation is refused by verdict's checker: cannot compare number with text"),
    ('<decision id="d1" name="D"><variable name="D" typeRef="number"/><knowledgeRequirement id="k1">'
     '<requiredKnowledge href="#nowhere"/></knowledgeRequirement><literalExpression><text>1</text>'
     '</literalExpression></decision>',
     'decision "D" (id d1, line 3): it requires `#nowhere`, which is not a business knowledge model of this file'),
    ('<businessKnowledgeModel id="b1" name="f">' + BODY.format('<literalExpression><text>a</text></literalExpression>')
     + '</businessKnowledgeModel><decision id="d1" name="D"><variable name="D" typeRef="number"/>'
     '<invocation id="v1"><literalExpression><text>f</text></literalExpression></invocation></decision>',
     "invocation (id v1, line 3): the parameter `a` of `f` has no binding (DMN would give it null)"),
    ('<decision id="d1" name="D"><variable name="D" typeRef="number"/>'
     '<invocation id="v1"><literalExpression><text>g</text></literalExpression></invocation></decision>',
     "invocation (id v1, line 3): the invocation calls `g`, which is not a business knowledge model of this file"),
    ('<businessKnowledgeModel id="b1" name="f">' + BODY.format('<literalExpression><text>a</text></literalExpression>')
     + '</businessKnowledgeModel><decision id="d1" name="D"><variable name="D" typeRef="number"/>'
     '<literalExpression id="e1"><text>f(1, 2)</text></literalExpression></decision>',
     "literalExpression (id e1, line 3): `f` takes 1 argument(s); 2 given"),
])
def test_what_a_function_cannot_be_is_refused_at_its_element(body, expected):
    assert refusal(body) == [expected]


def test_a_refused_bkm_is_named_once_and_its_calls_say_why():
    xml = ('<itemDefinition name="tP"><itemComponent name="a"><itemComponent name="b"><typeRef>number</typeRef>'
           '</itemComponent></itemComponent></itemDefinition>'
           '<businessKnowledgeModel id="b1" name="f"><encapsulatedLogic><formalParameter name="p" typeRef="tP"/>'
           '<literalExpression><text>p.a</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>\n'
           '<decision id="d1" name="D"><variable name="D" typeRef="number"/><knowledgeRequirement>'
           '<requiredKnowledge href="#b1"/></knowledgeRequirement>\n<literalExpression id="e1"><text>f(1)</text>'
           '</literalExpression></decision>')
    assert refusal(xml) == [
        'formalParameter "p" (line 3): the component `a` is itself a structure; nested structures are not translated',
        "literalExpression (id e1, line 5): it calls the business knowledge model `f`, which is not translated (its "
        "refusal says why)"]


def test_a_table_with_several_outputs_is_not_a_function():
    xml = ('<businessKnowledgeModel id="b1" name="f"><variable name="f" typeRef="number"/>' + BODY.format(
        '<decisionTable id="t1"><input><inputExpression><text>a</text></inputExpression></input>'
        '<output name="x"/><output name="y"/></decisionTable>') + '</businessKnowledgeModel>')
    assert refusal(xml) == ["decisionTable (id t1, line 3): a decision table with several outputs is not translated "
                            "as a function (a verdict function gives one value)"]


def test_a_structure_parameter_of_its_own_item_definition_is_a_record_shared_with_a_list_of_it():
    xml = ('<itemDefinition name="tLoan"><itemComponent name="amount"><typeRef>number</typeRef></itemComponent>'
           '<itemComponent name="rate"><typeRef>number</typeRef></itemComponent></itemDefinition>'
           '<itemDefinition name="tLoans" isCollection="true"><typeRef>tLoan</typeRef></itemDefinition>'
           '<inputData id="i1" name="Loans"><variable name="Loans" typeRef="tLoans"/></inputData>'
           '<businessKnowledgeModel id="b1" name="Interest"><variable name="Interest" typeRef="number"/>'
           '<encapsulatedLogic><formalParameter name="loan" typeRef="tLoan"/><literalExpression>'
           '<text>loan.amount * loan.rate</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>'
           '<businessKnowledgeModel id="b2" name="Largest"><variable name="Largest" typeRef="number"/>'
           '<encapsulatedLogic><formalParameter name="loans" typeRef="tLoans"/><literalExpression>'
           '<text>Interest(loans[1]) * count(loans)</text></literalExpression></encapsulatedLogic>'
           '</businessKnowledgeModel>'
           '<decision id="d1" name="Interests"><variable name="Interests" typeRef="number"/>'
           '<literalExpression><text>sum(for l in Loans return Interest(l)) + Largest(Loans)</text>'
           '</literalExpression></decision>')
    result = import_dmn(model(xml).encode(), "m.dmn")
    lines = result.text.splitlines()
    assert "type tLoan = {amount: number, rate: number}" in lines and "input Loans : list of tLoan" in lines
    assert "function Interest(loan: tLoan) : number = (loan.amount * loan.rate)" in lines
    assert "function Largest(loans: list of tLoan) : number = (Interest(loans[1]) * count(loans))" in lines
    assert "decision Interests : number = (sum((for l in Loans return Interest(l))) + Largest(Loans))" in lines
    facts = {"Loans": [{"amount": 100, "rate": Decimal("0.05")}, {"amount": 200, "rate": Decimal("0.1")}]}
    both_ways(result.ruleset, facts, DAY)
    assert result.ruleset.evaluate(facts, as_of=DAY, trace=False).outputs["Interests"] == 25 + 10


def test_a_bkm_body_iterating_a_list_is_translated_and_runs():
    # refused while verdict's functions could not evaluate a bound variable (engine/evaluation/functions.py)
    xml = model('<businessKnowledgeModel id="b1" name="f"><variable name="f"/>'
                + BODY.format('<literalExpression id="e1"><text>sum(for x in [a, a] return x * 2)</text>'
                              '</literalExpression>') + '</businessKnowledgeModel>'
                + '<inputData id="i1" name="n"><variable name="n" typeRef="number"/></inputData>'
                + '<decision id="d1" name="D"><variable name="D" typeRef="number"/><knowledgeRequirement>'
                  '<requiredKnowledge href="#b1"/></knowledgeRequirement><literalExpression><text>f(n)</text>'
                  '</literalExpression></decision>')
    imported = import_dmn(xml.encode(), "m.dmn")
    assert "function f(a: number) : number = sum((for x in [a, a] return (x * 2)))" in imported.text
    assert imported.ruleset.evaluate({"n": 3}, as_of=DAY).outputs == {"D": 12}
