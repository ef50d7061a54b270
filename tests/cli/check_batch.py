#!/usr/bin/python3
"""Drives `cam` and `activations` over many images in one run.

    check_batch.py CLI BUNDLED_MODEL SAMPLES_DIR FASHION_DIR

1. `cam` over three images, the second corrupt, two of them named x.png in
   different folders: exit code 1, a message naming the corrupt file, x.png
   and x_2.png (and their .npy) and nothing for the corrupt one; each PNG has
   the same pixels and each map equals (within 1e-6) what a one-image run
   writes; the run's manifest lists the three in order with predictions.
2. `activations` over the same three: one folder per good image, each
   holding the grids and maps a one-image run writes (same pixels, maps
   within 1e-6), and a run manifest. With --batch 2 LibTorch's convolutions
   round differently: maps within 1e-5 of the layer's largest value, under 0.5% of the grid
   pixels differ. At --threads 1 (on two or more cores a batch's files are
   then written while the next batch runs) the folders equal one-image runs
   at --threads 1.
3. `--dataset` with `--indices` names outputs t10k_<index>; `--misclassified`
   keeps only images the model gets wrong (their predictions say so). The
   folders of IDX images name the set, the index and the pixels' sha256.
4. Usage mistakes exit 2; a missing --out folder exits 1.
5. An image whose file name is not UTF-8 is written like any other (as
   caf_.png); the manifests name its source with U+FFFD for the bad byte.
Every run manifest names the model with its sha256, and each folder's
manifest the model and the image with theirs: the files' own, computed here
by hashlib.
"""

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

CLI, MODEL, SAMPLES, FASHION = sys.argv[1:5]


def run(*args, expect=0):
    result = subprocess.run([CLI, *args, "--quiet"], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"))


def same_pixels(a, b):
    pa, pb = pixels(a), pixels(b)
    assert pa.shape == pb.shape and (pa == pb).all(), (a, b, int((pa != pb).sum()))


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def names_file(entry, path):
    """A manifest's {"path", "sha256"} entry names `path` with hashlib's digest of it."""
    assert entry["path"] == os.path.abspath(path), (entry, path)
    assert entry["sha256"] == sha256_of(path), (entry, path, sha256_of(path))


def same_map(a, b):
    ma, mb = np.load(a), np.load(b)
    assert ma.shape == mb.shape, (a, b)
    assert np.abs(ma.astype(np.float64) - mb).max() <= 1e-6, (a, b, np.abs(ma - mb).max())


def main():
    work = tempfile.mkdtemp(prefix="actscope-batch-")
    try:
        samples = sorted(f for f in os.listdir(SAMPLES) if f.endswith(".png"))
        first, second = os.path.join(work, "a", "x.png"), os.path.join(work, "c", "x.png")
        for path, sample in ((first, samples[0]), (second, samples[1])):
            os.makedirs(os.path.dirname(path))
            shutil.copy(os.path.join(SAMPLES, sample), path)
        corrupt = os.path.join(work, "corrupt.png")
        with open(corrupt, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\nnot really a png")
        images = [first, corrupt, second]

        # 1. cam
        out = os.path.join(work, "cam")
        os.makedirs(out)
        args = ["cam", "--model", MODEL, "--out", out, "--npy", "--batch", "2"]
        for image in images:
            args += ["--image", image]
        result = run(*args, expect=1)
        assert "corrupt.png" in result.stderr, result.stderr
        assert sorted(os.listdir(out)) == ["manifest.json", "x.npy", "x.png", "x_2.npy", "x_2.png"], os.listdir(out)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        names_file(manifest["model"], MODEL)
        entries = manifest["images"]
        assert [e["source"] for e in entries] == images, entries
        assert "error" in entries[1] and "png" not in entries[1], entries[1]
        for entry, stem, image in ((entries[0], "x", first), (entries[2], "x_2", second)):
            assert entry["name"] == stem and entry["png"] == stem + ".png", entry
            single = os.path.join(work, "single_" + stem)
            run("cam", "--model", MODEL, "--image", image, "--out", single + ".png", "--npy", single + ".npy")
            same_pixels(os.path.join(out, stem + ".png"), single + ".png")
            same_map(os.path.join(out, stem + ".npy"), single + ".npy")
            predicted = json.loads(run("predict", "--model", MODEL, "--image", image, "--json").stdout)
            top = predicted[0]["top"][0] if isinstance(predicted, list) else predicted["images"][0]["top"][0]
            assert entry["predicted"]["index"] == top["class"], (entry, top)
            assert entry["target_class"]["index"] == top["class"], entry

        # 2. activations
        out = os.path.join(work, "activations")
        os.makedirs(out)
        args = ["activations", "--model", MODEL, "--out", out, "--npy"]
        for image in images:
            args += ["--image", image]
        result = run(*args, expect=1)
        assert "corrupt.png" in result.stderr, result.stderr
        assert sorted(os.listdir(out)) == ["manifest.json", "x", "x_2"], os.listdir(out)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        names_file(manifest["model"], MODEL)
        entries = manifest["images"]
        assert [e.get("folder") for e in entries] == ["x", None, "x_2"], entries
        for stem, image in (("x", first), ("x_2", second)):
            single = os.path.join(work, "single_activations_" + stem)
            os.makedirs(single)
            run("activations", "--model", MODEL, "--image", image, "--out", single, "--npy")
            folder = os.path.join(out, stem)
            assert sorted(os.listdir(folder)) == sorted(os.listdir(single)), (os.listdir(folder), os.listdir(single))
            for name in os.listdir(single):
                if name.endswith(".png"):
                    same_pixels(os.path.join(folder, name), os.path.join(single, name))
                elif name.endswith(".npy"):
                    same_map(os.path.join(folder, name), os.path.join(single, name))
            batched = os.path.join(work, "batched_" + stem)
            os.makedirs(batched)
            run("activations", "--model", MODEL, "--image", image, "--image", corrupt, "--image", second,
                "--out", batched, "--npy", "--batch", "3", expect=1)
            for name in os.listdir(single):
                a, b = os.path.join(batched, stem if stem == "x" else "x_2", name), os.path.join(single, name)
                if stem != "x":
                    continue  # the second image of this run is x_2 itself: checked through "x"
                if name.endswith(".png"):
                    pa, pb = pixels(a).astype(int), pixels(b).astype(int)
                    assert (pa != pb).mean() < 0.005, (name, (pa != pb).mean())
                elif name.endswith(".npy"):
                    ma, mb = np.load(a), np.load(b)
                    assert np.abs(ma - mb).max() <= 1e-5 * max(np.abs(mb).max(), 1e-12), name
            folder_manifest = json.load(open(os.path.join(folder, "manifest.json")))
            names_file(folder_manifest["model"], MODEL)
            names_file(folder_manifest["image"], image)
            layers = folder_manifest["layers"]
            single_layers = json.load(open(os.path.join(single, "manifest.json")))["layers"]
            assert [l["name"] for l in layers] == [l["name"] for l in single_layers]

        # At --threads 1 on a machine of two or more cores, a batch's files are
        # written while the next batch runs: the same files as one-image runs.
        out = os.path.join(work, "activations_one_thread")
        os.makedirs(out)
        run("activations", "--model", MODEL, "--image", first, "--image", second, "--out", out, "--npy",
            "--threads", "1")
        for stem, image in (("x", first), ("x_2", second)):
            single = os.path.join(work, "single_one_thread_" + stem)
            os.makedirs(single)
            run("activations", "--model", MODEL, "--image", image, "--out", single, "--npy", "--threads", "1")
            names = sorted(os.listdir(single))
            assert sorted(os.listdir(os.path.join(out, stem))) == names, stem
            assert len([n for n in names if n.endswith(".png")]) > 10, names
            for name in names:
                if name.endswith(".png"):
                    same_pixels(os.path.join(out, stem, name), os.path.join(single, name))
                elif name.endswith(".npy"):
                    same_map(os.path.join(out, stem, name), os.path.join(single, name))
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        names_file(manifest["model"], MODEL)
        entries = manifest["images"]
        assert [e["folder"] for e in entries] == ["x", "x_2"] and all(e["layers"] > 10 for e in entries), entries

        # 3. datasets
        out = os.path.join(work, "dataset")
        os.makedirs(out)
        run("cam", "--model", MODEL, "--dataset", FASHION, "--indices", "0,5-7", "--out", out, "--batch", "3")
        assert sorted(os.listdir(out)) == ["manifest.json", "t10k_0.png", "t10k_5.png", "t10k_6.png",
                                           "t10k_7.png"], os.listdir(out)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        names_file(manifest["model"], MODEL)
        entries = manifest["images"]
        assert [e["dataset_index"] for e in entries] == [0, 5, 6, 7], entries
        assert all("true_class" in e and "predicted" in e for e in entries), entries
        # IDX images have no file: each folder's manifest names the set, the
        # index and the sha256 of the pixels as shown (gray as RGB, row by row).
        out = os.path.join(work, "dataset_layers")
        os.makedirs(out)
        run("activations", "--model", MODEL, "--dataset", FASHION, "--indices", "0,5", "--out", out)
        with gzip.open(os.path.join(FASHION, "t10k-images-idx3-ubyte.gz")) as f:
            idx = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
        for k in (0, 5):
            image = json.load(open(os.path.join(out, f"t10k_{k}", "manifest.json")))["image"]
            rgb = np.repeat(idx[k][:, :, None], 3, axis=2)
            want = {"dataset": os.path.join(os.path.abspath(FASHION), "t10k-images-idx3-ubyte.gz"), "index": k,
                    "pixels_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}
            assert {key: image.get(key) for key in want} == want, (image, want)
        out = os.path.join(work, "wrong")
        os.makedirs(out)
        run("cam", "--model", MODEL, "--dataset", FASHION, "--indices", "0-299", "--misclassified", "--out", out)
        entries = json.load(open(os.path.join(out, "manifest.json")))["images"]
        assert 3 <= len(entries) <= 60, len(entries)  # about 7% of 300
        assert all(e["predicted"]["index"] != e["true_class"]["index"] for e in entries), entries
        assert len(os.listdir(out)) == len(entries) + 1

        # 4. mistakes
        run("cam", "--model", MODEL, "--indices", "1", "--image", first, "--out", out, expect=2)
        run("cam", "--model", MODEL, "--out", out, expect=2)
        run("cam", "--model", MODEL, "--dataset", FASHION, "--image", first, "--out", out, expect=2)
        run("cam", "--model", MODEL, "--dataset", FASHION, "--indices", "3,x", "--out", out, expect=1)
        run("cam", "--model", MODEL, "--dataset", FASHION, "--indices", "99999", "--out", out, expect=1)
        # A missing output folder is made (as by every subcommand).
        made = os.path.join(work, "none", "yet")
        run("cam", "--model", MODEL, "--image", first, "--image", second, "--out", made, "--quiet")
        assert sorted(os.listdir(made)) == ["manifest.json", "x.png", "x_2.png"], os.listdir(made)

        # 5. A file name that is not UTF-8 (Linux names are bytes): written, and
        # the manifest names it with U+FFFD in place of the bad byte.
        odd = os.path.join(os.fsencode(work), b"caf\xe9.png")
        shutil.copy(first, odd)
        out = os.path.join(work, "odd_name")
        os.makedirs(out)
        run("cam", "--model", MODEL, "--image", odd, "--image", second, "--out", out)
        assert sorted(os.listdir(out)) == ["caf_.png", "manifest.json", "x.png"], os.listdir(out)  # stems made safe
        entries = json.load(open(os.path.join(out, "manifest.json")))["images"]
        assert entries[0]["source"].endswith("caf\ufffd.png"), entries[0]
        single = os.path.join(work, "odd_single")
        os.makedirs(single)
        run("activations", "--model", MODEL, "--image", odd, "--out", single)
        assert json.load(open(os.path.join(single, "manifest.json")))["image"]["path"].endswith("caf\ufffd.png")
        print("batch runs: cam and activations equal their one-image runs; bad images skipped and named")
    finally:
        shutil.rmtree(work)


main()
