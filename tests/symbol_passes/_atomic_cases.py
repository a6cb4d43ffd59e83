"""Atomic-symbol cases (``Symbol._gen_atomic_symbol``), run by both interpreters: each
returns a JSON-able dict of what MXNet shows (``record.py``) and symnb must repeat."""
from __future__ import annotations


def _rnn(mx):
    data, p = mx.sym.Variable('data'), mx.sym.Variable('param')
    h0, h1 = mx.sym.Variable('h0'), mx.sym.Variable('h1')
    return mx.sym.RNN(data, p, h0, h1, state_size=10, num_layers=2, bidirectional=True,
                      state_outputs=True, mode='lstm', name='rnn'), (data, p, h0, h1)


def cases(mx):
    out = {}
    rnn, ins = _rnn(mx)
    atom = rnn._gen_atomic_symbol()
    out["rnn"] = {"json": atom.tojson(), "outputs": atom.list_outputs(),
                  "arguments": atom.list_arguments(), "len": len(atom),
                  "composed": atom(*ins, name='r2').tojson()}
    fc = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=3, name='fc',
                               attr={'__lr_mult__': '2'})
    atom = fc._gen_atomic_symbol()
    out["fc"] = {"json": atom.tojson(), "name": atom.name,
                 "attr_dict": atom.attr_dict(),
                 "nameless": atom(mx.sym.var('y')).tojson(),
                 "named": atom(data=mx.sym.var('z'), name='k').tojson()}
    out["bn"] = {"json": mx.sym.BatchNorm(mx.sym.var('x'), name='bn')._gen_atomic_symbol()
                 .tojson()}
    split = mx.sym.split(mx.sym.var('a'), num_outputs=3, name='sp')
    out["split_1"] = {"json": split[1]._gen_atomic_symbol().tojson()}
    try:
        mx.sym.Group([fc, fc * 2])._gen_atomic_symbol()
    except mx.MXNetError as e:
        out["group_error"] = str(e).split("\n")[-1]
    return out
