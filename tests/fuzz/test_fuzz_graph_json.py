"""Fuzz: real graph JSON mutated structure-aware (keys, types, indices, cycles, nesting, sizes,
names, attribute values) and as text. Every mutant is accepted or refused with symnb's own
MXNetError; an accepted one writes strict JSON that reads back the same, and when it infers
with the recorded input shapes it also binds and runs (or refuses cleanly)."""
from __future__ import annotations

import contextlib
import io
import json
import math
import warnings

from hypothesis import given
from hypothesis import strategies as st

import symnb as mx

from ._corpus import graphs, nasty_text
from ._sandbox import Outcomes, example_alarm, report, run_capped

OUTCOMES = Outcomes()
WEIRD_VALUES = ["0", "-1", "(0, 0, 4)", "(-5,)", "(0,)", "()", "1e309", "nan", "inf", "-0",
                "99999999999999999999", "(2147483648,)", "(65536, 65536)", "True", "abc", "",
                "((1, 2),)", "[1, 2]", "None", "(1,)", "(3, 3)", "(1, 1, 1, 1, 1, 1, 1, 1, 1)",
                "1.5", "-2147483649", "relu", "'x'", '"', "\\"]
WEIRD_INTS = [-1, -2**63, 0, 1, 2, 3, 2**31, 2**32 + 1, 2**63, 10**30]


def json_values(depth=2):
    leaf = st.one_of(st.none(), st.booleans(), st.sampled_from(WEIRD_INTS), st.integers(),
                     st.floats(allow_nan=False, allow_infinity=False), nasty_text,
                     st.sampled_from(WEIRD_VALUES))
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(nasty_text, inner, max_size=3)),
        max_leaves=6)


def _slots(doc):
    """Every (container, key) in the document, found iteratively."""
    out, stack = [], [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            out.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


@st.composite
def mutants(draw):
    name, text, shapes = draw(st.sampled_from(graphs()[:40]) if draw(st.booleans())
                              else st.sampled_from(graphs()))
    doc = json.loads(text)
    nodes = doc["nodes"]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "delete", "wrap", "unknown_key", "index",
                                     "cycle", "attr", "attr", "name", "node_type"]))
        slots = _slots(doc)
        parent, key = slots[draw(st.integers(0, len(slots) - 1))]
        if kind == "replace":
            parent[key] = draw(json_values())
        elif kind == "delete":
            del parent[key]
        elif kind == "wrap":
            depth = draw(st.sampled_from([1, 2, 5, 99, 100, 101, 600]))
            for _ in range(depth):
                parent[key] = [parent[key]]
        elif kind == "unknown_key" and isinstance(parent, dict):
            parent[draw(nasty_text)] = draw(json_values())
        elif kind == "index":
            parent[key] = draw(st.sampled_from(WEIRD_INTS + [len(nodes), len(nodes) - 1]))
        elif kind == "cycle" and len(nodes) > 1:
            k = draw(st.integers(0, len(nodes) - 1))
            if isinstance(nodes[k], dict) and nodes[k].get("inputs"):
                nodes[k]["inputs"][0] = [draw(st.integers(k, len(nodes) - 1)), 0, 0]
        elif kind == "attr":
            k = draw(st.integers(0, len(nodes) - 1))
            attrs = nodes[k].get("attrs") if isinstance(nodes[k], dict) else None
            if isinstance(attrs, dict) and attrs:
                attrs[draw(st.sampled_from(sorted(attrs)))] = draw(
                    st.sampled_from(WEIRD_VALUES) | nasty_text)
        elif kind == "name":
            k = draw(st.integers(0, len(nodes) - 1))
            if isinstance(nodes[k], dict):
                nodes[k]["name"] = draw(nasty_text)
        elif kind == "node_type":
            k = draw(st.integers(0, len(nodes) - 1))
            nodes[k] = draw(st.sampled_from([list(nodes[k].items())
                                             if isinstance(nodes[k], dict) else 0, 5, "x", None]))
    out = json.dumps(doc, ensure_ascii=False)
    if draw(st.integers(0, 4)) == 0:        # text level: cut, splice or corrupt
        cut = draw(st.integers(0, len(out)))
        out = draw(st.sampled_from([out[:cut], out[:cut] + draw(nasty_text) + out[cut:],
                                    out[:cut] + "--1" + out[cut + 1:],
                                    out.replace('"', "'", 1), out.replace(":", "", 1)]))
    return name, out, shapes


def _strict(text):
    def reject(value):
        raise ValueError("non-strict JSON constant %s" % value)
    json.loads(text, parse_constant=reject)          # also refuses raw control characters


def _bind_and_run(sym, shapes, what):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
        except Exception as e:           # noqa: BLE001 -- judged
            OUTCOMES.judge(e, (mx.MXNetError,), what + " infer_shape")
            return
    if arg_shapes is None:
        OUTCOMES["accepted, shapes incomplete"] += 1
        return
    sizes = [math.prod(s) for s in arg_shapes + out_shapes + aux_shapes]
    if sum(sizes) > 300_000 or len(sym.get_internals().list_outputs()) > 80:
        OUTCOMES["accepted, inferred (too big to run here)"] += 1
        return
    try:
        ex = sym.simple_bind(mx.cpu(), **shapes)
        for arr in ex.arg_arrays:
            arr[:] = 0.5
        ex.forward(is_train=True)
        ex.backward([mx.nd.ones(o.shape) for o in ex.outputs])
    except Exception as e:               # noqa: BLE001 -- judged
        OUTCOMES.judge(e, (mx.MXNetError, RuntimeError, ValueError), what + " bind/run")
        return
    OUTCOMES["accepted, bound and ran"] += 1


@given(mutants())
def _graph_property(case):
    example_alarm()
    name, text, shapes = case
    what = "load_json(mutant of %s: %r)" % (name, text[:300])
    OUTCOMES["inputs"] += 1
    with contextlib.redirect_stderr(io.StringIO()):    # upgrade messages
        try:
            sym = mx.sym.load_json(text)
        except Exception as e:           # noqa: BLE001 -- judged
            OUTCOMES.judge(e, (mx.MXNetError,), what)
            return
        out = sym.tojson()
        _strict(out)
        again = mx.sym.load_json(out).tojson()
        assert again == out, "%s: tojson does not read back the same" % what
        if shapes and set(shapes) <= set(sym.list_arguments()):
            _bind_and_run(sym, shapes, what)
        else:
            OUTCOMES["accepted"] += 1


def _family():
    _graph_property()
    return dict(OUTCOMES)


def test_mutated_graph_json_is_accepted_or_refused_cleanly():
    outcomes = run_capped(_family)
    report("graph json", outcomes)
    assert outcomes["inputs"] > 0 and outcomes.get("clean errors", 0) > 0
