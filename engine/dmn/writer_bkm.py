"""DMN export of functions (engine/dmn/writer.py): a `function` becomes a business knowledge model
— its parameters the formal parameters, its table or expression the encapsulated logic — and each
decision or function calling it a knowledge requirement of it; a call is FEEL's invocation by
name, `share(m.age)`. The import (engine/dmn/bkm.py) reads them back as the same functions."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from engine import ast
from engine.semantics.functions import called_in


def bkm_element(exporter, name: str, info, q, ncname) -> ET.Element:
    """The businessKnowledgeModel of one function."""
    signature, version = info.signature, info.version
    element = ET.Element(q("businessKnowledgeModel"), {"id": f"bkm_{ncname(name)}", "name": name})
    if info.decl.title:
        element.set("label", info.decl.title)
    ET.SubElement(element, q("variable"), {"name": name, "typeRef": exporter.type_ref(signature.type, name, version.range)})
    logic = ET.SubElement(element, q("encapsulatedLogic"), {"id": f"logic_bkm_{ncname(name)}"})
    for parameter, type_, range_ in zip(signature.param_names, signature.param_types, signature.param_ranges):
        ET.SubElement(logic, q("formalParameter"), {"name": parameter,
                                                    "typeRef": exporter.type_ref(type_, f"{name}_{parameter}", range_)})
    exporter.bound.extend(signature.param_names)  # inside, the parameters are names FEEL reads
    try:
        body = info.decl.body
        if isinstance(body, ast.ExpressionBody):
            literal = ET.SubElement(logic, q("literalExpression"), {"id": f"body_bkm_{ncname(name)}"})
            text = exporter.feel(body.expr, signature.type)
            if signature.type.name == "money" and not isinstance(body.expr, ast.Literal):
                text = f"round half up({text}, 2)"  # verdict rounds the money a function gives to the cent
            ET.SubElement(literal, q("text")).text = text
        else:
            exporter.table(element, name, None, version, holder=logic)
    finally:
        del exporter.bound[len(exporter.bound) - len(signature.param_names):]
    knowledge_requirements(exporter, element, info.decl.body, q, ncname)
    return element


def knowledge_requirements(exporter, element: ET.Element, body, q, ncname) -> None:
    """A knowledge requirement of each function the body calls, in the order first called."""
    for name in called_in(body, exporter.model.functions):
        if name not in exporter.called:
            exporter.called.append(name)
        requirement = ET.SubElement(element, q("knowledgeRequirement"),
                                    {"id": f"knowledge_{ncname(element.get('name'))}_{ncname(name)}"})
        ET.SubElement(requirement, q("requiredKnowledge"), {"href": f"#bkm_{ncname(name)}"})

