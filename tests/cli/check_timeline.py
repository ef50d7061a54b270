#!/usr/bin/python3
"""Checks `actscope-cli timeline` against `scan`, PyTorch and NumPy.

    check_timeline.py CLI RUN_FOLDER FASHION_MNIST_DIR

1. The shipped training run (RUN_FOLDER, checkpoints named step_NNNN.pt) over
   the first 1,000 Fashion-MNIST test images: the checkpoints in training
   order; each one's accuracy equals PyTorch's (the TorchScript file run by
   torch.jit.load) within one image in 500; each layer's dead and rarely
   active filter fractions equal what `scan` of that checkpoint flags; CKA to
   the last checkpoint equals NumPy's minibatch unbiased CKA on hooked
   outputs within 1e-4.
2. A run built here whose filters die (conv1's bias pushed below every input
   at later checkpoints, one filter active on a few images only): the
   fractions are the ones built in, and equal scan's; a folder of epoch_1,
   epoch_2, epoch_10 is taken in that order.
3. A checkpoint of another model in the run: exit code 1 naming it, nothing written.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn

from cka_reference import minibatch_cka

CLI, RUN, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
LIMIT, BATCH = 1000, 64


def run(*args, expect=0):
    done = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert done.returncode == expect, (args, done.returncode, done.stderr)
    return done


def dataset():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:LIMIT]
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:LIMIT]
    return torch.from_numpy(images.astype(np.float32) / 255.0)[:, None], labels


def card_of(path):
    extra = {"actscope.json": ""}
    model = torch.jit.load(path, _extra_files=extra)
    return model, json.loads(extra["actscope.json"])


def timeline(checkpoints, out, limit=LIMIT):
    run("timeline", "--checkpoints", *checkpoints, "--dataset", DATA, "--limit", str(limit), "--out", out, "--quiet")
    with open(os.path.join(out, "timeline.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", "timeline.png is not a PNG"
    with open(os.path.join(out, "timeline.json")) as f:
        return json.load(f)


def scan_fractions(checkpoint, folder, limit=LIMIT):
    """Layer -> (dead, rarely active) fractions of its filters, as scan's atlas flags them."""
    out = os.path.join(folder, "scan_" + os.path.basename(checkpoint))
    run("scan", "--model", checkpoint, "--dataset", DATA, "--limit", str(limit), "--out", out, "--quiet")
    with open(os.path.join(out, "atlas.json")) as f:
        atlas = json.load(f)
    fractions = {}
    for layer in atlas["layers"]:
        dead = [f["dead_fraction"] == 1.0 for f in layer["filters"]]
        rare = [f["dead_fraction"] < 1.0 and 1.0 - f["dead_fraction"] < 0.01 for f in layer["filters"]]
        fractions[layer["name"]] = (sum(dead) / len(dead), sum(rare) / len(rare))
    return fractions


def check_fractions(document, folder, limit=LIMIT):
    for checkpoint in document["checkpoints"]:
        want = scan_fractions(checkpoint["path"], folder, limit)
        for layer in checkpoint["layers"]:
            if layer["name"] not in want:
                assert layer["dead_filter_fraction"] is None, layer  # no maps: no filter fractions
                continue
            got = (layer["dead_filter_fraction"], layer["rarely_active_filter_fraction"])
            assert got == want[layer["name"]], (checkpoint["path"], layer["name"], got, want[layer["name"]])


def hooked(path, x, names):
    scripted, _ = card_of(path)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../resources/models"))
    from train_fashion_cnn import FashionCNN
    model = FashionCNN()
    model.load_state_dict(scripted.state_dict())
    model.eval()
    outputs = {}
    for name, module in model.named_modules():
        if name in names:
            module.register_forward_hook(lambda m, i, o, name=name: outputs.setdefault(name, []).append(o.clone()))
    with torch.no_grad():
        logits = torch.cat([model(x[first:first + BATCH]) for first in range(0, len(x), BATCH)])
    return {name: torch.cat(parts).numpy() for name, parts in outputs.items()}, logits


def check_shipped_run(folder):
    document = timeline([RUN], os.path.join(folder, "shipped"))
    paths = [os.path.basename(c["path"]) for c in document["checkpoints"]]
    assert paths == sorted(paths, key=lambda p: int(p[5:-3])), paths
    assert document["images"] == 960 and document["dropped"] == 40 and document["batch"] == 64, document["images"]
    pixels, labels = dataset()
    _, card = card_of(os.path.join(RUN, paths[-1]))
    x = (pixels - card["mean"][0]) / card["std"][0]
    names = ["conv1", "relu2", "conv4", "relu5"]
    final, _ = hooked(document["checkpoints"][-1]["path"], x, names)
    for checkpoint in document["checkpoints"]:
        outputs, logits = hooked(checkpoint["path"], x, names)
        accuracy = float((logits.argmax(1).numpy() == labels).mean())
        assert abs(checkpoint["accuracy"] - accuracy) <= 1 / 500, (checkpoint["path"], checkpoint["accuracy"], accuracy)
        by_name = {layer["name"]: layer for layer in checkpoint["layers"]}
        want = minibatch_cka([outputs[name] for name in names], [final[name] for name in names], LIMIT, BATCH)
        for i, name in enumerate(names):
            assert abs(by_name[name]["cka_to_final"] - want[i, i]) <= 1e-4, (checkpoint["path"], name, by_name[name],
                                                                               want[i, i])
    check_fractions(document, folder)
    first, last = document["checkpoints"][0]["accuracy"], document["checkpoints"][-1]["accuracy"]
    print(f"shipped run: {len(paths)} checkpoints, accuracy {first:.3f} -> {last:.3f}, as PyTorch and scan say")


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 4, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        x = self.relu2(self.conv2(self.relu1(self.conv1(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def save_dying_run(folder):
    """epoch_1: no filter dead; epoch_2: conv1 filter 0 dead; epoch_10: filters 0-2 dead, filter 3 rarely active."""
    torch.manual_seed(5)
    model = Small().eval()
    card = {"name": "dying", "input": {"channels": 1, "height": 28, "width": 28}, "mean": [0.0], "std": [1.0],
            "labels": [str(i) for i in range(10)]}
    pixels, _ = dataset()
    with torch.no_grad():
        model.conv1.weight.abs_()          # positive weights: the map's peak grows with the image's brightest patch
        model.conv1.bias.fill_(0.01)
        peaks = torch.nn.functional.conv2d(pixels[:200], model.conv1.weight[3:4], padding=1).amax(dim=(1, 2, 3))
    run_dir = os.path.join(folder, "dying")
    os.makedirs(run_dir)
    for name, dead in (("epoch_1", 0), ("epoch_2", 1), ("epoch_10", 3)):
        with torch.no_grad():
            model.conv1.bias[:dead] = -1000.0
            if dead == 3:  # active on the 1 image of the first 200 with the brightest patch: 0.5 % of them
                model.conv1.bias[3] = -float(peaks.sort().values[-2] + peaks.sort().values[-1]) / 2
        torch.jit.save(torch.jit.script(model), os.path.join(run_dir, name + ".pt"),
                       _extra_files={"actscope.json": json.dumps(card)})
    return run_dir


def check_dying_run(folder):
    run_dir = save_dying_run(folder)
    document = timeline([run_dir], os.path.join(folder, "dying_out"), limit=200)
    assert [os.path.basename(c["path"]) for c in document["checkpoints"]] == ["epoch_1.pt", "epoch_2.pt", "epoch_10.pt"]
    conv1 = [next(l for l in c["layers"] if l["name"] == "relu1") for c in document["checkpoints"]]
    assert [l["dead_filter_fraction"] for l in conv1] == [0.0, 1 / 8, 3 / 8], conv1
    assert conv1[2]["rarely_active_filter_fraction"] == 1 / 8, conv1[2]
    check_fractions(document, folder, limit=200)
    given = timeline([os.path.join(run_dir, "epoch_10.pt"), os.path.join(run_dir, "epoch_1.pt")],
                     os.path.join(folder, "given"), limit=64)
    assert [os.path.basename(c["path"]) for c in given["checkpoints"]] == ["epoch_10.pt", "epoch_1.pt"]
    target = os.path.join(folder, "refused")
    other = run("timeline", "--checkpoints", os.path.join(run_dir, "epoch_1.pt"), os.path.join(RUN, "step_0000.pt"),
                "--dataset", DATA, "--limit", "64", "--out", target, expect=1)
    assert "epoch_1.pt" in other.stderr and "one model" in other.stderr, other.stderr
    assert not os.path.exists(target), "a refused timeline wrote its folder"
    print("a run whose filters die: dead 0, 1/8, 3/8 and rarely active 1/8, as built and as scan says")


def main():
    with tempfile.TemporaryDirectory() as folder:
        check_shipped_run(folder)
        check_dying_run(folder)
    print("timeline agrees with PyTorch, NumPy and scan")


if __name__ == "__main__":
    main()
