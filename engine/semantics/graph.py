"""graph: the decisions' requirements graph — cycles spelled out, depth bounded, what an output needs.

Every walk here is iterative: a ruleset may chain many decisions, and the stack must not be the
limit.
"""
from __future__ import annotations

from engine.errors import Diagnostic
from engine.semantics.model import Model

# Far deeper than any policy (the bundled one is 6 deep); evaluation recurses a few frames per level.
MAX_DECISION_DEPTH = 100


def decision_edges(model: Model, day=None, roots=None) -> dict:
    """decision -> the decisions it reads (in the version valid on `day`, or in any version);
    with `roots`, only for the decisions they reach (one output of 60,000 decisions reads few)."""
    if roots is None:
        return {name: _reads(model, info, day) for name, info in model.decisions.items()}
    edges, pending = {}, [name for name in roots if name in model.decisions]
    while pending:
        name = pending.pop()
        if name not in edges:
            edges[name] = _reads(model, model.decisions[name], day)
            pending.extend(edges[name])
    return edges


def _reads(model: Model, info, day) -> list:
    versions = [info.version_on(day)] if day is not None else list(info.versions)
    return _dependencies_among(versions, model.decisions)


def _dependencies_among(versions, names) -> list:
    """What these versions read among `names`, each once, in reading order."""
    found: list = []
    for version in versions:
        if version is None:
            continue
        for dep in version.dependencies:
            if dep in names and dep not in found:
                found.append(dep)
    return found


def post_order(edges: dict, roots) -> list:
    """Nodes reachable from `roots`, each after the nodes it reads; cycles are cut, not followed."""
    order, state = [], {}
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(edges.get(root, ())))]
        state[root] = 1
        while stack:
            node, targets = stack[-1]
            for target in targets:
                if target not in state:
                    state[target] = 1
                    stack.append((target, iter(edges.get(target, ()))))
                    break
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    return order


def find_cycles(model: Model) -> list[Diagnostic]:
    """One `cycle` error per cycle, spelled `a → b → a`, at the first decision's span; and one
    error when decisions depend on each other more than MAX_DECISION_DEPTH levels deep."""
    edges = decision_edges(model)
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    reported: set[frozenset] = set()
    diagnostics = []
    for root in model.decisions:
        if root in state:
            continue
        path = [root]
        stack = [iter(edges.get(root, ()))]
        state[root] = 1
        while stack:
            for target in stack[-1]:
                if state.get(target) == 1:
                    cycle = path[path.index(target):] + [target]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        diagnostics.append(Diagnostic(
                            "error", "cycle", "these decisions depend on each other: " + " → ".join(cycle),
                            model.decisions[target].span, hint="a decision cannot depend on itself, even indirectly"))
                elif target not in state:
                    state[target] = 1
                    path.append(target)
                    stack.append(iter(edges.get(target, ())))
                    break
            else:
                stack.pop()
                state[path.pop()] = 2
    if not diagnostics:
        diagnostics.extend(_too_deep(model, edges))
    return diagnostics


def _too_deep(model: Model, edges: dict) -> list[Diagnostic]:
    depth: dict[str, int] = {}
    for name in post_order(edges, model.decisions):
        depth[name] = 1 + max((depth[t] for t in edges.get(name, ())), default=0)
        if depth[name] > MAX_DECISION_DEPTH:
            return [Diagnostic("error", "cycle", f"`{name}` rests on a chain of more than {MAX_DECISION_DEPTH} "
                               "decisions, each reading the next", model.decisions[name].span,
                               hint="no policy needs such a chain; compute the steps in fewer decisions")]
    return []


def required_inputs(model: Model, outputs, day) -> list[str]:
    """The inputs that computing `outputs` as of `day` reads, in a stable order."""
    order = reversed(post_order(decision_edges(model, day, outputs), outputs))
    return _dependencies_among([model.decisions[name].version_on(day) for name in order], model.inputs)


def evaluation_order(model: Model, outputs, day) -> list[str]:
    """The decisions `outputs` need, each after the ones it reads (topological order)."""
    return post_order(decision_edges(model, day, outputs), outputs)
