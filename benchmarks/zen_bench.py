"""GoRules zen-engine on the two benchmark tables, traced and untraced; run inside benchmarks/.venv-zen.

    benchmarks/.venv-zen/bin/python benchmarks/zen_bench.py   → one JSON object on stdout

The decision tables are the JDM equivalents of benchmarks/rules/*.rules (hit policy `first`: the
rows are exclusive, so it gives what `unique` gives), built here from the same figures.
"""
import json
import random
import statistics
import sys
import time

import zen

CALLS = 2000


def jdm(name: str, inputs: list, rules: list) -> str:
    """A graph input → decision table → output, as the JDM editor saves it."""
    table = {
        "id": "table", "type": "decisionTableNode", "name": name, "position": {"x": 300, "y": 0},
        "content": {
            "hitPolicy": "first",
            "inputs": [{"id": f"in{i}", "name": field, "field": field} for i, field in enumerate(inputs)],
            "outputs": [{"id": "out", "name": name, "field": name}],
            "rules": [dict({"_id": f"r{n}", "out": value}, **{f"in{i}": test for i, test in enumerate(tests)})
                      for n, (tests, value) in enumerate(rules)],
        },
    }
    return json.dumps({
        "nodes": [{"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
                  table,
                  {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}}],
        "edges": [{"id": "e1", "sourceId": "request", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "response", "type": "edge"}],
    })


def participation():
    rules = [(["<= 29"], "8"), (["[30..49]"], "14"), (["[50..59]"], "21"), (["[60..69]"], "25"), ([">= 70"], "30")]
    rng = random.Random(1)
    return jdm("participation", ["age"], rules), [{"age": rng.randrange(18, 91)} for _ in range(CALLS)]


def ceilings():
    metro, om = [10339, 15508, 18609, 21711], [11507, 17260, 20712, 24164]
    rules = []
    for size in range(1, 19):
        for territory, base, step in (("metropole", metro, 4135), ("outre_mer", om, 4602)):
            value = base[size - 1] if size <= 4 else base[3] + (size - 4) * step
            rules.append(([str(size), f'"{territory}"'], str(value)))
    rng = random.Random(2)
    facts = [{"household_size": rng.randrange(1, 19), "territory": rng.choice(["metropole", "outre_mer"])}
             for _ in range(CALLS)]
    return jdm("ceiling", ["household_size", "territory"], rules), facts


def per_call(decision, facts, options, repeat=9):
    for item in facts[:200]:
        decision.evaluate(item, options)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in facts:
            decision.evaluate(item, options)
        samples.append((time.perf_counter() - start) / len(facts))
    return statistics.median(samples)


def main():
    engine = zen.ZenEngine()
    results = {}
    for name, (content, facts) in (("participation", participation()), ("ceilings", ceilings())):
        decision = engine.create_decision(content)
        check = decision.evaluate(facts[0], {"trace": True})
        assert "trace" in check and check["result"], check
        results[name] = {"traced": per_call(decision, facts, {"trace": True}),
                         "untraced": per_call(decision, facts, {"trace": False})}
    results["version"] = getattr(zen, "__version__", "")
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
