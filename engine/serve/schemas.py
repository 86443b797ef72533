"""The JSON Schemas of the requests and responses: the validators of the requests are made from
them, and the OpenAPI document (GET /openapi.json) embeds them as they are, so what is documented
is what is checked. Facts are checked by the engine itself (the messages name the fact and what is
allowed); their schema only lists the declared inputs, as annotations."""
from __future__ import annotations

import jsonschema

from engine.serve.describe import describe_input

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "a date, YYYY-MM-DD"}
DIAGNOSTIC = {
    "type": "object", "required": ["severity", "code", "message"],
    "properties": {"severity": {"enum": ["error", "warning", "note"]}, "code": {"type": "string"},
                   "message": {"type": "string"}, "file": {"type": "string"}, "line": {"type": "integer"},
                   "column": {"type": "integer"}, "hint": {"type": "string"}},
    "description": "as `verdict check --format json` writes it; some codes add fields of their own"}
ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "diagnostics"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}}}}}}
TRACE = {"type": "object", "required": ["ruleset", "as_of", "outputs"],
         "description": "a verdict's trace, as `verdict eval --format json` writes it (docs/trace-format.md)"}


def facts_schema(ruleset) -> dict:
    properties = {}
    for name, info in ruleset.model.inputs.items():
        described = describe_input(name, info)
        # annotations only: the engine checks the values, with messages that name the fact
        properties[name] = {"title": described["type"], "description": described.get("description") or name}
    return {"type": "object", "properties": properties,
            "description": "input name → value; numbers and money exactly (\"9000.50\" or 9000.50), dates "
                           "YYYY-MM-DD, booleans true/false, symbols and countries as text; see "
                           "GET /rulesets/{name} for each input's type and domain"}


def request_schemas(ruleset) -> dict:
    languages = list(ruleset.files.languages) or ["en"]
    lang = {"enum": languages, "description": "language of the explanation (default: the ruleset's)"}
    return {
        "EvaluateRequest": {
            "type": "object", "required": ["facts"], "additionalProperties": False,
            "properties": {"facts": {"$ref": "#/components/schemas/Facts"}, "as_of": DATE,
                           "outputs": {"type": "array", "items": {"type": "string"}, "maxItems": 1000,
                                       "description": "decisions to compute (default: the ruleset's outputs)"},
                           "lang": lang}},
        "ExplainRequest": {
            "type": "object", "required": ["trace"], "additionalProperties": False,
            "properties": {"trace": {"$ref": "#/components/schemas/Trace"}, "lang": lang}},
        "ReplayRequest": {
            "type": "object", "required": ["trace"], "additionalProperties": False,
            "properties": {"trace": {"$ref": "#/components/schemas/Trace"}}},
        "WhatifRequest": {
            "type": "object", "required": ["facts", "output"], "additionalProperties": False,
            "properties": {"facts": {"$ref": "#/components/schemas/Facts"}, "as_of": DATE,
                           "output": {"type": "string", "description": "the decision to change"},
                           "want": {"type": ["string", "number", "boolean"],
                                    "description": "the value wanted (default: any other value)"},
                           "fixed": {"type": "array", "items": {"type": "string"}, "maxItems": 1000,
                                     "description": "facts that cannot change"},
                           "lang": lang}},
    }


RESPONSES = {
    "EvaluateResponse": {
        "type": "object", "required": ["trace", "explanation", "lang", "sources"],
        "properties": {"trace": {"$ref": "#/components/schemas/Trace"},
                       "explanation": {"type": "string", "description": "the explained verdict as text"},
                       "lang": {"type": "string"},
                       "sources": {"type": "array", "description": "the sources the verdict cites",
                                   "items": {"type": "object", "required": ["id"]}}}},
    "WhatifResponse": {"type": "object", "required": ["whatif", "text", "lang"],
                       "properties": {"whatif": {"type": "object", "description": "docs/whatif.md"},
                                      "text": {"type": "string"}, "lang": {"type": "string"}}},
    "ExplainResponse": {"type": "object", "required": ["text", "lang"],
                        "properties": {"text": {"type": "string"}, "lang": {"type": "string"}}},
    "ReplayResponse": {
        "type": "object", "required": ["same", "hash_changed", "differences", "notes", "report"],
        "properties": {"same": {"type": "boolean"}, "hash_changed": {"type": "boolean"},
                       "differences": {"type": "array", "items": {"type": "string"}},
                       "notes": {"type": "array", "items": {"type": "string"}},
                       "report": {"type": "string", "description": "the text `verdict replay` prints"}}},
    "CheckResponse": {
        "type": "object", "required": ["diagnostics"],
        "properties": {"diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}},
                       "not_analysed": {"type": "array", "items": {"type": "object"}}}},
    "Health": {"type": "object", "required": ["status", "ruleset"],
               "properties": {"status": {"const": "ok"}, "ruleset": {"type": "object"},
                              "engine": {"type": "object"}}},
    "Ruleset": {"type": "object", "required": ["name", "inputs", "decisions", "parameters", "sources"],
                "description": "the ruleset's decisions, inputs (types and domains) and parameters (dated "
                               "values and their sources)"},
    "Diagnostic": DIAGNOSTIC,
    "Error": ERROR,
    "Trace": TRACE,
}


def components(ruleset) -> dict:
    return {"Facts": facts_schema(ruleset), **request_schemas(ruleset), **RESPONSES}


def validators(ruleset) -> dict:
    """name → a validator of that request schema, its references resolved within the components."""
    every = components(ruleset)
    return {name: jsonschema.Draft202012Validator({**every[name], "components": {"schemas": every}})
            for name in request_schemas(ruleset)}


def _errors(*codes: int) -> dict:
    return {str(code): {"description": _ERROR_MEANING[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for code in codes}


_ERROR_MEANING = {400: "the body is not JSON", 404: "no such ruleset", 413: "the body is too large",
                  422: "the body, the facts or the trace are refused: the diagnostics say why",
                  504: "the request took longer than the time limit"}


def _json(schema: str, description: str) -> dict:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}}


def _post(summary: str, request: str, response: str, description: str) -> dict:
    return {"post": {"summary": summary,
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"$ref": f"#/components/schemas/{request}"}}}},
                     "responses": {**_json(response, description), **_errors(400, 413, 422, 504)}}}


def openapi(ruleset, version: str) -> dict:
    batch_parameters = [
        {"name": "as_of", "in": "query", "schema": DATE, "description": "the date for lines that give none"},
        {"name": "output", "in": "query", "schema": {"type": "string"}, "description": "a decision (repeatable)"},
        {"name": "trace", "in": "query", "schema": {"type": "boolean"}, "description": "add each line's trace"}]
    return {
        "openapi": "3.1.0",
        "info": {"title": f"verdict: {ruleset.files.title or ruleset.name}", "version": version,
                 "description": f"Explained verdicts of the ruleset `{ruleset.name}` version {ruleset.version}."},
        "paths": {
            "/evaluate": _post("Evaluate facts: the trace and its explanation", "EvaluateRequest",
                               "EvaluateResponse", "the verdict"),
            "/whatif": _post("The smallest changes of the facts that change an output", "WhatifRequest",
                             "WhatifResponse", "the changes (docs/whatif.md)"),
            "/explain": _post("Render a saved trace as text", "ExplainRequest", "ExplainResponse", "the text"),
            "/replay": _post("Evaluate a saved trace again and compare", "ReplayRequest", "ReplayResponse",
                             "same or differs, and why"),
            "/batch": {"post": {
                "summary": "JSON Lines of facts in, JSON Lines of verdicts streamed out, in order",
                "parameters": batch_parameters,
                "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {
                    "type": "string", "description": "one object of facts, or {facts, as_of, outputs}, a line"}}}},
                "responses": {"200": {"description": "one line per input line: {line, outputs[, trace]} or "
                                                     "{line, error, diagnostics}",
                                      "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                              **_errors(400, 413, 422)}}},
            "/check": {"get": {"summary": "Every diagnostic of the ruleset, as `verdict check --format json`",
                               "responses": _json("CheckResponse", "the diagnostics")}},
            "/rulesets/{name}": {"get": {
                "summary": "Decisions, inputs, parameters and sources of the ruleset",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {**_json("Ruleset", "the ruleset"), **_errors(404)}}},
            "/health": {"get": {"summary": "The service is up", "responses": _json("Health", "up")}},
        },
        "components": {"schemas": components(ruleset)},
    }
