"""The other side of each comparison: natural hand-written Python, GoRules zen-engine through its
static loader, and OpenFisca vectorised. Each gives the same answers as the bundled rules on the
cases the benchmarks draw (the benchmarks assert it before timing anything).

The figures are the 2025-04-01 CSS ceilings of rulesets/student_health/css_ceilings.rules and the
participation amounts of css.rules; a benchmark that finds them changed fails its check, loudly.
"""
from __future__ import annotations

import json
from decimal import Decimal

CENT = Decimal("0.01")
FREE = {"metropole": ((10339, 15508, 18609, 21711), 4135), "outre_mer": ((11507, 17260, 20712, 24164), 4602)}
PARTICIPATION_CEILING = {"metropole": ((13957, 20936, 25123, 29311), 5583),
                         "outre_mer": ((15535, 23302, 27961, 32622), 6213)}
BENCH_CEILINGS = {"metropole": ((10339, 15508, 18609, 21711), 4135), "outre_mer": ((11507, 17260, 20712, 24164), 4602)}


# ---------------------------------------------------------------------------- hand-written Python
# What a programmer would write for these rules: the amounts made once, a look-up and a formula.

def _money_table(table):
    return {t: (tuple(Decimal(v).quantize(CENT) for v in base), Decimal(step).quantize(CENT))
            for t, (base, step) in table.items()}


_P8, _P14, _P21, _P25, _P30 = (Decimal(v).quantize(CENT) for v in (8, 14, 21, 25, 30))


def participation_py(age):
    if age <= 29:
        return _P8
    if age <= 49:
        return _P14
    if age <= 59:
        return _P21
    if age <= 69:
        return _P25
    return _P30


_BENCH = _money_table(BENCH_CEILINGS)
_FREE = _money_table(FREE)
_PART = _money_table(PARTICIPATION_CEILING)


def ceiling_py(household_size, territory):
    base, step = _BENCH[territory]
    return base[household_size - 1] if household_size <= 4 else base[3] + (household_size - 4) * step


def css_status_py(annual_resources, household_size, territory, insured_in="FR"):
    if insured_in != "FR":
        return "not_eligible"
    base, step = _FREE[territory]
    free = base[household_size - 1] if household_size <= 4 else base[3] + (household_size - 4) * step
    if annual_resources <= free:
        return "free"
    base, step = _PART[territory]
    ceiling = base[household_size - 1] if household_size <= 4 else base[3] + (household_size - 4) * step
    return "participation" if annual_resources <= ceiling else "not_eligible"


# ---------------------------------------------------------------------------- zen-engine (JDM)

def _table(node_id, name, inputs, outputs, rules, x):
    """A JDM decision table (hit policy first; passThrough keeps the request for the next table)."""
    return {"id": node_id, "type": "decisionTableNode", "name": name, "position": {"x": x, "y": 0},
            "content": {"hitPolicy": "first", "passThrough": True,
                        "inputs": [{"id": f"{node_id}_i{i}", "name": f, "field": f} for i, f in enumerate(inputs)],
                        "outputs": [{"id": f"{node_id}_o{i}", "name": f, "field": f} for i, f in enumerate(outputs)],
                        "rules": [dict({"_id": f"{node_id}_r{n}"},
                                       **{f"{node_id}_i{i}": test for i, test in enumerate(tests)},
                                       **{f"{node_id}_o{i}": value for i, value in enumerate(values)})
                                  for n, (tests, values) in enumerate(rules)]}}


def _graph(tables) -> str:
    """Request → the tables in a chain → Response, as the JDM editor saves it."""
    nodes = [{"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}}, *tables,
             {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 900, "y": 0}}]
    ids = [n["id"] for n in nodes]
    edges = [{"id": f"e{k}", "sourceId": a, "targetId": b, "type": "edge"} for k, (a, b) in enumerate(zip(ids, ids[1:]))]
    return json.dumps({"nodes": nodes, "edges": edges})


def _ceiling_rows(table):
    rows = []
    for territory, (base, step) in table.items():
        for size, value in enumerate(base, 1):
            rows.append(([str(size), f'"{territory}"'], [str(value)]))
        rows.append(([">= 5", f'"{territory}"'], [f"{base[3]} + (household_size - 4) * {step}"]))
    return rows


def jdm_models() -> dict:
    """name → JDM graph, the equivalents of benchmarks/rules/*.rules and of css_status."""
    participation = _table("participation", "participation", ["age"], ["participation"],
                           [(["<= 29"], ["8"]), (["[30..49]"], ["14"]), (["[50..59]"], ["21"]),
                            (["[60..69]"], ["25"]), ([">= 70"], ["30"])], 300)
    ceiling = _table("ceiling", "ceiling", ["household_size", "territory"], ["ceiling"],
                     _ceiling_rows(BENCH_CEILINGS), 300)
    free = _table("free", "css_free_ceiling", ["household_size", "territory"], ["css_free_ceiling"],
                  _ceiling_rows(FREE), 200)
    part = _table("part", "css_participation_ceiling", ["household_size", "territory"],
                  ["css_participation_ceiling"], _ceiling_rows(PARTICIPATION_CEILING), 400)
    status = _table("status", "css_status", ["insured_in", "annual_resources"], ["css_status"], [
        (['!= "FR"', ""], ['"not_eligible"']),
        (["", "<= css_free_ceiling"], ['"free"']),
        (["", "> css_free_ceiling and $ <= css_participation_ceiling"], ['"participation"']),
        (["", "> css_participation_ceiling"], ['"not_eligible"'])], 600)
    return {"participation": _graph([participation]), "ceiling": _graph([ceiling]),
            "css_status": _graph([free, part, status])}


def zen_engine():
    """(engine, note): zen-engine with the static loader its docs recommend for speed (the
    decision content parsed once, as ZenDecisionContent, and handed out by key), or None and why."""
    try:
        import zen
    except ImportError as error:
        return None, f"zen-engine is not installed ({error}): `make bench` installs the bench extra"
    contents = {name: zen.ZenDecisionContent(graph) for name, graph in jdm_models().items()}
    engine = zen.ZenEngine({"loader": lambda key: contents[key]})
    return engine, f"zen-engine {_version('zen-engine')}, static loader, engine.evaluate(key, facts, options)"


def _version(distribution: str) -> str:
    try:
        from importlib.metadata import version
        return version(distribution)
    except Exception:  # noqa: BLE001 - only a label
        return "?"


# ---------------------------------------------------------------------------- OpenFisca, vectorised

def openfisca_css():
    """(calculate, note): `calculate(sizes, resources, territories, insured)` → the css_status of
    every person at once, through an OpenFisca tax-benefit system of the same rules (numpy arrays,
    float money as OpenFisca has it), or None and why."""
    try:
        import numpy as np
        from openfisca_core.entities import build_entity
        from openfisca_core.periods import DateUnit
        from openfisca_core.simulations import SimulationBuilder
        from openfisca_core.taxbenefitsystems import TaxBenefitSystem
        from openfisca_core.variables import Variable
    except ImportError as error:
        return None, f"openfisca-core is not installed ({error}): `make bench` installs the bench extra"
    person = build_entity(key="person", plural="persons", label="A person", is_person=True)

    def variable(name, value_type, formula=None):
        attributes = {"value_type": value_type, "entity": person, "definition_period": DateUnit.MONTH,
                      "label": name}
        if formula is not None:
            attributes["formula"] = formula
        return type(name, (Variable,), attributes)

    def ceiling_formula(table):
        def formula(persons, period):
            size = persons("household_size", period)
            outre_mer = persons("outre_mer", period)
            metro_base, metro_step = table["metropole"]
            om_base, om_step = table["outre_mer"]
            index = np.minimum(size, 4) - 1
            metro = np.where(size <= 4, np.array(metro_base)[index], metro_base[3] + (size - 4) * metro_step)
            om = np.where(size <= 4, np.array(om_base)[index], om_base[3] + (size - 4) * om_step)
            return np.where(outre_mer, om, metro)
        return formula

    def status_formula(persons, period):
        resources = persons("annual_resources", period)
        free = persons("css_free_ceiling", period)
        ceiling = persons("css_participation_ceiling", period)
        insured = persons("insured_in_france", period)
        return np.select([~insured, resources <= free, resources <= ceiling], [2, 0, 1], 2)

    system = TaxBenefitSystem([person])
    for cls in (variable("household_size", int), variable("annual_resources", float), variable("outre_mer", bool),
                variable("insured_in_france", bool),
                variable("css_free_ceiling", float, ceiling_formula(FREE)),
                variable("css_participation_ceiling", float, ceiling_formula(PARTICIPATION_CEILING)),
                variable("css_status_code", int, status_formula)):
        system.add_variable(cls)
    names = np.array(["free", "participation", "not_eligible"])

    def calculate(sizes, resources, territories, insured):
        simulation = SimulationBuilder().build_default_simulation(system, len(sizes))
        simulation.set_input("household_size", "2025-09", np.array(sizes))
        simulation.set_input("annual_resources", "2025-09", np.array([float(r) for r in resources]))
        simulation.set_input("outre_mer", "2025-09", np.array([t == "outre_mer" for t in territories]))
        simulation.set_input("insured_in_france", "2025-09", np.array([c == "FR" for c in insured]))
        return list(names[simulation.calculate("css_status_code", "2025-09")])
    return calculate, f"openfisca-core {_version('openfisca-core')}, one simulation of all the cases (numpy)"
