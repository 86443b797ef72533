"""graph: the decisions' requirements graph — cycles spelled out, and what an output needs."""
from __future__ import annotations

from engine.errors import Diagnostic
from engine.resolve import Model


def decision_edges(model: Model, day=None) -> dict:
    """decision -> the decisions it reads (in the version valid on `day`, or in any version)."""
    edges = {}
    for name, info in model.decisions.items():
        versions = [info.version_on(day)] if day is not None else list(info.versions)
        targets = []
        for version in versions:
            if version is None:
                continue
            for dep in version.dependencies:
                if dep in model.decisions and dep not in targets:
                    targets.append(dep)
        edges[name] = targets
    return edges


def find_cycles(model: Model) -> list[Diagnostic]:
    """One `cycle` error per cycle, spelled `a → b → a`, at the first decision's span."""
    edges = decision_edges(model)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []
    reported: set[frozenset] = set()
    diagnostics = []

    def visit(node: str):
        state[node] = 1
        stack.append(node)
        for target in edges.get(node, ()):
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    diagnostics.append(Diagnostic(
                        "error", "cycle", "these decisions depend on each other: " + " → ".join(cycle),
                        model.decisions[target].span, hint="a decision cannot depend on itself, even indirectly"))
            elif state.get(target) is None:
                visit(target)
        stack.pop()
        state[node] = 2

    for name in model.decisions:
        if state.get(name) is None:
            visit(name)
    return diagnostics


def required_inputs(model: Model, outputs, day) -> list[str]:
    """The inputs that computing `outputs` as of `day` reads, in a stable order."""
    seen_decisions: set[str] = set()
    inputs: list[str] = []

    def visit(name: str):
        if name in seen_decisions:
            return
        seen_decisions.add(name)
        version = model.decisions[name].version_on(day)
        if version is None:
            return
        for dep in version.dependencies:
            if dep in model.decisions:
                visit(dep)
            elif dep in model.inputs and dep not in inputs:
                inputs.append(dep)

    for output in outputs:
        visit(output)
    return inputs


def evaluation_order(model: Model, outputs, day) -> list[str]:
    """The decisions `outputs` need, each after the ones it reads (topological order)."""
    order: list[str] = []
    edges = decision_edges(model, day)

    def visit(name: str):
        if name in order:
            return
        for dep in edges.get(name, ()):
            visit(dep)
        order.append(name)

    for output in outputs:
        visit(output)
    return order
