"""Boxed expressions that are FEEL said in boxes (h16-dmn): a conditional, a `for`, `some`,
`every`, a filter, a list, an invocation, each as the FEEL tree of the text it stands for, so
that engine/dmn/feel_to_rules.py translates them as it does that text. A context with a final
result is that result, its entries' expressions put where their names are read (verdict has no
local names; FEEL's values do not change, so the value is the same): the tree ("let", entries,
result), translated by engine/dmn/feel_lists.py with each entry in scope, so that a variable or a
filter's component of the same name hides it, as in FEEL. A decision's context without
one gives a structure: a verdict record, written as a table of one row whose output columns are
the entries (rules write no record literals; a multi-output table's value is a record). Relations
stay refused."""
from __future__ import annotations

from engine.dmn.feel import FeelError, parse_expression
from engine.dmn.feel_lists import bound, grouped

BOXED = ("conditional", "for", "some", "every", "filter", "list", "invocation", "context")
# a box's parts: tag -> the child elements, in the order of the tree's operands
PARTS = {"conditional": ("if", "then", "else"), "for": ("in", "return"), "some": ("in", "satisfies"),
         "every": ("in", "satisfies"), "filter": ("in", "match")}


def _at(error: FeelError, element) -> FeelError:
    if getattr(error, "element", None) is None:
        error.element = element
    return error


def _inner(element):
    """The one expression inside a part (<if>, <in>, …)."""
    found = [c for c in element.children if c.tag not in ("description", "extensionElements")]
    if len(found) != 1:
        raise _at(FeelError(f"<{element.tag}> holds {len(found)} expressions; one is needed"), element)
    return found[0]


def _context(element, scope, names):
    values, result = {}, None
    entries = element.all("contextEntry")
    for index, entry in enumerate(entries):
        variable = entry.child("variable")
        expression = next((c for c in entry.children if c.tag != "variable"), None)
        if expression is None:
            raise _at(FeelError("the context entry has no expression"), entry)
        if variable is None:
            if index != len(entries) - 1:
                raise _at(FeelError("a context entry without a name is its result, and comes last"), entry)
            result = tree_of(expression, scope, names + tuple(values))
            break
        values[" ".join(variable.attributes.get("name", "").split())] = tree_of(expression, scope,
                                                                                names + tuple(values))
    if result is None:
        raise _at(FeelError("a context without a final result gives a structure; rules write no record "
                            "literals"), element)
    return ("let", tuple(values.items()), result)


def tree_of(element, scope, names: tuple = ()):
    """The FEEL tree of a literal expression or a box; FeelError at the element not translated.
    `names`: the names of the context entries around it, which its texts may read."""
    tag = element.tag
    if tag == "context":
        return _context(element, scope, names)
    if tag == "literalExpression":
        text = element.child_text("text")
        if text is None:
            raise _at(FeelError("the literal expression has no text"), element)
        try:
            return parse_expression(text, list(scope.entries) + list(names))
        except FeelError as error:
            raise _at(error, element) from None
    if tag == "invocation":
        from engine.dmn.bkm import invocation_tree
        try:
            return invocation_tree(element, scope)
        except FeelError as error:
            raise _at(error, element) from None
    if tag == "list":
        return ("list", [tree_of(c, scope, names) for c in element.children
                         if c.tag not in ("description", "extensionElements")])
    if tag in PARTS:
        parts = []
        for name in PARTS[tag]:
            part = element.child(name)
            if part is None:
                raise _at(FeelError(f"the boxed {tag} has no <{name}>"), element)
            parts.append(tree_of(_inner(part), scope, names))
        if tag == "conditional":
            return ("if", *parts)
        if tag == "filter":
            return ("filter", *parts)
        variable = element.attributes.get("iteratorVariable")
        if not variable:
            raise _at(FeelError(f"the boxed {tag} has no iteratorVariable"), element)
        return (tag, variable, *parts)
    raise _at(FeelError(f"boxed {tag} expressions are not translated; decision tables, literal expressions "
                        f"and the boxes {', '.join(BOXED)} are"), element)


def has_result(element) -> bool:
    entries = element.all("contextEntry")
    return bool(entries) and entries[-1].child("variable") is None


def record_context(decision, vtype, verdict_name: str, translator, types, field_map: dict, body):
    """A decision's context without a final result: a one-row table giving the record of its entries."""
    from engine.dmn.to_rules import _column_name, _header, aligned
    fields = {f[0]: f for f in vtype.fields} if vtype is not None and vtype.kind == "record" else {}
    if vtype is not None and vtype.kind != "record":
        raise _at(FeelError(f"the context gives a structure, but the decision's type is {vtype.text()}"),
                  decision.logic)
    values, columns, cells = {}, [], []
    for index, entry in enumerate(decision.logic.all("contextEntry")):
        variable = entry.child("variable")
        expression = next((c for c in entry.children if c.tag != "variable"), None)
        if expression is None:
            raise _at(FeelError("the context entry has no expression"), entry)
        if variable is None:
            raise _at(FeelError("a context entry without a name is its result, and comes last"), entry)
        dmn = " ".join(variable.attributes.get("name", "").split())
        if expression.tag == "context" and not has_result(expression):
            raise _at(FeelError(f"the entry `{dmn}` is itself a structure; nested structures are not translated"),
                      expression)
        tree = tree_of(expression, translator.scope, tuple(values))
        found = fields.get(dmn)
        if fields and found is None:
            raise _at(FeelError(f"`{dmn}` is not a component of the decision's type "
                                f"({', '.join(fields)})"), entry)
        column = found[1] if found else _column_name(dmn, index)
        ctype = found[2] if found else (types.resolve(variable.attributes.get("typeRef"), entry.describe())
                                        or translator.type_of(tree))
        try:
            with bound(translator, [(d, grouped(c), t) for d, c, t in values.values()], variables=False):
                cells.append(translator.expr(tree, ctype))
        except FeelError as error:
            raise _at(error, expression) from None
        values[dmn] = (dmn, cells[-1], ctype)  # what later entries read
        inner = ctype.element if ctype is not None and ctype.kind == "list" else ctype
        said = ctype is not None and not (inner is not None and inner.kind in ("record", "struct") and not inner.name)
        columns.append(f"{column} : {ctype.with_range()}" if said else column)  # an unnamed record: inferred
        field_map.setdefault(decision.name, {})[dmn] = column
    if len(columns) < 2:  # a table of one output column gives its value, not a record of it
        raise _at(FeelError(f"a context of {len(columns)} entries gives a structure verdict cannot write (a record "
                            "comes from a table of two outputs or more)"), decision.logic)
    body.add("")
    body.add(f"# DMN context: its entries as the outputs of a table of one row (a record)", decision.logic)
    body.add(_header(decision, verdict_name, None, "unique"), decision.logic)
    for line, element in aligned([(["true"], columns, decision.logic), (["-"], cells, decision.logic)]):
        body.add(line, element)
