#!/usr/bin/python3
"""Drives the real actscope-cli `compare` and checks its files.

    check_compare.py CLI BUNDLED_MODEL SAMPLES_DIR

1. Two samples at one layer: a.png, b.png, difference.png, sheet.png,
   ranking.json and manifest.json are written; ranking.json lists every
   filter ordered by |mean_a - mean_b|, and the top filter's values equal a
   direct computation from the raw maps that `activations --npy` exports.
2. An image compared with itself: every difference is 0.
3. Bad usage and failures: one image only (exit 2), a missing folder or an
   unknown --true class (exit 1, nothing written).
The manifest records each image's prediction, its true class from --true and
the layer of the sheet's Grad-CAMs, and the sha256 of each file beside it: the
files' own, computed here by hashlib.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

CLI, MODEL, SAMPLES = sys.argv[1:4]
A = os.path.join(SAMPLES, "03735_coat.png")
B = os.path.join(SAMPLES, "05334_t-shirt_top.png")
LAYER = "conv4"


def run(*args, expect=0):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_files_sha256(out):
    """manifest.json gives each file of `out` (but itself) with hashlib's digest of it."""
    files = json.load(open(os.path.join(out, "manifest.json")))["files_sha256"]
    assert set(files) == {"a.png", "b.png", "difference.png", "sheet.png", "ranking.json"}, files
    for name, digest in files.items():
        actual = sha256_of(os.path.join(out, name))
        assert digest == actual, (out, name, digest, actual)


def contains(sheet, part):
    """True when the picture `part` stands in `sheet` at some place, pixel for pixel."""
    height, width = part.shape[:2]
    first = part[0].tobytes()
    for y in range(sheet.shape[0] - height + 1):
        row = sheet[y].tobytes()
        at = row.find(first)
        while at != -1:
            if at % 3 == 0 and (sheet[y:y + height, at // 3:at // 3 + width] == part).all():
                return True
            at = row.find(first, at + 1)
    return False


def check_sheet_holds_the_grids(out):
    """sheet.png holds each of a.png, b.png and difference.png (below their
    captions, at most 60 rows) pixel for pixel, and not one of them with a
    pixel changed: the sheet is made of the very grids written beside it."""
    sheet = np.asarray(Image.open(os.path.join(out, "sheet.png")).convert("RGB"))
    for name in ("a.png", "b.png", "difference.png"):
        grid = np.asarray(Image.open(os.path.join(out, name)).convert("RGB"))[60:]
        assert contains(sheet, grid), name
        changed = grid.copy()
        changed[changed.shape[0] // 2, changed.shape[1] // 2] ^= 0x40
        assert not contains(sheet, changed), name


def raw_maps(work, image):
    out = os.path.join(work, "raw-" + os.path.basename(image))
    os.mkdir(out)
    run("activations", "--model", MODEL, "--image", image, "--layer", LAYER, "--out", out, "--npy", "--quiet")
    return np.load(os.path.join(out, LAYER + ".npy"))


def main():
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "ab")
        os.mkdir(out)
        run("compare", "--model", MODEL, "--image", A, "--image", B, "--layer", LAYER, "--out", out,
            "--true", "Coat", "--true", "T-shirt/top")
        for name in ("a.png", "b.png", "difference.png", "sheet.png", "ranking.json", "manifest.json"):
            assert os.path.exists(os.path.join(out, name)), name
        check_files_sha256(out)
        check_sheet_holds_the_grids(out)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        assert manifest["layer"] == LAYER and len(manifest["images"]) == 2
        # Each image's prediction, and the true class the sheet's Grad-CAMs were made for.
        a, b = manifest["images"]
        assert (a["true_label"], b["true_label"]) == ("Coat", "T-shirt/top"), manifest["images"]
        assert a["predicted_label"] == "Coat" and b["predicted_label"] == "Dress", manifest["images"]
        assert a["cam_layer"] == b["cam_layer"] == "relu5", manifest["images"]

        ranking = json.load(open(os.path.join(out, "ranking.json")))["filters"]
        assert len(ranking) == 64, len(ranking)
        magnitudes = [abs(f["difference"]) for f in ranking]
        assert magnitudes == sorted(magnitudes, reverse=True)
        maps_a, maps_b = raw_maps(work, A), raw_maps(work, B)
        top = ranking[0]
        k = top["filter"]
        assert abs(top["mean_a"] - maps_a[k].mean()) < 1e-5, (top, maps_a[k].mean())
        assert abs(top["mean_b"] - maps_b[k].mean()) < 1e-5, (top, maps_b[k].mean())
        direct = np.abs(maps_a.mean(axis=(1, 2)) - maps_b.mean(axis=(1, 2)))
        assert int(np.argmax(direct)) == k and abs(direct[k] - abs(top["difference"])) < 1e-5
        # The three grids have one tile per filter: the same height (widths follow their captions).
        heights = {Image.open(os.path.join(out, name)).height for name in ("a.png", "b.png", "difference.png")}
        assert len(heights) == 1, heights

        same = os.path.join(work, "aa")
        os.mkdir(same)
        run("compare", "--model", MODEL, "--image", A, "--image", A, "--layer", LAYER, "--out", same)
        check_files_sha256(same)
        ranking = json.load(open(os.path.join(same, "ranking.json")))["filters"]
        assert all(f["difference"] == 0 for f in ranking)

        run("compare", "--model", MODEL, "--image", A, "--layer", LAYER, "--out", out, expect=2)
        unknown = os.path.join(work, "unknown")
        os.mkdir(unknown)
        result = run("compare", "--model", MODEL, "--image", A, "--image", B, "--layer", LAYER, "--out", unknown,
                     "--true", "Parka", expect=1)
        assert "Parka" in result.stderr and not os.listdir(unknown), result.stderr
        missing = os.path.join(work, "no", "such")
        run("compare", "--model", MODEL, "--image", A, "--image", B, "--layer", LAYER, "--out", missing)
        assert "sheet.png" in os.listdir(missing) and "manifest.json" in os.listdir(missing), os.listdir(missing)
    print("compare files agree with the captures")


if __name__ == "__main__":
    main()
