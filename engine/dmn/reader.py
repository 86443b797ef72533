"""Reading a DMN file: the XML tree (engine/dmn/xmltree.py) into the few DMN elements verdict
translates — item definitions, input data, decisions with their requirements and logic — and a
refusal, naming the element and its line, for every element it does not translate."""
from __future__ import annotations

from typing import Optional

import attrs

from engine.dmn.xmltree import Element, parse_xml
from engine.errors import Diagnostic, VerdictError

# The model namespaces of DMN 1.1 to 1.5: the elements verdict reads are the same in each.
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
VERDICT_NS = "urn:verdict:dmn"  # extension attributes: what DMN cannot say, kept for the way back

# Top-level elements that carry no logic: documentation and diagrams.
IGNORED = {"DMNDI", "extensionElements", "textAnnotation", "association", "knowledgeSource", "description",
           "group", "performanceIndicator", "organizationUnit", "elementCollection"}


@attrs.frozen
class ItemDefinition:
    name: str
    type_ref: Optional[str]
    allowed: Optional[str]       # the allowedValues text (unary tests)
    is_collection: bool
    components: tuple            # of ItemDefinition
    element: Element


@attrs.frozen
class InputData:
    id: str
    name: str
    type_ref: Optional[str]
    element: Element

    def ext(self, key: str) -> Optional[str]:
        return self.element.extension.get((VERDICT_NS, key))


@attrs.frozen
class Decision:
    id: str
    name: str
    type_ref: Optional[str]
    label: Optional[str]
    required: tuple              # ids of the required decisions and inputs
    logic: Optional[Element]     # decisionTable | literalExpression | invocation | something refused
    element: Element
    knowledge: tuple = ()        # ids of the business knowledge models it invokes (h16-dmn)

    def ext(self, key: str) -> Optional[str]:
        return self.element.extension.get((VERDICT_NS, key))


@attrs.frozen
class Definitions:
    name: str
    version: str                 # DMN version of the namespace
    item_definitions: dict       # name -> ItemDefinition
    inputs: tuple                # of InputData
    decisions: tuple             # of Decision
    element: Element
    bkms: tuple = ()             # of bkm.Bkm: business knowledge models (h16-dmn)


def refusal(element: Element, message: str, hint: Optional[str] = None) -> Diagnostic:
    return Diagnostic("error", "dmn", f"{element.describe()}: {message}", hint=hint)


def _item_definition(element: Element) -> ItemDefinition:
    type_ref = element.child_text("typeRef")
    allowed = element.child_text("allowedValues")
    return ItemDefinition(element.attributes.get("name", ""), type_ref, allowed,
                          element.attributes.get("isCollection") == "true",
                          tuple(_item_definition(c) for c in element.all("itemComponent")), element)


def _href_id(href: str) -> str:
    return href.split("#", 1)[1] if "#" in href else href


def read_definitions(data: bytes, where: str) -> Definitions:
    """The DMN elements of a file, or a VerdictError listing every element refused."""
    root = parse_xml(data, where)
    if root.tag != "definitions" or root.namespace not in DMN_NAMESPACES:
        raise VerdictError(Diagnostic(
            "error", "dmn", f"{where}: the root element is <{root.tag}> in namespace {root.namespace or '(none)'}, "
            f"not a DMN <definitions>", hint="DMN 1.1 to 1.5 files are read"))
    problems: list = []
    items, inputs, decisions, bkms = {}, [], [], []
    for element in root.children:
        if element.namespace != root.namespace or element.tag in IGNORED:
            continue
        if element.tag == "itemDefinition":
            item = _item_definition(element)
            items[item.name] = item
        elif element.tag == "inputData":
            variable = element.child("variable")
            inputs.append(InputData(element.attributes.get("id", ""), element.attributes.get("name", ""),
                                    variable.attributes.get("typeRef") if variable is not None else None, element))
        elif element.tag == "decision":
            decisions.append(_decision(element, problems))
        elif element.tag == "businessKnowledgeModel":  # a verdict function (h16-dmn)
            from engine.dmn.bkm import read_bkm
            bkms.append(read_bkm(element, problems))
        elif element.tag == "decisionService":
            problems.append(refusal(element, "decision services are not translated",
                                    "a verdict ruleset evaluates any decision as an output already"))
        elif element.tag == "import":
            problems.append(refusal(element, "imports of other models are not translated",
                                    "merge the imported model into this file first"))
        else:
            problems.append(refusal(element, f"<{element.tag}> is not translated"))
    if problems:
        raise VerdictError(problems)
    return Definitions(root.attributes.get("name", ""), DMN_NAMESPACES[root.namespace], items, tuple(inputs),
                       tuple(decisions), root, tuple(bkms))


def _decision(element: Element, problems: list) -> Decision:
    variable = element.child("variable")
    required = []
    for requirement in element.all("informationRequirement"):
        for child in requirement.children:
            if child.tag in ("requiredDecision", "requiredInput") and "href" in child.attributes:
                required.append(_href_id(child.attributes["href"]))
    knowledge = []
    for requirement in element.all("knowledgeRequirement"):  # a call of a function (h16-dmn)
        for child in requirement.children:
            if child.tag == "requiredKnowledge" and "href" in child.attributes:
                knowledge.append(_href_id(child.attributes["href"]))
    logic = None
    for child in element.children:
        if child.tag in ("decisionTable", "literalExpression", "context", "invocation", "list", "relation",
                         "functionDefinition", "conditional", "filter", "for", "some", "every"):
            logic = child
    if logic is None:
        problems.append(refusal(element, "the decision has no decision logic (no table, no expression)",
                                "give it a decision table or a literal expression"))
    elif logic.tag not in ("decisionTable", "literalExpression", "conditional", "for", "some", "every", "filter",
                           "list", "invocation", "context"):  # boxed FEEL: engine/dmn/boxed.py (h16-dmn)
        problems.append(refusal(logic, f"boxed {logic.tag} expressions are not translated; only decision tables "
                                "and literal expressions are"))
    return Decision(element.attributes.get("id", ""), element.attributes.get("name", ""),
                    variable.attributes.get("typeRef") if variable is not None else None,
                    element.attributes.get("label"), tuple(required), logic, element, tuple(knowledge))
