#!/usr/bin/python3
"""Checks `actscope-cli visualize` against PyTorch.

    check_visualize.py CLI MODEL FASHION_MNIST_DIR

1. For two layers of the bundled model (trained on Fashion-MNIST), relu2 (32
   filters) and relu4 (64), every filter's image (512 steps, seed 0, --npy):
   each .npy, fed to the model in Python (the eager model with the TorchScript
   file's weights, forward hooks with .clone(); the TorchScript model's
   logits on it are checked equal to the eager ones), makes the filter's mean
   activation larger than its largest mean activation over the first 2,000
   Fashion-MNIST test images, for at least 85% of the filters not dead on
   both; the value manifest.json reports equals Python's within 1e-4 relative.
   The PNG holds the .npy's pixels (un-normalized, times 255, rounded); the
   manifest names the model by its SHA-256 (hashlib).
2. The same command with the same seed writes the same bytes; another seed
   another image; a filter optimized alone, or in batches of other sizes,
   gives the same bytes as in one batch.
3. The neuron, layer and negative objectives report what Python computes on
   their .npy; a negative image drives its filter below the positive one's.
4. A bad layer, filter or unit: exit 1 naming it, nothing written.
"""

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

CLI, MODEL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
IMAGES = 2000
LAYERS = {"relu2": 32, "relu4": 64}


def run(*args, expect=0):
    done = subprocess.run([CLI, "visualize", "--model", MODEL, "--quiet", *args], capture_output=True, text=True)
    assert done.returncode == expect, (args, done.returncode, done.stderr)
    return done


def card():
    extra = {"actscope.json": ""}
    torch.jit.load(MODEL, _extra_files=extra)
    return json.loads(extra["actscope.json"])


def eager_model():
    """The eager model (hooks need it) carrying the TorchScript model's weights."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(MODEL)))
    sys.dont_write_bytecode = True
    from train_fashion_cnn import FashionCNN
    scripted = torch.jit.load(MODEL)
    model = FashionCNN()
    model.load_state_dict(scripted.state_dict())
    return model.eval(), scripted.eval()


class Hooked:
    """Layer outputs of the eager model, recorded by forward hooks with .clone()."""

    def __init__(self):
        self.model, self.scripted = eager_model()
        self.outputs = {}
        for name in ["relu2", "relu4", "relu3"]:
            getattr(self.model, name).register_forward_hook(
                lambda m, i, o, name=name: self.outputs.__setitem__(name, o.clone()))

    def __call__(self, x, check_scripted=False):
        with torch.no_grad():
            logits = self.model(x)
            if check_scripted:
                expected = self.scripted(x)
                assert torch.allclose(logits, expected, rtol=1e-5, atol=1e-5), "eager and TorchScript differ"
        return {name: value.double() for name, value in self.outputs.items()}


def dataset_maxima(hooked):
    """Per layer: each filter's largest mean activation over the test images."""
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:IMAGES]
    c = card()
    x = (torch.from_numpy(images.astype(np.float32) / 255.0)[:, None] - c["mean"][0]) / c["std"][0]
    maxima = {}
    for first in range(0, IMAGES, 250):
        outputs = hooked(x[first:first + 250])
        for layer in LAYERS:
            means = outputs[layer].mean((2, 3)).max(0).values
            maxima[layer] = means if layer not in maxima else torch.maximum(maxima[layer], means)
    return maxima


def read_run(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        return json.load(f)


def npy_input(path):
    array = np.load(path)
    assert array.dtype == np.float32 and array.ndim == 3, (array.dtype, array.shape)
    return torch.from_numpy(array)[None]


def close(actual, expected):
    return abs(actual - expected) <= 1e-4 * max(abs(expected), 1e-3)


def check_layers(folder, hooked):
    maxima = dataset_maxima(hooked)
    with open(MODEL, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    c = card()
    for layer, filters in LAYERS.items():
        out = os.path.join(folder, layer)
        run("--layer", layer, "--npy", "--out", out)
        manifest = read_run(out)
        assert manifest["model"]["sha256"] == digest, manifest["model"]
        entries = manifest["filters"]
        assert [e["filter"] for e in entries] == list(range(filters)), entries
        wins = counted = 0
        for entry in entries:
            x = npy_input(entry["npy"])
            value = hooked(x, check_scripted=entry["filter"] % 8 == 0)[layer][0, entry["filter"]].mean().item()
            assert close(entry["objective"], value), (layer, entry, value)
            best = maxima[layer][entry["filter"]].item()
            if value <= 0 and best <= 0:
                continue  # dead on both
            counted += 1
            wins += value > best
            pixels = np.asarray(Image.open(entry["png"]).convert("L"), dtype=np.float64)
            expected = np.round(np.clip(x[0, 0].double().numpy() * c["std"][0] + c["mean"][0], 0, 1) * 255)
            assert np.abs(pixels - expected).max() <= 1, (entry["png"], np.abs(pixels - expected).max())
        share = wins / counted
        print(f"{layer}: {wins} of {counted} filters not dead on both respond more to their image than to any of "
              f"{IMAGES} test images ({share:.0%}); reported values equal PyTorch's within 1e-4")
        assert counted >= filters // 2 and share >= 0.85, (layer, wins, counted)


def check_determinism(folder):
    args = ["--layer", "relu3", "--filters", "0-5", "--steps", "512", "--npy"]
    for name, seed in [("a", "7"), ("b", "7"), ("c", "8")]:
        run(*args, "--seed", seed, "--out", os.path.join(folder, name))
    run("--layer", "relu3", "--filter", "3", "--steps", "512", "--npy", "--seed", "7",
        "--out", os.path.join(folder, "alone"))
    run("--layer", "relu3", "--filters", "0-5", "--batch", "4", "--steps", "512", "--npy", "--seed", "7",
        "--out", os.path.join(folder, "by4"))
    read = lambda name, f, ext: open(os.path.join(folder, name, "relu3", f"{f}.{ext}"), "rb").read()
    for f in range(6):
        assert read("a", f, "png") == read("b", f, "png") and read("a", f, "npy") == read("b", f, "npy"), f
        assert read("a", f, "npy") != read("c", f, "npy"), f
    # LibTorch (oneDNN) computes each image of a batch alike whatever its
    # batch-mates; a single image runs beside a copy of itself for that.
    assert read("alone", 3, "npy") == read("a", 3, "npy"), "filter 3 alone differs from filter 3 among 0-5"
    for f in range(6):
        assert read("by4", f, "npy") == read("a", f, "npy"), f"filter {f} in batches of 4 differs"
    print("same seed: same bytes; another seed: another image; a filter alone, in a batch of 6 or in batches "
          "of 4 and 2: the same bytes")


def check_objectives(folder, hooked):
    def value_of(name, *args):
        out = os.path.join(folder, name)
        run("--layer", "relu3", "--steps", "128", "--npy", "--out", out, *args)
        entry = read_run(out)["filters"][0]
        return entry, hooked(npy_input(entry["npy"]))["relu3"][0]

    entry, maps = value_of("neuron", "--filter", "5", "--objective", "neuron", "--unit", "3,9")
    assert close(entry["objective"], maps[5, 3, 9].item()), (entry, maps[5, 3, 9])
    entry, maps = value_of("centre", "--filter", "5", "--objective", "neuron")
    assert close(entry["objective"], maps[5, 7, 7].item()), (entry, maps[5, 7, 7])
    assert read_run(os.path.join(folder, "centre"))["parameters"]["unit"] == [7, 7]
    entry, maps = value_of("layer", "--objective", "layer")
    assert entry["filter"] is None and entry["png"].endswith("layer.png")
    assert close(entry["objective"], maps.mean().item()), (entry, maps.mean())
    positive, _ = value_of("positive", "--filter", "5")
    negative, maps = value_of("negative", "--filter", "5", "--negative")
    assert close(negative["objective"], maps[5].mean().item()), (negative, maps[5].mean())
    assert negative["objective"] < positive["objective"], (negative, positive)
    print("neuron (given and centre), layer and negative objectives report PyTorch's values")


def check_refusals(folder):
    cases = [(["--layer", "relu9"], "relu9"), (["--layer", "relu3", "--filter", "64"], "filter 64"),
             (["--layer", "relu3", "--filters", "60-70"], "(0..63)"),
             (["--layer", "relu3", "--filters", "0-2000000000"], "(0..63)"),
             (["--layer", "relu3", "--objective", "layer", "--filter", "2"], "no --filter"),
             (["--layer", "relu3", "--filter", "1", "--size", "0x28"], "--size '0x28'"),
             (["--layer", "relu3", "--filter", "1", "--objective", "neuron", "--unit", "14,0"], "unit 14,0"),
             (["--layer", "fc", "--filter", "1", "--objective", "neuron"], "fc")]
    for args, named in cases:
        out = os.path.join(folder, "refused")
        done = run(*args, "--steps", "2", "--out", out, expect=1)
        assert named in done.stderr, (args, done.stderr)
        assert not os.path.exists(out) or not os.listdir(out), os.listdir(out)
    print("a bad layer, filter or unit: exit 1 naming it, nothing written")


def main():
    hooked = Hooked()
    with tempfile.TemporaryDirectory() as folder:
        check_refusals(folder)
        check_objectives(folder, hooked)
        check_determinism(folder)
        check_layers(folder, hooked)


if __name__ == "__main__":
    main()
