"""The JSON endpoints: each reads its body within the limits, checks it against its schema, runs
the engine in the threadpool within the time limit, and answers JSON (errors included)."""
from __future__ import annotations

import asyncio
import io
import json
import threading

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

import engine
from engine.errors import VerdictError
from engine.serve.body import parse_json, read_body, validate
from engine.serve.describe import describe_ruleset
from engine.serve.problems import ApiError, from_verdict_error, json_bytes, json_response
from engine.serve.schemas import openapi, validators


@attrs.frozen
class Limits:
    body_bytes: int = 1 << 20          # a request of facts or a trace
    batch_bytes: int = 32 << 20        # a batch of JSON Lines
    seconds: float = 10.0              # one request's evaluation
    batch_seconds: float = 300.0       # a whole batch


def _call(fn, *args):
    """`fn(*args)` with the engine's refusals turned into API errors (in the worker thread)."""
    try:
        return fn(*args)
    except VerdictError as error:
        raise from_verdict_error(error) from None


def cited_sources(ruleset, trace) -> list:
    """The registry entries a trace cites, in order of first citation: found by id wherever the
    trace keeps a source (`source` of a rule or figure, `id` of a source), whatever its layout."""
    registry, seen, stack = ruleset.files.sources, {}, [trace]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("source", "id"):
                value = item.get(key)
                if isinstance(value, str) and value in registry and value not in seen:
                    seen[value] = registry[value].to_dict()
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return list(seen.values())


class Api:
    def __init__(self, ruleset, limits: Limits = Limits()):
        self.ruleset = ruleset
        self.limits = limits
        self.validators = validators(ruleset)
        self.openapi = json_bytes(openapi(ruleset, engine.__version__))
        self.description = json_bytes(describe_ruleset(ruleset))
        self._check = None
        self._check_lock = threading.Lock()
        self._batch_lock = threading.Lock()  # engine.batch keeps its settings in module state

    async def _body(self, request, schema: str, exact: bool = True):
        value = parse_json(await read_body(request, self.limits.body_bytes), exact=exact)
        validate(value, self.validators[schema])
        return value

    async def _run(self, fn, *args):
        try:
            return await asyncio.wait_for(run_in_threadpool(_call, fn, *args), self.limits.seconds)
        except asyncio.TimeoutError:
            raise ApiError("timeout", f"the request took longer than {self.limits.seconds:g} s") from None

    # ------------------------------------------------------------------ endpoints
    async def evaluate(self, request) -> Response:
        body = await self._body(request, "EvaluateRequest")
        return Response(await self._run(self._evaluate, body), media_type="application/json")

    def _evaluate(self, body: dict) -> bytes:
        lang = body.get("lang") or self.ruleset.files.language
        # a partial verdict: what the facts answer is answered; each other output says why not
        verdict = self.ruleset.evaluate(body["facts"], as_of=body.get("as_of"), outputs=body.get("outputs"),
                                        partial=True)
        trace = verdict.to_dict()
        return json_bytes({"trace": trace, "complete": verdict.complete, "explanation": verdict.explain(lang),
                           "lang": lang, "sources": cited_sources(self.ruleset, trace)})

    async def whatif(self, request) -> Response:
        body = await self._body(request, "WhatifRequest")
        return json_response(await self._run(self._whatif, body))

    def _whatif(self, body: dict) -> dict:
        from engine.whatif import counterfactuals, render
        lang = body.get("lang") or self.ruleset.files.language
        found = counterfactuals(self.ruleset, body["facts"], body["output"], want=body.get("want"),
                                fixed=tuple(body.get("fixed", ())), as_of=body.get("as_of"))
        return {"whatif": found.to_dict(), "text": render(found, self.ruleset, lang), "lang": lang}

    async def explain(self, request) -> Response:
        body = await self._body(request, "ExplainRequest", exact=False)
        return json_response(await self._run(self._explain, body))

    def _explain(self, body: dict) -> dict:
        trace = engine.read_trace(json.dumps(body["trace"]), "the trace")
        lang = body.get("lang") or (trace.get("languages") or ["en"])[0]
        return {"text": engine.explain_trace(trace, lang), "lang": lang}

    async def replay(self, request) -> Response:
        body = await self._body(request, "ReplayRequest", exact=False)
        return json_response(await self._run(self._replay, body))

    def _replay(self, body: dict) -> dict:
        trace = engine.read_trace(json.dumps(body["trace"]), "the trace")
        result = engine.replay(trace, self.ruleset)
        return {"same": result.same, "hash_changed": result.hash_changed, "differences": list(result.differences),
                "notes": list(result.notes), "report": result.report(trace, self.ruleset)}

    async def check(self, request) -> Response:
        if self._check is None:
            await self._run(self._make_check)
        return Response(self._check, media_type="application/json")

    def _make_check(self) -> None:
        with self._check_lock:  # analysed once, however many ask at first
            if self._check is None:
                skipped = []
                diagnostics = self.ruleset.check(skipped=skipped, properties=True)
                report = {"diagnostics": [d.to_dict() for d in diagnostics]}
                if skipped:  # the shape of `verdict check --format json`
                    report["not_analysed"] = [{"decision": d.name, "file": d.span.file, "line": d.span.line}
                                              for d in skipped]
                self._check = json_bytes(report)

    async def describe(self, request) -> Response:
        name = request.path_params["name"]
        if name != self.ruleset.name:
            raise ApiError("not-found", f"no ruleset `{name[:80]}` here; this service has `{self.ruleset.name}`")
        return Response(self.description, media_type="application/json")

    async def health(self, request) -> Response:
        return json_response({"status": "ok", "ruleset": {"name": self.ruleset.name, "version": self.ruleset.version,
                                                          "sha256": self.ruleset.sha256},
                              "engine": {"name": "verdict", "version": engine.__version__}})

    async def openapi_document(self, request) -> Response:
        return Response(self.openapi, media_type="application/json")

    async def batch(self, request) -> Response:
        """JSON Lines through engine.batch, its output streamed as each chunk of lines is done."""
        from engine import batch
        query = request.query_params
        as_of, outputs = query.get("as_of"), query.getlist("output") or None
        trace = query.get("trace", "false").lower() in ("1", "true", "yes")
        # a bad date or output is one error, not one per line (as the CLI does)
        _call(self._check_batch_options, as_of, outputs)  # quick: no evaluation unless the name is wrong
        data = await read_body(request, self.limits.batch_bytes)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        sink = _Sink(loop, queue)

        def work():
            try:
                with self._batch_lock:
                    batch.run(self.ruleset, io.BytesIO(data), sink, as_of=as_of, outputs=outputs, trace=trace, jobs=1)
            except _Stopped:
                pass
            except Exception as error:  # a bug: the last line says so
                line = json_bytes({"error": f"internal error: {type(error).__name__}", "diagnostics": [
                    {"severity": "error", "code": "internal", "message": str(error)[:500]}]}) + b"\n"
                loop.call_soon_threadsafe(queue.put_nowait, line)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        async def lines():
            worker = asyncio.ensure_future(run_in_threadpool(work))  # held here: the loop keeps a weak reference
            deadline = loop.time() + self.limits.batch_seconds
            try:
                while True:
                    try:
                        piece = await asyncio.wait_for(queue.get(), max(deadline - loop.time(), 0))
                    except asyncio.TimeoutError:
                        sink.stopped = True
                        yield json_bytes({"error": f"the batch took longer than {self.limits.batch_seconds:g} s; "
                                                   "the lines above were done", "diagnostics": [
                                              {"severity": "error", "code": "timeout",
                                               "message": "time limit reached"}]}) + b"\n"
                        return
                    if piece is None:
                        return
                    sink.taken()
                    yield piece
            finally:
                sink.stopped = True  # the client left, or the time is up: `work` stops at its next write
                worker.cancel()      # only the wait: the thread ends by itself (work() raises nothing)

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    def _check_batch_options(self, as_of, outputs) -> None:
        from engine.ruleset import _as_date
        if as_of is not None:
            _as_date(as_of, "as_of")
        for name in outputs or ():
            if name not in self.ruleset.model.decisions:
                self.ruleset.evaluate({}, outputs=[name])  # raises the unknown-output error, with a hint


class _Stopped(Exception):
    pass


class _Sink:
    """The binary stream engine.batch writes to: each write goes to the event loop's queue, at
    most AHEAD pieces ahead of the client, so a slow reader holds back the work, not the memory."""

    AHEAD = 4

    def __init__(self, loop, queue):
        self.loop, self.queue, self.stopped = loop, queue, False
        self.room = threading.Semaphore(self.AHEAD)

    def write(self, data: bytes) -> int:
        while not self.room.acquire(timeout=0.5):
            if self.stopped:
                raise _Stopped()
        if self.stopped:
            raise _Stopped()
        if data:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, bytes(data))
        else:
            self.room.release()
        return len(data)

    def taken(self) -> None:
        """The client has one piece more: room for the next."""
        self.room.release()

    def flush(self) -> None:
        pass
