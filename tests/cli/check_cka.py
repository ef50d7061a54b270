#!/usr/bin/python3
"""Checks `actscope-cli cka` and `merge` of CKA shards against NumPy.

    check_cka.py CLI MODEL FASHION_MNIST_DIR

1. The bundled model (A) against a probe model of another architecture (B,
   built here) over the first 600 Fashion-MNIST test images in batches of 64
   (9 batches, the last 24 images dropped): every entry of cka.json's matrix
   equals a NumPy implementation of the minibatch unbiased estimator
   (Nguyen et al. 2021, eq. 3; cka_reference.py) within 1e-4, on layer outputs recorded by
   PyTorch forward hooks (with .clone()); functional layers are computed from
   the module before them as the model does (max_pool2d, the pooled and
   flattened features).
2. A model against a copy of itself (loaded and run twice): 1 on the diagonal
   within 1e-5. A B without a card is fed as A is, the card flags included.
3. The merge of 3 shards (whole batches j % 3 == k) equals one run within
   1e-6; a shard from a Slurm array task is the one --shard gives.
4. Refusals: a missing shard, a shard whose models were fed otherwise, fewer
   images than one batch, an atlas mixed with CKA shards, B fed
   differently from A without --b-uses-own-card, an unknown layer, a batch
   under 4: exit code 1 (2 for bad usage) naming what is wrong, nothing written.
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
import torch.nn.functional as F
from torch import nn

from cka_reference import minibatch_cka

CLI, MODEL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
LIMIT, BATCH = 600, 64


def run(*args, expect=0, env=None):
    done = subprocess.run([CLI, *args], capture_output=True, text=True, env=env)
    assert done.returncode == expect, (args, done.returncode, done.stderr)
    return done


def test_images():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:LIMIT]


class Probe(nn.Module):
    """Another architecture: wider strides, a ReLU6, a sigmoid and a linear head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 12, 5, stride=2, padding=2)
        self.act = nn.ReLU6()
        self.mix = nn.Conv2d(12, 16, 3, padding=1)
        self.gate = nn.Sigmoid()
        self.head = nn.Linear(16 * 14 * 14, 10)

    def forward(self, x):
        x = self.gate(self.mix(self.act(self.stem(x))))
        return self.head(torch.flatten(x, 1))


def save_probe(folder):
    torch.manual_seed(11)
    card = {"name": "cka_probe", "input": {"channels": 1, "height": 28, "width": 28},
            "mean": [0.5], "std": [0.25], "labels": [f"class {i}" for i in range(10)]}
    path = os.path.join(folder, "probe.pt")
    torch.jit.save(torch.jit.script(Probe().eval()), path, _extra_files={"actscope.json": json.dumps(card)})
    return path, card


def fashion_outputs(x):
    """The bundled model's outputs by layer name, as actscope names them."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(MODEL)))
    from train_fashion_cnn import FashionCNN
    model = FashionCNN()
    model.load_state_dict(torch.jit.load(MODEL).state_dict())
    model.eval()
    outputs = hooked(model, x)
    outputs[":max_pool2d"] = F.max_pool2d(torch.from_numpy(outputs["relu2"]), 2).numpy()
    outputs[":max_pool2d#2"] = F.max_pool2d(torch.from_numpy(outputs["relu4"]), 2).numpy()
    outputs[":flatten"] = outputs["relu5"].mean(axis=(2, 3))
    return outputs


def probe_outputs(path, x):
    model = Probe()
    model.load_state_dict(torch.jit.load(path).state_dict())
    model.eval()
    outputs = hooked(model, x)
    outputs[":flatten"] = outputs["gate"].reshape(len(x), -1)
    return outputs


def hooked(model, x):
    outputs = {}
    for name, module in model.named_modules():
        if name:
            module.register_forward_hook(lambda m, i, o, name=name: outputs.setdefault(name, []).append(o.clone()))
    with torch.no_grad():
        for first in range(0, len(x), BATCH):
            model(x[first:first + BATCH])
    return {name: torch.cat(parts).numpy() for name, parts in outputs.items()}


def read(folder):
    with open(os.path.join(folder, "cka.json")) as f:
        return json.load(f)


def matrix(document):
    return np.array([[np.nan if v is None else v for v in row] for row in document["cka"]], dtype=np.float64)


def check_against_numpy(folder, probe, card):
    out = os.path.join(folder, "a_vs_probe")
    done = run("cka", "--model", MODEL, "--model", probe, "--dataset", DATA, "--limit", str(LIMIT), "--out", out,
               "--quiet", "--b-uses-own-card")
    assert "the last 24 images" in done.stderr, done.stderr
    document = read(out)
    assert document["images"] == 576 and document["dropped"] == 24 and document["batch"] == 64, document["images"]
    pixels = torch.from_numpy(test_images().astype(np.float32) / 255.0)[:, None]
    extra = {"actscope.json": ""}
    torch.jit.load(MODEL, _extra_files=extra)
    a_card = json.loads(extra["actscope.json"])
    a_out = fashion_outputs((pixels - a_card["mean"][0]) / a_card["std"][0])
    b_out = probe_outputs(probe, (pixels - card["mean"][0]) / card["std"][0])
    want = minibatch_cka([a_out[n] for n in document["layers_a"]], [b_out[n] for n in document["layers_b"]], LIMIT,
                         BATCH)
    got = matrix(document)
    assert got.shape == want.shape, (got.shape, want.shape)
    worst = float(np.max(np.abs(got - want)))
    assert worst <= 1e-4, f"CKA differs from NumPy's by {worst}"
    with open(os.path.join(out, "cka.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", "cka.png is not a PNG"
    print(f"{got.size} layer pairs ({len(document['layers_a'])} x {len(document['layers_b'])}) within {worst:.2e} of NumPy")
    return out


def check_self(folder):
    """A model against a copy of itself at another path: both loaded and run, the diagonal 1."""
    copy = os.path.join(folder, "copy.pt")
    shutil.copyfile(MODEL, copy)
    out = os.path.join(folder, "self")
    run("cka", "--model", MODEL, "--model", copy, "--dataset", DATA, "--limit", "256", "--out", out, "--quiet")
    diagonal = np.diag(matrix(read(out)))
    assert np.all(np.abs(diagonal - 1.0) <= 1e-5), diagonal


def check_cardless_b(folder, probe):
    """A B without a card is fed as A is, card flags included."""
    scripted = torch.jit.load(probe)
    bare = os.path.join(folder, "bare.pt")
    torch.jit.save(scripted, bare)
    out = os.path.join(folder, "bare_out")
    run("cka", "--model", MODEL, "--model", bare, "--dataset", DATA, "--limit", "64", "--mean", "0.3", "--std", "0.3",
        "--out", out, "--quiet")
    document = read(out)
    assert document["model_b"]["input"] == document["model_a"]["input"], (document["model_a"], document["model_b"])
    assert "mean 0.3, std 0.3" in document["model_a"]["input"], document["model_a"]


def check_shards(folder, probe, whole_dir):
    common = ["--model", MODEL, "--model", probe, "--dataset", DATA, "--limit", str(LIMIT), "--quiet",
              "--b-uses-own-card"]
    parts = []
    for k in range(3):
        parts.append(os.path.join(folder, f"part{k}"))
        run("cka", *common, "--shard", f"{k}/3", "--out", parts[-1])
        assert read(parts[-1])["batches"] == 3, read(parts[-1])["batches"]
    slurm = dict(os.environ, SLURM_ARRAY_TASK_ID="12", SLURM_ARRAY_TASK_MIN="10", SLURM_ARRAY_TASK_STEP="2",
                 SLURM_ARRAY_TASK_COUNT="3")
    run("cka", *common, "--out", os.path.join(folder, "slurm"), env=slurm)
    assert read(os.path.join(folder, "slurm"))["hsic"] == read(parts[1])["hsic"], "the Slurm task is not shard 1/3"
    merged = os.path.join(folder, "merged")
    run("merge", "--out", merged, *parts)
    whole, joined = read(whole_dir), read(merged)
    worst = float(np.max(np.abs(matrix(whole) - matrix(joined))))
    assert worst <= 1e-6, f"the merge of 3 shards differs from one run by {worst}"
    assert joined["images"] == whole["images"] and joined["batches"] == 9, joined["images"]
    return parts


def check_refusals(folder, probe, parts):
    target = os.path.join(folder, "refused")
    missing = run("merge", "--out", target, parts[0], parts[2], expect=1)
    assert "shard 1 of 3 is missing" in missing.stderr, missing.stderr
    fed_otherwise = os.path.join(folder, "fed_otherwise")
    run("cka", "--model", MODEL, "--model", probe, "--dataset", DATA, "--limit", str(LIMIT), "--b-uses-own-card",
        "--mean", "0.4", "--shard", "1/3", "--out", fed_otherwise, "--quiet")
    other = run("merge", "--out", target, parts[0], fed_otherwise, parts[2], expect=1)
    assert "models fed other inputs" in other.stderr, other.stderr
    few = run("cka", "--model", MODEL, "--model", MODEL, "--dataset", DATA, "--limit", "10", "--out", target, expect=1)
    assert "10 images make no batch of 64" in few.stderr, few.stderr
    atlas = os.path.join(folder, "atlas")
    run("scan", "--model", MODEL, "--dataset", DATA, "--limit", "64", "--out", atlas, "--quiet")
    mixed = run("merge", "--out", target, parts[0], atlas, expect=1)
    assert "cannot be merged with" in mixed.stderr, mixed.stderr
    fed = run("cka", "--model", MODEL, "--model", probe, "--dataset", DATA, "--limit", "64", "--out", target, expect=1)
    assert "--b-uses-own-card" in fed.stderr and probe in fed.stderr and "mean 0.5, std 0.25" in fed.stderr, fed.stderr
    # The card flags apply to both models: then they are fed alike.
    run("cka", "--model", MODEL, "--model", probe, "--dataset", DATA, "--limit", "64", "--mean", "0.3", "--std", "0.3",
        "--out", os.path.join(folder, "both_flagged"), "--quiet")
    unknown = run("cka", "--model", MODEL, "--model", MODEL, "--dataset", DATA, "--layer-b", "conv9", "--out", target,
                  expect=1)
    assert "conv9" in unknown.stderr, unknown.stderr
    run("cka", "--model", MODEL, "--model", MODEL, "--dataset", DATA, "--batch", "3", "--out", target, expect=2)
    assert not os.path.exists(target), "a refused run wrote its folder"


def main():
    with tempfile.TemporaryDirectory() as folder:
        probe, card = save_probe(folder)
        whole = check_against_numpy(folder, probe, card)
        check_self(folder)
        check_cardless_b(folder, probe)
        parts = check_shards(folder, probe, whole)
        check_refusals(folder, probe, parts)
    print("cka and merge agree with NumPy and with each other")


if __name__ == "__main__":
    main()
