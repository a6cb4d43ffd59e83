"""%%symbol --collapse draws the nodes of a name prefix as one box."""


def test_collapse_prefix_into_one_box(shell, monkeypatch):
    from symnb.notebook import _display
    shown = []
    monkeypatch.setattr(_display, "show", shown.append)
    shell.run_cell_magic("symbol", "net --shape data=(2,8) --collapse stage1_", (
        "data = Variable('data')\n"
        "with mx.name.Prefix('stage1_'):\n"
        "    h = Activation(FullyConnected(data, num_hidden=4), act_type='relu')\n"
        "net = FullyConnected(h, num_hidden=2, name='out')\n"))
    doc = shown[-1]["application/vnd.symnb.graph+json"]
    names = [n["name"] for n in doc["nodes"]]
    assert not any(n.startswith("stage1_fullyconnected") for n in names)
    boxes = [n for n in doc["nodes"] if len(n["members"]) > 1]
    assert len(boxes) == 1 and all(m.startswith("stage1_") for m in boxes[0]["members"])
    assert "out" in names
    svg = shown[-1]["image/svg+xml"]
    assert "stage1_" in svg
