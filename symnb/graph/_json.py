"""MXNet's symbol JSON, both ways (spec symbol.md 6).

The writer reproduces MXNet's byte layout (indentation, ``", "`` line ends, which containers
are multi-line, the five string escapes). The reader is a strict, hand-written parser for the
dmlc JSON subset MXNet accepts: it never evaluates anything, rejects ``\\u`` escapes and
non-string attribute values, and raises ``MXNetError`` naming the member, node or operator.
Files older than 1.9.1 are upgraded as MXNet does (6.5).
"""
from __future__ import annotations

import re
import sys

from ..base import MXNetError
from ._ir import Entry, Node, topo_order

__all__ = ["dump_graph", "load_graph", "MXNET_VERSION"]

MXNET_VERSION = 10901
_HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


# ---------------------------------------------------------------------------------- writing
# MXNet writes other control characters raw (not strict JSON) and cannot encode a lone
# surrogate at all; both are written as \u escapes, which the reader accepts for them only
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _escape(s: str) -> str:
    text = (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
    return '"' + text + '"'


def _entries(items) -> str:
    return "[" + ", ".join("[%d, %d, %d]" % tuple(e) for e in items) + "]"


def _multiline(items: list[str], depth: int, open_: str, close: str) -> str:
    if not items:
        return open_ + close
    pad = "\n" + "  " * depth
    return open_ + ", ".join(pad + it for it in items) + "\n" + "  " * (depth - 1) + close


def _int_list(values, depth) -> str:
    if len(values) > 10:
        return _multiline([str(v) for v in values], depth, "[", "]")
    return "[" + ", ".join(str(v) for v in values) + "]"


def _entry_list(values, depth) -> str:
    if len(values) > 10:
        return _multiline(["[%d, %d, %d]" % tuple(e) for e in values], depth, "[", "]")
    return _entries(values)


def _attr_map(attrs: dict, depth: int) -> str:
    # MXNet's std::map order: by UTF-8 bytes (a lone surrogate sorts as its 3-byte form)
    keys = sorted(attrs, key=lambda k: k.encode("utf-8", "surrogatepass"))
    items = ["%s: %s" % (_escape(k), _escape(attrs[k])) for k in keys]
    if len(items) > 1:
        return _multiline(items, depth, "{", "}")
    return "{" + ", ".join(items) + "}"


def dump_graph(heads, np_shape: bool = False) -> str:
    """Serialise the graph reachable from ``heads`` exactly as MXNet 1.9.1's ``tojson``."""
    order = topo_order(heads)
    index = {id(n): i for i, n in enumerate(order)}
    node_texts = []
    row_ptr = [0]
    for node in order:
        members = ['"op": %s' % _escape("null" if node.op is None else node.op.name),
                   '"name": %s' % _escape(node.name)]
        if node.attrs:
            members.append('"attrs": %s' % _attr_map(node.attrs, 4))
        inputs = [(index[id(e.node)], e.index, e.version) for e in node.inputs]
        members.append('"inputs": %s' % _entry_list(inputs, 4))
        node_texts.append(_multiline(members, 3, "{", "}"))
        row_ptr.append(row_ptr[-1] + node.num_outputs())
    arg_nodes = [i for i, n in enumerate(order) if n.op is None]
    head_entries = [(index[id(h[0])], h[1], 0) for h in heads]
    graph_attrs = ['"is_np_shape": ["int", 1]'] if np_shape else []
    graph_attrs.append('"mxnet_version": ["int", %d]' % MXNET_VERSION)
    attrs_text = ("{" + graph_attrs[0] + "}" if len(graph_attrs) == 1
                  else _multiline(graph_attrs, 2, "{", "}"))
    top = ['"nodes": %s' % _multiline(node_texts, 2, "[", "]"),
           '"arg_nodes": %s' % _int_list(arg_nodes, 2),
           '"node_row_ptr": %s' % _int_list(row_ptr, 2),
           '"heads": %s' % _entry_list(head_entries, 2),
           '"attrs": %s' % attrs_text]
    return _multiline(top, 1, "{", "}")


# ---------------------------------------------------------------------------------- reading
_MAX_DEPTH = 100      # MXNet graphs nest 5 deep; deeper text is refused, never recursed into
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


class _Obj(list):
    """A JSON object: its ``(key, value)`` members in file order (a list, unlike an array)."""

    __slots__ = ()


def _describe(value) -> str:
    """A parsed JSON value as an error message shows it."""
    if isinstance(value, _Obj):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, str):
        return "the string %s" % _escape(value[:40] + ("..." if len(value) > 40 else ""))
    return "the number %r" % (value,)


class _Reader:
    """Strict JSON subset reader (objects, arrays, strings, numbers, true/false/null).

    Iterative (an explicit stack of open containers), so nesting depth costs no recursion;
    more than ``_MAX_DEPTH`` open containers is an error naming the offset.
    """

    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def _err(self, msg):
        raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nMXNetError: %s"
                         % msg)

    def _ws(self):
        s, i = self.s, self.i
        while i < len(s) and s[i] in " \t\r\n":
            i += 1
        self.i = i

    def _peek(self) -> str:
        return self.s[self.i:self.i + 1]

    def _expect(self, ch):
        self._ws()
        got = self._peek()
        if got != ch:
            around = self.s[self.i + 1:self.i + 11]
            self._err("Check failed: ch == '%s' (%s vs. %s) : Error at Line 0, around ^`%s`, "
                      "Expect '%s' but get '%s'" % (ch, ord(got) if got else -1, ch, around,
                                                    ch, got))
        self.i += 1

    def value(self):
        """One JSON value; containers are filled through a stack instead of recursion."""
        stack: list[list] = []       # open containers, innermost last
        keys: list[str] = []         # for each open object, the key of the member being read
        while True:
            self._ws()
            ch = self._peek()
            if ch in ("{", "["):
                if len(stack) >= _MAX_DEPTH:
                    self._err("JSON nesting deeper than %d levels at offset %d: a symbol file "
                              "nests 5 levels" % (_MAX_DEPTH, self.i))
                self.i += 1
                container = _Obj() if ch == "{" else []
                self._ws()
                if self._peek() != ("}" if ch == "{" else "]"):
                    stack.append(container)
                    if ch == "{":
                        keys.append(self._key())
                    continue
                self.i += 1
                val = container
            else:
                val = self._scalar(ch)
            # attach the finished value, closing every container that ends after it
            while stack:
                parent = stack[-1]
                if isinstance(parent, _Obj):
                    parent.append((keys[-1], val))
                else:
                    parent.append(val)
                self._ws()
                if self._peek() == ",":
                    self.i += 1
                    if isinstance(parent, _Obj):
                        keys[-1] = self._key()
                    break
                self._expect("}" if isinstance(parent, _Obj) else "]")
                val = stack.pop()
                if isinstance(val, _Obj):
                    keys.pop()
            else:
                return val

    def _key(self) -> str:
        key = self.string()
        self._expect(":")
        return key

    def _scalar(self, ch):
        if ch == '"':
            return self.string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return val
        return self.number()

    def string(self) -> str:
        self._expect('"')
        out = []
        s, i = self.s, self.i
        while True:
            j = i
            while j < len(s) and s[j] != '"' and s[j] != "\\":
                j += 1
            out.append(s[i:j])
            i = j
            if i >= len(s):
                self._err("Check failed: ch != EOF: Error at Line 0, unterminated string")
            if s[i] == '"':
                self.i = i + 1
                return "".join(out)
            nxt = s[i + 1:i + 2]
            mapped = _ESCAPES.get(nxt)
            if mapped is None and nxt == "u":
                mapped = self._unicode_escape(i)
                i += 4
            if mapped is None:
                self.i = i
                self._err("unknown string escape \\%s" % nxt)
            out.append(mapped)
            i += 2

    def _unicode_escape(self, i):
        """``\\uXXXX`` only for what the writer escapes (control characters and lone
        surrogates, which MXNet's reader cannot carry either); MXNet rejects every other
        ``\\u`` escape, and so does symnb (spec symbol.md 6.4)."""
        digits = self.s[i + 2:i + 6]
        if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
            code = int(digits, 16)
            if code < 0x20 or 0xD800 <= code <= 0xDFFF:
                return chr(code)
        return None

    def number(self):
        s, i = self.s, self.i
        m = _NUMBER.match(s, i)
        if m is None or m.end() - i > 40:
            got = s[i:i + 1]
            if m is None and got not in "-0123456789":
                self._err("Check failed: ch == '\"' (%s vs. \") : Error at Line 0, around "
                          "^`%s`, Expect '\"' but get '%s'" % (ord(got) if got else -1,
                                                              s[i + 1:i + 11], got))
            self._err("Check failed: !is_->fail(): Error at Line 0, around ^`%s`, Expect number "
                      "(at offset %d)" % (s[i:i + 20], i))
        self.i = m.end()
        text = m.group()
        if m.group(1) is None and m.group(2) is None:
            return int(text)
        return float(text)


_TOP_FIELDS = ("arg_nodes", "attrs", "heads", "node_row_ptr", "nodes")
_NODE_FIELDS = ("attr", "attrs", "backward_source_id", "control_deps", "inputs", "name", "op",
                "param", "subgraphs")
_GRAPH_ATTR_TYPES = {"int": "an integer", "size_t": "an integer", "str": "a string",
                     "list_int": "an array of integers"}


def _unknown_field(name, candidates):
    raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nJSONReader: Unknown "
                     "field %s, candidates are: \n%s\n" % (name, "".join('"%s"\n' % c
                                                                        for c in candidates)))


def _missing_field(name):
    raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nJSONReader: Check "
                     "failed: visited.count(it->first) != 0U (0 vs. 0) : Missing field \"%s\"\n"
                     " At  Line 0, around ^``\n" % name)


def _check_failed(cond):
    raise MXNetError("Traceback (most recent call last):\n  File \"saveload_json.cc\"\n"
                     "MXNetError: Check failed: %s: " % cond)


def _wrong_type(where, expected, value):
    """A member of the wrong JSON type: MXNet's reader check, then where and what was found."""
    first = {"an object": "{", "an array": "[", "a string": '"'}.get(expected, "0")
    raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nMXNetError: Check "
                     "failed: ch == '%s' : %s must be %s, got %s"
                     % (first, where, expected, _describe(value)))


def _is_int(value) -> bool:
    return type(value) is int       # JSON true/false parse as bool, which is no index


def _first_char(value) -> str:
    """The first character of a parsed JSON value as it was written (for error texts)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if value is None:
        return "n"
    if isinstance(value, _Obj):
        return "{"
    if isinstance(value, list):
        return "["
    return str(value)[:1]


def _string_map(items, where):
    if not isinstance(items, _Obj):
        raise MXNetError("MXNetError: attributes of node %s must be an object of strings, got "
                         "%s" % (where, _describe(items)))
    out = {}
    for k, v in items:
        if not isinstance(v, str):
            got = _first_char(v)
            raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nMXNetError: "
                             "Check failed: ch == '\"' (%d vs. \") : attribute %s of node %s: "
                             "Expect '\"' but get '%s'" % (ord(got), k, where, got))
        out[k] = v
    return out


def _graph_version(graph_attrs) -> int:
    """``mxnet_version`` from the top-level ``attrs`` (``[type, value]`` pairs; 800 if absent)."""
    version = 800
    if graph_attrs is None:
        return version
    if not isinstance(graph_attrs, _Obj):
        _wrong_type('the top-level "attrs"', "an object", graph_attrs)
    for key, val in graph_attrs:
        if not (isinstance(val, list) and not isinstance(val, _Obj) and len(val) == 2
                and isinstance(val[0], str)):
            raise MXNetError("MXNetError: graph attribute %s must be a [type, value] pair, got "
                             "%s" % (key, _describe(val)))
        tag, payload = val
        if tag not in _GRAPH_ATTR_TYPES:
            raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nMXNetError: "
                             "Check failed: Typename %s has not been registered via "
                             "DMLC_JSON_ENABLE_ANY" % tag)
        ok = (isinstance(payload, str) if tag == "str" else
              isinstance(payload, list) and all(_is_int(v) for v in payload)
              if tag == "list_int" else _is_int(payload))
        if not ok:
            raise MXNetError("Traceback (most recent call last):\n  File \"json.h\"\nMXNetError: "
                             "Check failed: !is_->fail(): graph attribute %s of type %s must "
                             "hold %s, got %s" % (key, tag, _GRAPH_ATTR_TYPES[tag],
                                                  _describe(payload)))
        if key == "mxnet_version":
            if not _is_int(payload):
                raise MXNetError("MXNetError: graph attribute mxnet_version must be an "
                                 "[\"int\", <version>] pair, got %s" % _describe(val))
            version = payload
    return version


def _node_spec(raw, position):
    """One member of ``nodes`` checked and flattened: op, name, attrs, raw inputs."""
    if not isinstance(raw, _Obj):
        _wrong_type("node %d of \"nodes\"" % position, "an object", raw)
    node = {"attrs": {}, "param": {}}
    maps = []
    for key, val in raw:
        if key not in _NODE_FIELDS:
            _unknown_field(key, _NODE_FIELDS)
        if key in ("attrs", "attr", "param"):
            maps.append((key, val))
        else:
            node[key] = val
    for required in ("inputs", "name", "op"):
        if required not in node:
            _missing_field(required)
    if not isinstance(node["name"], str):
        _wrong_type("the name of node %d" % position, "a string", node["name"])
    name = node["name"]
    if not isinstance(node["op"], str):
        raise MXNetError("MXNetError: node %s: \"op\" must be a string (\"null\" for "
                         "variables), got %s" % (name, _describe(node["op"])))
    if not isinstance(node["inputs"], list) or isinstance(node["inputs"], _Obj):
        _wrong_type("the inputs of node %s" % name, "an array", node["inputs"])
    # converted after the loop so that errors can name the node whatever the member order;
    # `attrs` and `attr` fill one dict in file order, `param` never overwrites (spec 6.4)
    for key, val in maps:
        target = node["param"] if key == "param" else node["attrs"]
        target.update(_string_map(val, name))
    for k, v in node["param"].items():
        node["attrs"].setdefault(k, v)
    return node


def _entry(raw, what, n):
    """``[node, index]`` or ``[node, index, version]`` of non-negative integers, node < n."""
    if not (isinstance(raw, list) and not isinstance(raw, _Obj) and len(raw) in (2, 3)
            and all(_is_int(x) and x >= 0 for x in raw)):
        raise MXNetError("MXNetError: %s: an entry must be [node, index] or [node, index, "
                         "version] of non-negative integers, got %s" % (what, _show(raw)))
    if raw[0] >= n:
        _check_failed("e.node_id < jgraph.nodes.size()")
    return raw[0], raw[1], raw[2] if len(raw) == 3 else 0


def _show(value) -> str:
    """A parsed entry as written (short flat arrays), else its description."""
    if isinstance(value, list) and not isinstance(value, _Obj) and len(value) <= 4 \
            and not any(isinstance(v, (list, str)) for v in value):
        words = {True: "true", False: "false", None: "null"}
        return "[%s]" % ", ".join(words[v] if isinstance(v, bool) or v is None else repr(v)
                                  for v in value)
    return _describe(value)


def _array(fields, key):
    value = fields[key]
    if not isinstance(value, list) or isinstance(value, _Obj):
        _wrong_type('"%s"' % key, "an array", value)
    return value


def load_graph(text: str):
    """Parse MXNet symbol JSON into a list of head entries ``(node, index)``.

    >>> [(node.name, index) for node, index in load_graph(dump_graph([(Node(None, 'x'), 0)]))]
    [('x', 0)]
    """
    from ..ops import get_op

    reader = _Reader(text)
    reader._ws()
    reader._expect("{")
    reader.i -= 1
    top = reader.value()
    fields = {}
    for key, val in top:
        if key not in _TOP_FIELDS:
            _unknown_field(key, _TOP_FIELDS)
        fields[key] = val
    for required in ("arg_nodes", "heads", "nodes"):
        if required not in fields:
            _missing_field(required)
    version = _graph_version(fields.get("attrs"))

    specs = [_node_spec(raw, k) for k, raw in enumerate(_array(fields, "nodes"))]
    n = len(specs)
    nodes = []
    for spec in specs:
        if spec["op"] == "null":
            nodes.append(Node(None, spec["name"], spec["attrs"]))
            continue
        op = get_op(spec["op"])
        if op is None:
            raise MXNetError("MXNetError: Failed loading Op %s of type %s: Check failed: "
                             "op != nullptr: Operator %s is not registered"
                             % (spec["name"], spec["op"], spec["op"]))
        nodes.append(Node(op, spec["name"], spec["attrs"]))

    for spec, node in zip(specs, nodes, strict=True):
        wired = [_entry(raw, "input %d of node %s" % (k, node.name), n)
                 for k, raw in enumerate(spec["inputs"])]
        node.inputs = [Entry(nodes[nid], index, ver) for nid, index, ver in wired]
    for nid in _array(fields, "arg_nodes"):
        if not _is_int(nid) or not 0 <= nid < n:
            _check_failed("nid < jgraph.nodes.size()")
        if nodes[nid].op is not None:
            _check_failed("jgraph.nodes[nid].node->is_variable()")
    heads = []
    for k, raw in enumerate(_array(fields, "heads")):
        nid, index, _ = _entry(raw, "heads entry %d" % k, n)
        heads.append((nodes[nid], index))
    _check_acyclic(nodes)

    if version != MXNET_VERSION:
        _upgrade(nodes, version)
    for node in nodes:
        if node.op is not None:
            _ = node.params  # validate every operator's attributes now, naming the node
            for e in node.inputs:
                if e.index >= e.node.num_outputs():
                    raise MXNetError("MXNetError: node %s reads output %d of node %s, which "
                                     "has %d output(s)" % (node.name, e.index, e.node.name,
                                                           e.node.num_outputs()))
        for e in node.inputs:
            if e.node.op is None:
                e.node.version = max(e.node.version, e.version)
    for node, index in heads:
        if index >= node.num_outputs():
            raise MXNetError("MXNetError: head (%s, %d) is out of range: node %s has %d "
                             "output(s)" % (node.name, index, node.name, node.num_outputs()))
    return heads


def _check_acyclic(nodes):
    state = {}
    for root in nodes:
        if id(root) in state:
            continue
        stack = [(root, 0)]
        state[id(root)] = 1
        while stack:
            node, i = stack[-1]
            if i < len(node.inputs):
                stack[-1] = (node, i + 1)
                child = node.inputs[i].node
                s = state.get(id(child))
                if s == 1:
                    raise MXNetError("MXNetError: the graph has a cycle through node %s"
                                     % child.name)
                if s is None:
                    state[id(child)] = 1
                    stack.append((child, 0))
            else:
                state[id(node)] = 2
                stack.pop()


def _version_text(v):
    return "v%d.%d.%d" % (v // 10000, (v // 100) % 100, v % 100)


def _upgrade(nodes, version):
    """MXNet's legacy_json_util upgrades (spec symbol.md 6.5), logged to stderr like MXNet."""
    if version > MXNET_VERSION:
        print("Warning: loading symbol saved by MXNet version %d with lower version of MXNet "
              "v%d. May cause undefined behavior. Please update MXNet if you encounter any "
              "issue" % (version, MXNET_VERSION), file=sys.stderr)
        return
    print("Loading symbol saved by previous version %s. Attempting to upgrade..."
          % _version_text(version), file=sys.stderr)
    # 1. hidden keys: `lr_mult` -> `__lr_mult__`; `weight_lr_mult` moves to the weight variable
    for node in nodes:
        for key in list(node.attrs):
            value = node.attrs[key]
            if key in _HIDDEN_KEYS:
                del node.attrs[key]
                node.attrs["__%s__" % key] = value
                continue
            if node.op is None:
                continue
            for hidden in _HIDDEN_KEYS:
                if key.endswith("_" + hidden) and key != hidden:
                    input_name = key[: -len(hidden) - 1]
                    declared = node.op.inputs
                    if input_name in declared:
                        pos = declared.index(input_name)
                        if pos < len(node.inputs) and node.inputs[pos].node.op is None:
                            node.inputs[pos].node.attrs["__%s__" % hidden] = value
                            del node.attrs[key]
                    break
    # 2. (< 0.9.0) missing declared inputs become new variables
    if version < 900:
        for node in nodes:
            if node.op is None:
                continue
            declared = node.op.input_names(node.params)
            for pos in range(len(node.inputs), len(declared)):
                var = Node(None, "%s_%s" % (node.name, declared[pos]), dict(node.attrs))
                node.inputs.append(Entry(var, 0, 0))
    # 3. (< 0.9.4) initializer hints on variable inputs
    if version < 904:
        for node in nodes:
            if node.op is None or not node.op.var_attrs_on_compose:
                continue
            declared = node.op.input_names(node.params)
            for pos, e in enumerate(node.inputs):
                extra = node.op.var_attrs_on_compose.get(declared[pos] if pos < len(declared)
                                                         else None)
                if extra and e.node.op is None and "__init__" not in e.node.attrs:
                    e.node.attrs.update(extra)
    # 4. (< 0.9.5) argmax/argmin with axis -1 lose the axis
    if version < 905:
        for node in nodes:
            if node.op is not None and node.op.name in ("argmax", "argmin") \
                    and node.attrs.get("axis") == "-1":
                del node.attrs["axis"]
    for node in nodes:
        node.invalidate()
    print("Symbol successfully upgraded!", file=sys.stderr)
