#!/usr/bin/python3
"""Checks `actscope-cli scan` and `merge` against PyTorch itself.

    check_scan.py CLI MODEL FASHION_MNIST_DIR

1. On the bundled model and a probe model built here (a conv filter dead on
   every image, a ReLU6 and a Sigmoid that saturate), over the first 1,000
   Fashion-MNIST test images: every filter statistic and top list of every
   module layer equals what Python forward hooks (with .clone()) compute.
2. The merge of 3 shards equals one run: the same counts, histograms and top
   lists, sums equal up to float rounding; a Slurm array task and a
   Kubernetes Indexed Job pick the shard --shard gives.
3. `--crops` writes each filter's top images cut to the receptive field of
   the unit where its map peaks (gray outside the image), as a 3x3 tile,
   pixel for pixel what Python cuts from the IDX images with the field
   `layers --json` reports.
4. merge refuses a missing shard, a repeated shard and a shard of another
   model, with exit code 1 and a message naming the shard, and writes nothing.
Every atlas.json (scans, shards, merges) names the model with its sha256: the
file's own, computed here by hashlib.
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
from torch import nn

CLI, MODEL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
LIMIT, BATCH, TOP_K = 1000, 32, 9
EDGES = np.array([-(10 ** (k / 4)) for k in range(16, -13, -1)] + [0.0] + [10 ** (k / 4) for k in range(-12, 17)])


def run(*args, expect=0, env=None):
    done = subprocess.run([CLI, *args], capture_output=True, text=True, env=env)
    assert done.returncode == expect, (args, done.returncode, done.stderr)
    return done


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def names_model(atlas, path):
    """The atlas names the model file `path` with hashlib's digest of it."""
    model = atlas["model"]
    assert os.path.abspath(model["path"]) == os.path.abspath(path), (model, path)
    assert model["sha256"] == sha256_of(path), (model, path, sha256_of(path))


def images_and_labels():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:LIMIT]
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:LIMIT]
    return images, labels


class Probe(nn.Module):
    """Small CNN with a dead filter and two bounded activations."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.act2 = nn.ReLU6()
        self.conv3 = nn.Conv2d(8, 4, 3)
        self.gate = nn.Sigmoid()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 10)
        with torch.no_grad():
            self.conv1.bias[3] = -1000.0  # dead after relu1 on every image
            self.conv2.weight.mul_(6.0)    # often at 6 after act2
            self.conv3.weight.mul_(40.0)   # sigmoid at exactly 0 or 1 on much of the map

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.gate(self.conv3(self.act2(self.conv2(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


def save_probe(folder):
    torch.manual_seed(7)
    card = {"name": "scan_probe", "input": {"channels": 1, "height": 28, "width": 28},
            "mean": [0.5], "std": [0.25], "labels": [f"class {i}" for i in range(10)]}
    path = os.path.join(folder, "probe.pt")
    torch.jit.save(torch.jit.script(Probe().eval()), path, _extra_files={"actscope.json": json.dumps(card)})
    return path


def card_of(path):
    extra = {"actscope.json": ""}
    model = torch.jit.load(path, _extra_files=extra)
    return model, json.loads(extra["actscope.json"])


def eager_copy(scripted):
    """The eager model (hooks need it) carrying the TorchScript model's weights."""
    if scripted.original_name == "Probe":
        model = Probe()
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(MODEL)))
        from train_fashion_cnn import FashionCNN
        model = FashionCNN()
    model.load_state_dict(scripted.state_dict())
    return model.eval()


def hooked_maps(path, images):
    """Module name -> [N, C, H, W] float32 outputs, recorded by hooks with .clone()."""
    scripted, card = card_of(path)
    model = eager_copy(scripted)
    eager = dict(model.named_modules())
    outputs = {}
    x = (torch.from_numpy(images.astype(np.float32) / 255.0)[:, None] - card["mean"][0]) / card["std"][0]
    for name, module in eager.items():
        if name:
            module.register_forward_hook(lambda m, i, o, name=name: outputs.setdefault(name, []).append(o.clone()))
    with torch.no_grad():
        for first in range(0, len(x), BATCH):
            model(x[first:first + BATCH])
    return {name: torch.cat(parts).numpy() for name, parts in outputs.items() if parts[0].dim() == 4}


def expected_filter(maps, labels, classes, bounds):
    """The statistics of one filter's maps [N, H, W], as the atlas defines them."""
    flat = maps.reshape(len(maps), -1)
    peaks = flat.argmax(axis=1)  # the first maximum in row-major order
    maxima = flat[np.arange(len(flat)), peaks]
    means = flat.astype(np.float64).mean(axis=1)
    stats = {"dead_fraction": float(np.mean(maxima <= 0)),
             "active_fraction": float(np.mean((flat > 0).mean(axis=1))),
             "mean": float(means.mean()), "max": float(maxima.max()),
             "histogram": np.bincount(np.searchsorted(EDGES, maxima, side="right"), minlength=len(EDGES) + 1)}
    if bounds is not None:
        at_bound = (np.abs(flat - bounds[0]) <= 1e-6) | (np.abs(flat - bounds[1]) <= 1e-6)
        stats["saturated_fraction"] = float(at_bound.mean())
    stats["class_mean"] = [float(means[labels == k].mean()) for k in range(classes)]
    order = sorted(range(len(maxima)), key=lambda i: (-float(maxima[i]), i))[:TOP_K]
    width = maps.shape[2]
    stats["top"] = [(i, float(maxima[i]), int(peaks[i]) // width, int(peaks[i]) % width) for i in order]
    return stats


def close(a, b, tolerance=1e-5):
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def same_top(got, want):
    """Equal top lists: the same images and positions rank by rank, values equal
    up to float rounding; two images may swap only when their values tie to
    within that rounding."""
    if len(got) != len(want):
        return False
    wanted = {image: (value, y, x) for image, value, y, x in want}
    for (image, value, y, x), (want_image, want_value, _, _) in zip(got, want):
        if not close(value, want_value):
            return False
        if image != want_image and (image not in wanted or not close(wanted[image][0], want_value)):
            return False
        if image in wanted and wanted[image][1:] != (y, x):
            return False
    return True


def compare_layer(layer, maps, labels, problems):
    bounds = layer["bounds"]
    for entry in layer["filters"]:
        c = entry["filter"]
        want = expected_filter(maps[:, c], labels, len(entry.get("class_mean", [])), bounds)
        where = f"{layer['name']} filter {c}"
        for key in ("dead_fraction", "active_fraction", "mean", "max", "saturated_fraction"):
            if key in want and not close(entry[key], want[key]):
                problems.append(f"{where}: {key} {entry[key]} != {want[key]}")
        if entry["histogram"] != want["histogram"].tolist():
            problems.append(f"{where}: histogram differs")
        for got, expected in zip(entry.get("class_mean", []), want["class_mean"]):
            if not close(got, expected):
                problems.append(f"{where}: class mean {got} != {expected}")
        top = [(u["image"], u["value"], u["y"], u["x"]) for u in entry["top"]]
        if not same_top(top, want["top"]):
            problems.append(f"{where}: top {top[:3]}... != {want['top'][:3]}...")


def check_against_hooks(path, folder, labels, images):
    out = os.path.join(folder, "scan_" + os.path.basename(path))
    run("scan", "--model", path, "--dataset", DATA, "--limit", str(LIMIT), "--batch", str(BATCH), "--out", out,
        "--quiet")
    atlas = json.load(open(os.path.join(out, "atlas.json")))
    names_model(atlas, path)
    maps = hooked_maps(path, images)
    problems, compared = [], 0
    for layer in atlas["layers"]:
        if layer["name"] in maps:
            compare_layer(layer, maps[layer["name"]], labels, problems)
            compared += 1
    assert compared >= 3, f"only {compared} layers of {path} compared"
    assert not problems, "\n".join(problems[:20])
    print(f"{os.path.basename(path)}: {compared} layers equal the hooks over {LIMIT} images")
    return atlas, out


def check_probe_flags(atlas):
    layers = {layer["name"]: layer for layer in atlas["layers"]}
    assert layers["relu1"]["flags"]["dead"] == [3], layers["relu1"]["flags"]
    assert layers["act2"]["bounds"] == [0, 6] and layers["gate"]["bounds"] == [0, 1]
    assert max(f["saturated_fraction"] for f in layers["act2"]["filters"]) > 0.05
    assert layers["gate"]["flags"]["saturated"], "no sigmoid filter flagged saturated"
    assert layers["conv1"]["bounds"] is None and "saturated_fraction" not in layers["conv1"]["filters"][0]


def without_sums(atlas):
    """The atlas with sums and the values derived from them rounded (they may differ by rounding)."""
    for layer in atlas["layers"]:
        for entry in layer["filters"]:
            sums = entry.pop("sums")
            assert sums["dead_images"] == round(entry["dead_fraction"] * layer["images"])
            for key in ("active_fraction", "mean", "selectivity", "saturated_fraction"):
                if key in entry:
                    entry[key] = round(entry[key], 9)
            entry["class_mean"] = [round(v, 9) for v in entry.get("class_mean", [])]
    return atlas


def check_shards(folder, whole_dir):
    parts = []
    for k in range(3):
        parts.append(os.path.join(folder, f"shard{k}"))
        run("scan", "--model", MODEL, "--dataset", DATA, "--limit", str(LIMIT), "--shard", f"{k}/3", "--out",
            parts[-1], "--quiet")
    merged = os.path.join(folder, "merged")
    run("merge", "--out", merged, *parts)
    whole = without_sums(json.load(open(os.path.join(whole_dir, "atlas.json"))))
    for part in (*parts, merged):
        names_model(json.load(open(os.path.join(part, "atlas.json"))), MODEL)
    joined = without_sums(json.load(open(os.path.join(merged, "atlas.json"))))
    assert joined == whole, "the merge of 3 shards differs from one run"
    shard = json.load(open(os.path.join(parts[1], "atlas.json")))
    assert shard["shard"] == {"index": 1, "count": 3} and shard["layers"][0]["images"] == 333

    # A Slurm array 10-14:2 (tasks 10, 12, 14): task 12 is shard 1 of 3; Kubernetes index 1 of 3 too.
    slurm = dict(os.environ, SLURM_ARRAY_TASK_ID="12", SLURM_ARRAY_TASK_MIN="10", SLURM_ARRAY_TASK_STEP="2",
                 SLURM_ARRAY_TASK_COUNT="3")
    kubernetes = dict(os.environ, JOB_COMPLETION_INDEX="1")
    for name, env, extra in (("slurm", slurm, []), ("k8s", kubernetes, ["--shards", "3"])):
        out = os.path.join(folder, name)
        run("scan", "--model", MODEL, "--dataset", DATA, "--limit", str(LIMIT), "--out", out, "--quiet", *extra,
            env=env)
        assert json.load(open(os.path.join(out, "atlas.json"))) == shard, f"{name} picked another shard"
    return parts


def check_refusals(folder, parts, probe_dir):
    target = os.path.join(folder, "refused")
    missing = run("merge", "--out", target, parts[0], parts[2], expect=1)
    assert "shard 1 of 3 is missing" in missing.stderr, missing.stderr
    repeated = run("merge", "--out", target, parts[0], parts[1], parts[1], parts[2], expect=1)
    assert "shard 1 is given twice" in repeated.stderr, repeated.stderr
    other = os.path.join(folder, "other_model")
    run("scan", "--model", probe_dir, "--dataset", DATA, "--limit", str(LIMIT), "--shard", "1/3", "--out", other,
        "--quiet")
    names_model(json.load(open(os.path.join(other, "atlas.json"))), probe_dir)
    foreign = run("merge", "--out", target, parts[0], other, parts[2], expect=1)
    assert "shard 1 cannot be merged: it was scanned with another model" in foreign.stderr, foreign.stderr
    assert not os.path.exists(target), "a refused merge wrote its folder"
    bad = run("scan", "--model", MODEL, "--dataset", DATA, "--shard", "3/3", "--out", target, expect=2)
    assert "--shard '3/3'" in bad.stderr, bad.stderr


def check_crops(folder, images):
    """The crops tile of a few relu3 and relu5 filters, rebuilt here."""
    from PIL import Image
    out = os.path.join(folder, "crops_run")
    run("scan", "--model", MODEL, "--dataset", DATA, "--limit", str(LIMIT), "--layer", "relu3", "--layer", "relu5",
        "--crops", "--out", out, "--quiet")
    atlas = json.load(open(os.path.join(out, "atlas.json")))
    names_model(atlas, MODEL)
    fields = {layer["name"]: layer["receptive_field"]
              for layer in json.loads(run("layers", "--model", MODEL, "--json").stdout)}
    checked = 0
    for layer in atlas["layers"]:
        field = fields[layer["name"]]
        size, stride, start = field["size"], field["stride"], field["start"]
        for f in (0, 5, len(layer["filters"]) - 1):
            crops = []
            for top in layer["filters"][f]["top"]:
                crop = np.full((size[0], size[1]), 128, np.uint8)
                r0, c0 = start[0] + top["y"] * stride[0], start[1] + top["x"] * stride[1]
                for r in range(max(r0, 0), min(r0 + size[0], 28)):
                    for c in range(max(c0, 0), min(c0 + size[1], 28)):
                        crop[r - r0, c - c0] = images[top["image"]][r, c]
                crops.append(crop)
            factor = max(1, -(-64 // max(size)))
            side = max(size) * factor
            columns = int(np.ceil(np.sqrt(len(crops))))
            rows = -(-len(crops) // columns)
            tile = np.full((rows * side + (rows + 1) * 2, columns * side + (columns + 1) * 2), 40, np.uint8)
            for i, crop in enumerate(crops):
                big = np.kron(crop, np.ones((factor, factor), np.uint8))
                top_edge = 2 + (i // columns) * (side + 2) + (side - big.shape[0]) // 2
                left = 2 + (i % columns) * (side + 2) + (side - big.shape[1]) // 2
                tile[top_edge:top_edge + big.shape[0], left:left + big.shape[1]] = big
            written = np.asarray(Image.open(os.path.join(out, "crops", layer["name"], f"{f}.png")).convert("RGB"))
            assert written.shape[:2] == tile.shape, (layer["name"], f, written.shape, tile.shape)
            for channel in range(3):
                assert np.array_equal(written[:, :, channel], tile), (layer["name"], f, "crop pixels differ")
            checked += 1
        assert len(os.listdir(os.path.join(out, "crops", layer["name"]))) == len(layer["filters"])
    print(f"crops: {checked} tiles equal the IDX pixels cut to the field")


def main():
    images, labels = images_and_labels()
    with tempfile.TemporaryDirectory() as folder:
        probe = save_probe(folder)
        probe_atlas, _ = check_against_hooks(probe, folder, labels, images)
        check_probe_flags(probe_atlas)
        _, whole_dir = check_against_hooks(MODEL, folder, labels, images)
        parts = check_shards(folder, whole_dir)
        check_refusals(folder, parts, probe)
        check_crops(folder, images)
    print("scan and merge agree with PyTorch and with each other")


if __name__ == "__main__":
    main()
