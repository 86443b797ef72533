"""codegen: checked decisions → Python source → functions, the fast path of evaluation.

The generated code does what the closures of compiler/compile.py do, in the same order, with the same
values and errors; tests/test_codegen.py holds the two paths to that. The rules that keep it safe:

- the source is built from checked AST nodes only, and every literal goes into it through `repr`;
- every identifier in it is made here (`d3`, `x0`, `c12`, ...): no name or text of a rule file or
  of the facts is ever an identifier, and objects (plans, indexes, spans) are passed in, not written;
- codegen_unit.run_checked reads the generated source back before it runs (identifiers,
  attributes, constants), and holds the one line that runs it, marked `# repr-only codegen`.

One unit of generated code is a factory `def factory(K): ... return (fn, ...)`: `K` brings the
objects, and the functions close over them. The decision functions take `(m, f, a)`: the memo of
decision values by number (`U` while not computed), the facts by input number, and the date;
traced ones also take `T`, where each decision leaves `(inputs, row outcomes, fired rows, value,
parameters read)` for the trace to be built from later.
"""
from __future__ import annotations

from engine import ast, durations
from engine.semantics import lists
from engine.evaluation import lists as lists_eval
from engine.evaluation import operators
from engine.evaluation import text_functions
from engine.compiler.inline import write_chain, write_entry
from engine.compiler.nested import NestedWriter, nested_fits, surely_decimal
from engine.compiler.scan import ScanWriter
from engine.compiler.tree import SegmentWriter, _tree_fits
from engine.compiler.unit import Unit, Unsupported, run_checked  # noqa: F401  (Unsupported: the API)
from engine.evaluation.evaluate import FINISHERS, RecordValue, check_range, finish_money, finish_value, no_parameter_value, no_version
from engine.evaluation.functions import generate_call
from engine.compiler.head import HEAD_ROWS, head_index, write_head_look_up
from engine.compiler.index import index_table, rows_of
from engine.semantics.resolve import TEMPLATE_HOLE
from engine.evaluation.runtime import (FUNCTIONS, UNSET, _caller, _hits, _pick, _tabulate, _template_decisions,
                                       _traced_caller, fail, function_for, make_date, no_answer)
from engine.semantics.typecheck import is_symbol_of
from engine.values import CENT, INTEGER, MONEY


PYTHON_OPERATORS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}




class Generator(SegmentWriter, NestedWriter, ScanWriter):
    """Writes the decision functions of one program: the versions and parameters in force."""

    def __init__(self, plans, compiler, versions: tuple, parameters: tuple, traced: bool):
        self.plans = plans
        self.model = plans.model
        self.compiler = compiler
        self.versions = versions            # VersionPlan or None, by decision number
        self.present = parameters           # whether each parameter has a value, by number
        self.traced = traced
        self.decision_index = {name: j for j, name in enumerate(self.model.decisions)}
        self.input_index = {name: i for i, name in enumerate(self.model.inputs)}
        self.parameter_index = {name: p for p, name in enumerate(self.model.parameters)}
        self.unit = Unit()
        u = self.unit
        self.U = u.obj(UNSET)
        self.finish = u.obj(finish_money)
        self.read_input = lambda i: f"f[{i}]"
        self.inlined = {}        # decision number -> the local holding its value (codegen_inline)
        self.memo_read = False   # whether the code written reads a decision through the memo `m`
        for local in ("m", "f", "a", "T", "R", "TF", "v", "r", "h", "o", "q", "w", "b", "y"):
            u.local(local)

    # ------------------------------------------------------------------ expressions
    def expr(self, expr: ast.Expr, expected=None) -> str:
        """Python source for an expression, as Compiler.expr builds its closure."""
        c = self.compiler
        match expr:
            case ast.Literal(value=value):
                return self.unit.literal(value)
            case ast.Name(name=name):
                return self._name(name, expected, expr.span)
            case ast.Field(base=base, field=field):
                if durations.is_duration(c.type_of(base)):  # durations (h16-dur): `d.days`
                    return f"{self.unit.obj(durations.part)}({self.expr(base)}, {self.unit.literal(str(field))})"
                return f"{self.expr(base)}[{self.unit.literal(str(field))}]"
            case ast.Unary(op="not", operand=operand):
                return f"(not {self.expr(operand)})"
            case ast.Unary(op="-", operand=operand):
                return f"(-{self.expr(operand, expected)})"
            case ast.Binary(op="and" | "or", left=left, right=right):
                return f"({self.expr(left)} {expr.op} {self.expr(right)})"
            case ast.Binary(op=op, left=left, right=right) if op in PYTHON_OPERATORS:
                left_type = c.type_of(left)
                if left_type is None:
                    a, b = self.expr(left, c.type_of(right)), self.expr(right)
                else:
                    a, b = self.expr(left), self.expr(right, left_type)
                return f"({a} {PYTHON_OPERATORS[op]} {b})"
            case ast.Binary(op="+" | "**") if operators.applies(c, expr):  # texts joined, powers
                return operators.generate_binary(self, expr)
            case ast.Binary(op="+" | "-" | "*", left=left, right=right):
                return f"({self.expr(left)} {expr.op} {self.expr(right)})"
            case ast.Binary(op="/", left=left, right=right):
                divisor = self.unit.name("z")
                return (f"({self.unit.obj(fail)}(a, {self.unit.obj(expr.span)}, 'division by zero') "
                        f"if ({divisor} := {self.expr(right)}) == 0 else Decimal({self.expr(left)}) / Decimal({divisor}))")
            case ast.IfExpr(condition=condition, then=then, otherwise=otherwise):
                return f"({self.expr(then, expected)} if {self.expr(condition)} else {self.expr(otherwise, expected)})"
            case ast.InExpr(value=value, options=options):
                value_type = c.type_of(value)
                shown = self.expr(value)
                if not options:
                    return f"({shown} in {self.unit.obj(frozenset())})"
                return f"({shown} in {{{', '.join(self.expr(o, value_type) for o in options)}}})"
            case ast.NoAnswer():
                return f"{self.unit.obj(no_answer)}(a, {self.unit.obj(expr)})"
            case ast.Call():
                return self._call(expr, expected)
            case _ if isinstance(expr, lists.LIST_NODES):  # lists (h16-lists)
                return lists_eval.generate_expr(self, expr, expected)
        raise Unsupported(type(expr).__name__)

    def _name(self, name: str, expected, span) -> str:
        kind = self.compiler.name_kind(name, expected)
        if kind == "input":
            return self.read_input(self.input_index[name])
        if kind == "parameter":
            p = self.parameter_index[name]
            if not self.present[p]:
                info = self.model.parameters[name]
                return f"{self.unit.obj(_raise_no_parameter)}(a, {self.unit.obj(info)}, {self.unit.obj(span)})"
            value = self.unit.local(f"p{p}")
            return f"(R.append({p}) or {value})" if self.traced else value
        if kind == "decision":
            j = self.decision_index[name]
            if j in self.inlined:
                return self.inlined[j]
            self.memo_read = True
            call = f"t{j}(m, f, a, T)" if self.traced else f"d{j}(m, f, a)"
            return f"(w if (w := m[{j}]) is not {self.U} else {call})"
        if kind == "as_of":
            return "a"
        if kind == "bound":  # lists (h16-lists): a generator expression's variable
            return self.list_locals[name]
        return self.unit.literal(name)

    def _call(self, expr: ast.Call, expected) -> str:
        name = expr.function
        if name in self.model.functions:  # a declared `function` (engine/evaluation/functions.py)
            return generate_call(self, expr)
        u = self.unit
        if lists.is_list_call(self.compiler.typer, expr):  # lists (h16-lists)
            return lists_eval.generate_call(self, expr, expected)
        args = [self.expr(a, expected if name in ("min", "max") else None) for a in expr.args]
        # the plainest functions inline; every other one calls runtime's single definition
        if name in ("min", "max"):
            return f"{name}(({''.join(a + ', ' for a in args)}))"
        if name == "abs":
            return f"abs({args[0]})"
        if name == "count":
            return f"len({args[0]})"
        if name == "contains":
            return f"({args[1]} in {args[0]})"
        if name in ("year", "month", "day") and len(args) == 1:
            return f"{args[0]}.{name}"
        if name == "substring":
            return f"{u.obj(text_functions.substring)}(a, {u.obj(expr.span)}, {', '.join(args)})"
        if name == "date" and len(args) == 3:
            return f"{u.obj(make_date)}(a, {u.obj(expr.span)}, {args[0]}, {args[1]}, {args[2]})"
        if name == "string":  # engine/evaluation/operators.py
            return operators.generate_string(self, expr, args)
        if name not in FUNCTIONS and name != "round":
            raise Unsupported(f"function {name}")
        impl = function_for(name, len(args), bool(args) and self.compiler.type_of(expr.args[0]) == MONEY)
        return f"{u.obj(impl)}({', '.join(args)})"

    # ------------------------------------------------------------------ unary tests
    def test(self, test: ast.Test, column_type, x: str) -> str:
        """A condition on the column value `x`, as Compiler.test builds its closure."""
        match test:
            case ast.AnyTest():
                return "True"
            case ast.CompareTest(op=op, bound=bound):
                return f"({x} {PYTHON_OPERATORS[op]} {self.expr(bound, column_type)})"
            case ast.RangeTest(lo=lo, hi=hi, lo_closed=lo_closed, hi_closed=hi_closed):
                return (f"({self.expr(lo, column_type)} {'<=' if lo_closed else '<'} {x} "
                        f"{'<=' if hi_closed else '<'} {self.expr(hi, column_type)})")
            case ast.SetTest(values=values):
                if not values:
                    return "False"
                if all(isinstance(v, ast.Literal) or (isinstance(v, ast.Name) and is_symbol_of(v.name, column_type))
                       for v in values):  # the closures' own condition for a set of constants
                    return f"({x} in {self.unit.frozen([self.expr(v, column_type) for v in values])})"
                return "(" + " or ".join(f"({x} == {self.expr(v, column_type)})" for v in values) + ")"
            case ast.AnyOfTest(tests=tests):
                if not tests:
                    return "False"
                return "(" + " or ".join(self.test(t, column_type, x) for t in tests) + ")"
            case ast.NotTest(test=inner):
                return f"(not {self.test(inner, column_type, x)})"
            case _ if isinstance(test, lists.LIST_TESTS):  # lists (h16-lists)
                return lists_eval.generate_test(self, test, column_type, x)
        raise Unsupported(type(test).__name__)

    # ------------------------------------------------------------------ decisions
    def decisions(self, subset=None) -> list:
        """Writes the function of each decision in `subset` (decision numbers, closed under what
        they read; None: every decision); returns their names by decision number, None for the others."""
        names = []
        for j, name in enumerate(self.model.decisions):
            if subset is not None and j not in subset:
                names.append("None")
                continue
            fn = self.unit.local(f"t{j}" if self.traced else f"d{j}")
            args = "m, f, a, T" if self.traced else "m, f, a"
            self.unit.emit(1, f"def {fn}({args}):")
            self.body(j, 2, store=True)
            names.append(fn)
        return names

    def body(self, j: int, depth: int, store: bool):
        """The statements of decision j's function: its value in `v`, memoised, returned."""
        u, plan = self.unit, self.versions[j]
        name = list(self.model.decisions)[j]
        if plan is None:
            u.emit(depth, f"raise {u.obj(no_version)}(a, {u.obj(self.model.decisions[name])})")
            return
        if self.traced:
            u.emit(depth, "R = []")
        if plan.expression is not None:
            u.emit(depth, f"v = {self._finished(plan.result_type, self.expr(plan.decl.body.expr, plan.result_type), plan.decl.span, plan.decl.body.expr)}")
            record = "(None, None, (), v, R)"
        else:
            record = self._table(j, plan, depth)
        if plan.version.range is not None:
            u.emit(depth, f"{u.obj(check_range)}(v, {u.obj(plan)}, a)")
        if store:
            u.emit(depth, f"m[{j}] = v")
        if self.traced:
            u.emit(depth, f"T[{j}] = {record}")
        u.emit(depth, "return v")

    def _finished(self, type_, source: str, span, expr=None) -> str:
        if type_ == MONEY and expr is not None and surely_decimal(expr, self._reads_money_decision):
            return f"({source}).quantize({self.unit.obj(CENT)}, 'ROUND_HALF_UP')"  # round_money, in place
        if type_ == MONEY:
            return f"{self.finish}({source})"
        return f"{self.unit.obj(FINISHERS[type_])}({source}, {self.unit.obj(span)})" if type_ in FINISHERS else source

    def _reads_money_decision(self, name: str) -> bool:
        """Whether a bare name in a money formula is a money decision (its value is a finished
        Decimal; a whole-number decision read there gives an int)."""
        if self.compiler.name_kind(name, MONEY) != "decision":
            return False
        plan = self.versions[self.decision_index[name]]
        return plan is not None and plan.result_type == MONEY

    def is_light(self, plan) -> bool:
        """Whether a table reads no decision and needs no memo: a `unique` or `first` table whose
        columns read only inputs and whose rows all give constants."""
        if plan.expression is not None or plan.decl.hit.policy not in ("unique", "first") or plan.decl.hit.aggregator:
            return False
        if any(dep in self.decision_index for dep in plan.version.dependencies):
            return False
        rows = plan.rows + ((plan.otherwise,) if plan.otherwise is not None else ())
        return all(len(row.outputs) == 1 and self.compiler.is_constant(row.row.outputs[0], plan.output_types[0])
                   for row in rows)

    def _table(self, j: int, plan, depth: int) -> str:
        u, emit = self.unit, lambda line: self.unit.emit(depth, line)
        if not self.traced and write_chain(self, plan, depth):  # a `first` table reading decisions: if/elif
            return "None"  # not traced: the record is never kept
        body = plan.decl.body
        types = plan.version.column_types
        columns = []
        for position, column in enumerate(body.inputs):
            x = u.local(f"x{position}")
            emit(f"{x} = {self.expr(column.expr)}")
            columns.append(x)
        inputs = f"({''.join(x + ', ' for x in columns)})"
        rows = plan.rows + ((plan.otherwise,) if plan.otherwise is not None else ())
        policy = plan.decl.hit.policy if plan.decl.hit.aggregator is None else "aggregate"
        simple = policy in ("unique", "first")
        index = self.plans.indexes.get(id(plan), False)
        if index is False:
            index = self.plans.indexes[id(plan)] = index_table(self.compiler, plan)
        if not self.traced and nested_fits(index, plan):  # a look-up table: nested tests, the value in place
            self._nested(j, plan, rows, index, columns, inputs, emit)
            return f"({inputs}, None, None, v, R)"  # not traced: the record is never kept
        P, ROWS = u.obj(plan), u.obj(rows)
        outcomes, fired = "None", None
        constants, functions, values = self._row_outputs(j, plan, rows)
        call = "(m, f, a, T, R)" if self.traced else "(m, f, a)"
        caller = f"{u.obj(_traced_caller)}(m, f, a, T, R)" if self.traced else f"{u.obj(_caller)}(m, f, a)"
        head = head_index(self, plan) if policy == "first" and (index is None or index.dense is None) else None
        if head is not None:  # a big `hit first` table: its first rows asked first (engine/compiler/head.py)
            write_head_look_up(self, head, columns, emit)
            depth += 1  # `emit` writes at `depth`: the look-up of the other rows goes in the `else:` block
        if index is not None:
            depth_before = depth
            if index.dense is not None and functions is None and len(columns) == 1 and not self.traced:
                answers, _ = _tabulate(plan, rows, index.dense, values)
                column = index.columns[0]
                if _tree_fits(column):
                    # one range column, constant answers: a comparison tree gives the answer itself
                    def answer(segment, prefix):
                        if answers[segment] is not UNSET:
                            emit(f"{prefix}v = {u.obj(answers[segment])}")
                        else:
                            emit(f"{prefix}v = {u.obj(_hits)}(a, {P}, {u.obj(index.dense[segment])}, {inputs}, "
                                 f"{constants}, (), None)[1]")
                    kinds = [id(answers[g]) if answers[g] is not UNSET else ("rows", index.dense[g])
                             for g in range(len(column.masks))]
                    self._tree(column.bounds, columns[0], emit, kinds, answer)
                    return f"({inputs}, {outcomes}, {fired}, v, R)"  # not traced: the record is never kept
                # one column, constant answers: most values map straight to the answer
                direct = {value: answers[s] for value, s in column.points.items() if answers[s] is not UNSET}
                emit(f"v = {u.obj(direct)}.get({columns[0]})")
                emit("if v is None:")
                depth += 1  # `emit` writes at `depth`: the rest goes in this block
            key = self._segments(index, columns, emit)
            if index.dense is not None:
                emit(f"y = {key}")
                dense = u.obj(index.dense)
                if functions is None:
                    # every row gives a constant: the answer for each key is known in advance
                    answers, fired_rows = _tabulate(plan, rows, index.dense, values)
                    emit(f"v = {u.obj(answers)}[y]")
                    emit(f"if v is {self.U}: v = {u.obj(_hits)}(a, {P}, {dense}[y], {inputs}, {constants}, (), None)[1]")
                    fired = f"{u.obj(fired_rows)}[y]"
                elif simple:
                    chosen = tuple((rows_[0] if len(rows_) == 1 or (rows_ and policy == "first") else -1)
                                   for rows_ in index.dense)
                    emit(f"r = {u.obj(chosen)}[y]")
                    emit(f"if r < 0: r = {u.obj(_pick)}(a, {P}, {dense}[y], {inputs})")
                else:
                    emit(f"h = {dense}[y]")
            else:
                sets = [f"{u.obj(c.masks)}[s{n}]" for n, c in enumerate(index.columns)]
                count = index.rows
                if policy == "first":
                    emit(f"q = {' & '.join(sets)}")
                    emit(f"r = {count} - q.bit_length() if q else {u.obj(_pick)}(a, {P}, (), {inputs})")
                elif policy == "unique":
                    emit(f"q = {' & '.join(sets)}")
                    emit("if q:")
                    emit("    b = q.bit_length()")
                    emit(f"    r = {count} - b")
                    emit(f"    if q ^ (1 << (b - 1)): r = {u.obj(_pick)}(a, {P}, {u.obj(rows_of)}(q, {count}), {inputs})")
                    emit(f"else: r = {u.obj(_pick)}(a, {P}, (), {inputs})")
                else:
                    emit(f"q = {' & '.join(sets)}")
                    emit(f"h = {u.obj(rows_of)}(q, {count})")
            depth = depth_before
        else:
            outcomes = self._scan(plan, columns, types, emit, first=policy == "first", start=HEAD_ROWS if head else 0)
            if simple:
                test = "len(h) == 1" if policy == "unique" else "h"
                emit(f"r = h[0] if {test} else {u.obj(_pick)}(a, {P}, h, {inputs})")
        if head is not None:
            depth -= 1
        if fired is not None:  # the answer was tabulated above
            pass
        elif simple:
            if functions is None:
                emit(f"v = {constants}[r]")
            elif constants is None:
                emit(f"v = {functions}[r]{call}")
            else:
                emit(f"v = {constants}[r]")
                emit(f"if v is {self.U}: v = {functions}[r]{call}")
            fired = f"({ROWS}[r],)"
        else:
            emit(f"h, v = {u.obj(_hits)}(a, {P}, h, {inputs}, {constants or u.obj((UNSET,) * len(rows))}, "
                 f"{functions or u.obj(())}, {caller})")
            fired = "tuple(h)"
        if self.traced:
            wanted = tuple(self._template_decisions(plan, row) for row in rows)
            if any(wanted):
                emit(f"{u.obj(_template_decisions)}(TF, {u.obj(wanted)}, {fired}, m, f, a, T)")
        return f"({inputs}, {outcomes}, {fired}, v, R)"

    def _row_outputs(self, j, plan, rows) -> tuple:
        """(constants, functions, values): the names of a tuple giving each row's value when it is
        a constant (else UNSET) and of a tuple of functions computing the others (either is None
        when no row needs it), and the constant values themselves."""
        u = self.unit
        constants, functions = [], []
        read_input, self.read_input = self.read_input, lambda i: f"f[{i}]"  # row functions read the facts list
        for r, row in enumerate(rows):
            if len(row.outputs) == 1 and self.compiler.is_constant(row.row.outputs[0], plan.output_types[0]):
                constants.append(finish_value(plan.output_types[0], row.outputs[0](None)))
                functions.append(None)
                continue
            constants.append(UNSET)
            fn = u.name(f"o{j}_")
            args = "m, f, a, T, R" if self.traced else "m, f, a"
            values = [self._finished(t, self.expr(e, t), row.row.span, e) for e, t in zip(row.row.outputs, plan.output_types)]
            u.emit(1, f"def {fn}({args}):", helper=True)
            if len(values) == 1:
                u.emit(2, f"return {values[0]}", helper=True)
            else:
                u.emit(2, f"return {u.obj(RecordValue)}(zip({u.obj(plan.output_names)}, ({''.join(v + ', ' for v in values)})))",
                       helper=True)
            functions.append(fn)
        self.read_input = read_input
        constant_tuple = u.obj(tuple(constants)) if any(c is not UNSET for c in constants) else None
        if all(fn is None for fn in functions):
            return constant_tuple, None, constants
        name = u.name("g")
        u.emit(1, f"{name} = ({''.join((fn or 'None') + ', ' for fn in functions)})", helper=True)
        return constant_tuple, name, constants

    def _template_decisions(self, plan, row) -> tuple:
        found = []
        if row.row.because is not None:
            for match in TEMPLATE_HOLE.finditer(row.row.because.text):
                head = match.group(1).strip().split(".")[0]
                if head in self.decision_index and head != plan.name:
                    found.append(self.decision_index[head])
        return tuple(found)


def _raise_no_parameter(as_of, info, span):
    raise no_parameter_value(as_of, info, span)


# ---------------------------------------------------------------------------- building and running

def build(plans, compiler, versions: tuple, present: tuple, traced: bool, subset=None):
    """The decision functions for these versions (and these parameters having a value), of the
    decisions in `subset` only when given (a set of decision numbers closed under what they read).
    Returns `make(parameter_values) -> functions by decision number` (None outside the subset)."""
    gen = Generator(plans, compiler, versions, present, traced)
    names = gen.decisions(frozenset(subset) if subset is not None else None)
    numbers = [j for j, name in enumerate(names) if name != "None"]  # the decisions generated
    extras = ["TF"] if traced else []
    factory, objects = _compile_unit(gen, [names[j] for j in numbers], extras, "decisions")

    def make(parameter_values: tuple):
        traced_functions = []
        made = factory(objects + ([traced_functions] if traced else []) + list(parameter_values))
        functions = [None] * len(names)
        for j, function in zip(numbers, made):
            functions[j] = function
        traced_functions[:] = functions
        return tuple(functions)
    return make


def build_entry(plans, compiler, versions: tuple, present: tuple, j: int, arguments: tuple, reads=None):
    """A function computing decision j from its inputs, given positionally in `arguments` order
    (input numbers): no memo, no trace, no validation. `reads`: the decisions it may call (None:
    every one). Returns `make(parameter_values, as_of, decision_functions) -> function`."""
    gen = Generator(plans, compiler, versions, present, traced=False)
    u = gen.unit
    plan = versions[j]
    position = {i: n for n, i in enumerate(arguments)}
    parameters = [u.local(f"e{n}") for n in range(len(arguments))]
    u.emit(1, f"def {u.local('entry')}({', '.join(parameters)}):")
    start = len(u.lines)
    gen.read_input = lambda i: f"e{position[i]}"
    for k in (range(len(gen.decision_index)) if reads is None else sorted(reads)):
        u.constants.append(f"{u.local(f'd{k}')} = DF[{k}]")
    if plan is not None and write_entry(gen, j, plan, 2):  # one function, its decisions in place
        memo = gen.memo_read
    else:
        memo = plan is not None and not gen.is_light(plan)
        gen.body(j, 2, store=False)
    if memo:  # the memo and the facts by number, for the decision functions it calls
        facts = [f"e{position[i]}" if i in position else gen.U for i in range(len(gen.input_index))]
        u.lines[start:start] = ["        m = [" + gen.U + "] * " + str(len(gen.decision_index)),
                                "        f = [" + ", ".join(facts) + "]"]
    factory, objects = _compile_unit(gen, ["entry"], ["a", "DF"], "entry")

    def make(parameter_values: tuple, as_of, decision_functions):
        return factory(objects + [as_of, decision_functions] + list(parameter_values))[0]
    return make


def _compile_unit(gen: Generator, returned: list, extras: list, what: str):
    """K holds the objects, then the `extras` values, then the parameter values."""
    u = gen.unit
    count = len(u.objects)
    u.bindings = [f"{u.local(name)} = K[{count + n}]" for n, name in enumerate(extras)]
    for p in range(len(gen.present)):
        if f"p{p}" in u.names:
            u.bindings.append(f"p{p} = K[{count + len(extras) + p}]")
    namespace = run_checked(u.source(returned), u.names, what)
    return namespace["factory"], list(u.objects)
