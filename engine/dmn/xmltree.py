"""Reading XML safely: defusedxml's SAX parser (no DTD, so no entities, external or expanding)
builds a small tree in which every element knows its line, for messages that point into the file."""
from __future__ import annotations

import io
import xml.sax
import xml.sax.handler
from typing import Optional

import attrs
import defusedxml
import defusedxml.sax

from engine.errors import Diagnostic, VerdictError

MAX_DMN_BYTES = 20_000_000  # a DMN model of thousands of tables is a few megabytes


@attrs.define
class Element:
    """One XML element: `tag` is (namespace URI, local name); `attributes` by local name."""

    namespace: str
    tag: str
    attributes: dict
    line: int
    children: list = attrs.field(factory=list)
    text_parts: list = attrs.field(factory=list)
    extension: dict = attrs.field(factory=dict)  # attributes in other namespaces, by (uri, name)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def child(self, tag: str) -> Optional["Element"]:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def all(self, tag: str) -> list:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> Optional[str]:
        """The `<text>` of child `tag` (e.g. an inputEntry's), stripped; None when absent."""
        found = self.child(tag)
        if found is None:
            return None
        inner = found.child("text")
        return (inner.text if inner is not None else found.text).strip()

    def describe(self) -> str:
        """`decision "Approval Status" (id _3b29…, line 12)`: how a message names the element."""
        parts = []
        if self.attributes.get("id"):
            parts.append(f"id {self.attributes['id']}")
        parts.append(f"line {self.line}")
        name = self.attributes.get("name") or self.attributes.get("label")
        shown = f'{self.tag} "{name}"' if name else self.tag
        return f"{shown} ({', '.join(parts)})"


class _Builder(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.stack: list = []
        self.root: Optional[Element] = None
        self.locator = None

    def setDocumentLocator(self, locator):
        self.locator = locator

    def startElementNS(self, name, qname, attrs_):
        uri, local = name
        plain, other = {}, {}
        for (a_uri, a_local), value in attrs_.items():
            if a_uri:
                other[(a_uri, a_local)] = value
            else:
                plain[a_local] = value
        line = self.locator.getLineNumber() if self.locator else 0
        element = Element(uri or "", local, plain, line, extension=other)
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def endElementNS(self, name, qname):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text_parts.append(content)


def _refuse(where: str, message: str, hint: Optional[str] = None) -> VerdictError:
    return VerdictError(Diagnostic("error", "dmn", f"{where}: {message}", hint=hint))


def parse_xml(data: bytes, where: str) -> Element:
    """The tree of an XML document, or a VerdictError naming the file and the line.

    A document with a DOCTYPE is refused outright: DMN needs none, and a DTD is where entity
    expansion (billion laughs) and external entities (reading local files, network fetches) live."""
    if len(data) > MAX_DMN_BYTES:
        raise _refuse(where, f"more than {MAX_DMN_BYTES:,} bytes; this is not a DMN model of a sane size")
    builder = _Builder()
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd, parser.forbid_entities, parser.forbid_external = True, True, True
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(builder)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except defusedxml.DTDForbidden:
        raise _refuse(where, "the document has a DOCTYPE (a DTD); DMN files have none, and this one is "
                      "refused because a DTD can expand entities without bound or read external files",
                      "remove the <!DOCTYPE …> declaration") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as error:
        raise _refuse(where, f"the document declares or references an entity ({error}); refused") from None
    except xml.sax.SAXParseException as error:
        raise _refuse(f"{where}:{error.getLineNumber()}:{error.getColumnNumber() + 1}",
                      f"not well-formed XML: {error.getMessage()}") from None
    if builder.root is None:
        raise _refuse(where, "no XML element found")
    return builder.root
