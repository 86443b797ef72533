"""DMN business knowledge models as verdict functions (h16-dmn, docs/language.md "Reusable
logic: functions"): a BKM whose encapsulated logic is a literal expression or a one-output decision
table becomes `function NAME(p: T, …) : T = …` or a function table; a decision invokes it by a
call in FEEL (`PMT(a, b, c)`), or by a boxed invocation, whose bindings become the arguments in the
order of the formal parameters. A knowledge requirement must name a BKM of the file.

What is refused, naming the element: a BKM without encapsulated logic, with boxed logic other than
those two, a parameter or a result without a type verdict can say (a structure, a list of
structures), a table with several outputs, an invocation of something that is not a BKM of the
file, an invocation leaving a parameter unbound (DMN would give it null).
"""
from __future__ import annotations

from typing import Optional

import attrs

from engine.dmn.feel import FeelError, parse_expression
from engine.dmn.feel_calls import Signature
from engine.dmn.feel_to_rules import Scope, Translator
from engine.dmn.reader import Decision, refusal
from engine.dmn.xmltree import Element

BODIES = ("literalExpression", "decisionTable")


@attrs.frozen
class Bkm:
    id: str
    name: str
    type_ref: Optional[str]      # the result's type: the variable's, else the logic's
    params: tuple                # ((name, typeRef, Element), …)
    logic: Optional[Element]     # literalExpression | decisionTable
    required: tuple              # ids of the BKMs it invokes
    element: Element


def read_bkm(element: Element, problems: list) -> Bkm:
    logic_holder = element.child("encapsulatedLogic")
    params, logic = [], None
    if logic_holder is None:
        problems.append(refusal(element, "the business knowledge model has no encapsulated logic",
                                "give it a literal expression or a decision table"))
    else:
        kind = logic_holder.attributes.get("kind", "FEEL")
        if kind != "FEEL":
            problems.append(refusal(logic_holder, f"{kind} functions are not translated; FEEL ones are"))
        for child in logic_holder.children:
            if child.tag == "formalParameter":
                params.append((child.attributes.get("name", ""), child.attributes.get("typeRef"), child))
            elif child.tag not in ("description", "extensionElements"):
                logic = child
        if logic is None:
            problems.append(refusal(logic_holder, "the business knowledge model has no body"))
        elif logic.tag not in BODIES:
            problems.append(refusal(logic, f"a business knowledge model whose logic is a boxed {logic.tag} is not "
                                    "translated; a literal expression or a decision table is"))
    variable = element.child("variable")
    type_ref = variable.attributes.get("typeRef") if variable is not None else None
    if not type_ref and logic is not None:
        type_ref = logic.attributes.get("typeRef") or (logic_holder.attributes.get("typeRef"))
        outputs = logic.all("output") if logic.tag == "decisionTable" else []
        if not type_ref and len(outputs) == 1:
            type_ref = outputs[0].attributes.get("typeRef")
    required = []
    for requirement in element.all("knowledgeRequirement"):
        for child in requirement.children:
            if child.tag == "requiredKnowledge" and "href" in child.attributes:
                href = child.attributes["href"]
                required.append(href.split("#", 1)[1] if "#" in href else href)
    return Bkm(element.attributes.get("id", ""), element.attributes.get("name", ""), type_ref, tuple(params),
               logic if logic is not None and logic.tag in BODIES else None, tuple(required), element)


def _simple(vtype, what: str, types=None, type_ref: Optional[str] = None):
    """The type of a parameter or a result: a structure declared by an item definition of its own
    becomes that record type (its list, a list of it); other structures are refused."""
    inner = vtype.element if vtype.kind == "list" else vtype
    if inner.kind == "record" and not inner.name and types is not None and type_ref:
        from engine.dmn.feel_records import record_type
        from engine.dmn.types import strip_prefix
        item = types.items.get(strip_prefix(type_ref.strip()))
        if item is not None and item.components and not item.is_collection and vtype.kind == "record":
            return record_type(types, item.name, vtype)
        if item is not None and vtype.kind == "list":  # a list of structures, as an input of that type is
            from engine.dmn.feel_records import list_of_records
            return list_of_records(types, item.name, vtype)[0]
    if inner.kind in ("record", "struct") and not inner.name:
        raise FeelError(f"{what} is a structure; structured parameters and results of functions are not translated "
                        "(but for a structure of its own item definition)")
    return vtype


def declare(bkms: tuple, types, names, scope: Scope, problems: list) -> dict:
    """Each BKM's signature, in `scope` (its calls can then be translated): id -> (Bkm, Signature)."""
    declared = {}
    for bkm in bkms:
        verdict = names.allocate(bkm.name)
        try:
            params = []
            for name, type_ref, element in bkm.params:
                try:
                    vtype = types.resolve(type_ref, element.describe())
                except FeelError as error:
                    raise _at(error, element) from None
                if vtype is None:
                    raise _at(FeelError(f"the parameter `{name}` has no typeRef; verdict needs the type of each "
                                        "parameter"), element)
                params.append((" ".join(name.split()), _parameter_name(names, bkm.name, name),
                               _simple(vtype, f"the parameter `{name}`", types, type_ref)))
            result = types.resolve(bkm.type_ref, bkm.element.describe())
            if result is not None:
                result = _simple(result, "the result", types, bkm.type_ref)
        except FeelError as error:
            problems.append(refusal(getattr(error, "element", None) or bkm.element, str(error)))
            scope.add(bkm.name, verdict, _function_type())  # its calls say it is refused (feel_calls.call)
            scope.refused_functions = getattr(scope, "refused_functions", set()) | {" ".join(bkm.name.split())}
            continue
        signature = Signature(verdict, tuple(params), result)
        scope.add(bkm.name, verdict, _function_type())
        scope.functions[" ".join(bkm.name.split())] = signature
        declared[bkm.id] = (bkm, signature)
    for bkm, signature in declared.values():  # a result without a type: the type of its expression
        if signature.result is None and bkm.logic is not None and bkm.logic.tag == "literalExpression":
            try:
                translator = body_translator(signature, scope, names)
                inferred = translator.type_of(parse_expression(bkm.logic.child_text("text") or "",
                                                               translator.scope.entries))
            except FeelError:
                inferred = None  # the body's own translation reports it
            if inferred is not None:
                scope.functions[" ".join(bkm.name.split())] = attrs.evolve(signature, result=inferred)
    return {key: (bkm, scope.functions[" ".join(bkm.name.split())]) for key, (bkm, _) in declared.items()}


def _parameter_name(names, function: str, name: str) -> str:
    """A parameter's own name, unless an input, decision or type has it: a name means one thing."""
    from engine.dmn.types import Names
    own = Names().allocate(name)
    return names.allocate(f"{function} {name}") if own in names.used else own


def _function_type():
    from engine.dmn.types import VType
    return VType("function")


def body_translator(signature: Signature, scope: Scope, names) -> Translator:
    """A body reads its parameters and calls functions: nothing else of the model is in its scope."""
    inner = Scope()
    for dmn, entry in scope.entries.items():
        if entry[1] is not None and entry[1].kind == "function":
            inner.entries[dmn] = entry
    inner.functions = scope.functions
    inner.refused_functions = getattr(scope, "refused_functions", set())
    for dmn, verdict, vtype in signature.params:
        inner.add(dmn, verdict, vtype)
    translator = Translator(inner)
    translator.names = names
    return translator


def _header(bkm: Bkm, signature: Signature, hit: Optional[str] = None) -> str:
    from engine.dmn.literals import quote
    params = ", ".join(f"{verdict}: {vtype.with_range()}" for _, verdict, vtype in signature.params)
    line = f"function {signature.verdict}({params}) : {signature.result.with_range()}"
    if bkm.name != signature.verdict:
        line += f" {quote(bkm.name)}"
    return line + (f" hit {hit}" if hit else "")


def translate_bodies(declared: dict, scope: Scope, types, names, body, problems: list):
    """The rule text of each function, in `body` (a to_rules._Writer)."""
    from engine.dmn.to_rules import _table_decision
    for bkm, signature in declared.values():
        if bkm.logic is None:
            continue
        for required in bkm.required:
            if required not in declared:
                problems.append(refusal(bkm.element, f"it requires `#{required}`, which is not a business knowledge "
                                        "model of this file"))
        try:
            if signature.result is None:
                raise FeelError("the business knowledge model's result has no typeRef, and its type cannot be "
                                "inferred; verdict needs the type a function gives")
            translator = body_translator(signature, scope, names)
            if bkm.logic.tag == "literalExpression":
                text = bkm.logic.child_text("text")
                if text is None:
                    raise FeelError("the literal expression has no text")
                expression = translator.expr(parse_expression(text, translator.scope.entries), signature.result)
                body.add("")
                body.add(f"{_header(bkm, signature)} = {expression}", bkm.logic)
                continue
            if len(bkm.logic.all("output")) != 1:
                raise FeelError("a decision table with several outputs is not translated as a function "
                                "(a verdict function gives one value)")
            as_decision = Decision(bkm.id, bkm.name, None, None, (), bkm.logic, bkm.element)
            _table_decision(as_decision, signature.result, {bkm.name: signature.verdict}, translator, types, names,
                            translator.scope, body, problems, header=lambda hit: _header(bkm, signature, hit))
        except FeelError as error:
            problems.append(refusal(getattr(error, "element", None) or bkm.logic, str(error)))


def invocation_tree(logic: Element, scope: Scope):
    """A boxed invocation as the FEEL tree of a call with named arguments."""
    callee = None
    for child in logic.children:
        if child.tag == "literalExpression":
            callee = " ".join((child.child_text("text") or "").split())
            break
    if not callee or callee not in scope.functions:
        raise FeelError(f"the invocation calls `{callee or '?'}`, which is not a business knowledge model of this file")
    args = []
    for binding in logic.all("binding"):
        parameter = binding.child("parameter")
        name = parameter.attributes.get("name", "") if parameter is not None else ""
        expression = next((c for c in binding.children if c.tag != "parameter"), None)
        if expression is None:
            raise _at(FeelError(f"the binding of `{name}` has no expression (DMN would give null)"), binding)
        if expression.tag != "literalExpression":
            raise _at(FeelError(f"a binding by a boxed {expression.tag} is not translated; by a literal expression "
                                "it is"), expression)
        try:
            args.append(("named", name, parse_expression(expression.child_text("text") or "", scope.entries)))
        except FeelError as error:
            raise _at(error, expression) from None
    bound_names = {" ".join(a[1].split()) for a in args}
    for param in scope.functions[callee].params:
        if param[0] not in bound_names:
            raise FeelError(f"the parameter `{param[0]}` of `{callee}` has no binding (DMN would give it null)")
    return ("call", callee, args)


def _at(error: FeelError, element) -> FeelError:
    error.element = element
    return error
