"""Boxed expressions that are FEEL said in boxes (h16-dmn): a conditional, a `for`, `some`,
`every`, a filter, a list, an invocation, each as the FEEL tree of the text it stands for, so
that engine/dmn/feel_to_rules.py translates them as it does that text. Contexts and relations
are not among them (verdict has no local names, and rules write no record literals)."""
from __future__ import annotations

from engine.dmn.feel import FeelError, parse_expression

BOXED = ("conditional", "for", "some", "every", "filter", "list", "invocation")
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


def tree_of(element, scope):
    """The FEEL tree of a literal expression or a box; FeelError at the element not translated."""
    tag = element.tag
    if tag == "literalExpression":
        text = element.child_text("text")
        if text is None:
            raise _at(FeelError("the literal expression has no text"), element)
        try:
            return parse_expression(text, scope.entries)
        except FeelError as error:
            raise _at(error, element) from None
    if tag == "invocation":
        from engine.dmn.bkm import invocation_tree
        try:
            return invocation_tree(element, scope)
        except FeelError as error:
            raise _at(error, element) from None
    if tag == "list":
        return ("list", [tree_of(c, scope) for c in element.children
                         if c.tag not in ("description", "extensionElements")])
    if tag in PARTS:
        parts = []
        for name in PARTS[tag]:
            part = element.child(name)
            if part is None:
                raise _at(FeelError(f"the boxed {tag} has no <{name}>"), element)
            parts.append(tree_of(_inner(part), scope))
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
