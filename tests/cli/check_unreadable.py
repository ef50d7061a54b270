#!/usr/bin/python3
"""A dataset folder with damaged images among good ones: the runs go on.

    check_unreadable.py CLI BUNDLED_MODEL SAMPLES_DIR

A class-folder dataset of four bundled samples, a text file named broken.png
and a PNG cut in half (which its decoder refuses):
1. `predict --dataset` exits 1, names both damaged files on stderr, counts
   them, and writes every row of the CSV: the damaged ones with
   predicted_class -1, no confidence, no "correct" and the error; the others
   with the class `predict --image` gives for that file alone; the accuracy
   line is over the four readable images.
2. `scan` exits 1, names both, and atlas.json lists them under
   dataset.skipped with their dataset indices; every layer's statistics
   count the four readable images.
3. `cam --dataset --misclassified` does not take a damaged image for a
   misclassified one.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

CLI, MODEL, SAMPLES = sys.argv[1:4]


def run(*args, expect):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


def main():
    work = tempfile.mkdtemp(prefix="actscope-unreadable-")
    try:
        data = os.path.join(work, "data")
        good = {"sandal": ["00021_sandal.png", "07208_sandal.png"], "bag": ["01557_bag.png", "04309_bag.png"]}
        for label, files in good.items():
            os.makedirs(os.path.join(data, label))
            for name in files:
                shutil.copy(os.path.join(SAMPLES, name), os.path.join(data, label, name))
        with open(os.path.join(data, "bag", "broken.png"), "w") as out:
            out.write("not an image")
        # A PNG cut in half: libpng refuses it (a JPEG cut short would load,
        # gray where it ends, as the decoder reads it).
        whole = io.BytesIO()
        Image.open(os.path.join(SAMPLES, "00021_sandal.png")).convert("RGB").save(whole, "PNG")
        with open(os.path.join(data, "sandal", "cut.png"), "wb") as out:
            out.write(whole.getvalue()[: len(whole.getvalue()) // 2])
        damaged = {"broken.png": "not a readable image", "cut.png": "not a readable image (the decoder refused it"}

        # 1. predict
        table = os.path.join(work, "predictions.csv")
        result = run("predict", "--model", MODEL, "--dataset", data, "--out", table, "--quiet", expect=1)
        for name, why in damaged.items():
            assert re.search(re.escape(name) + ": " + re.escape(why), result.stderr), (name, result.stderr)
        assert "2 of 6 images were skipped" in result.stderr, result.stderr
        with open(table, newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 6, rows
        correct = 0
        for row in rows:
            name = os.path.basename(row["image"])
            if name in damaged:
                assert row["predicted_class"] == "-1" and row["confidence"] == "" and row["correct"] == "", row
                assert damaged[name] in row["error"] and name in row["error"], row
                continue
            assert row["error"] == "", row
            alone = run("predict", "--model", MODEL, "--image", row["image"], "--top", "1", expect=0)
            top_class = alone.stdout.split("\n")[1].split()[0]
            assert row["predicted_class"] == top_class, (row, alone.stdout)
            correct += row["correct"] == "1"
        assert re.search(r"accuracy [0-9.]+ \(%d/4\)" % correct, result.stderr), result.stderr

        # 2. scan
        out = os.path.join(work, "atlas")
        os.makedirs(out)
        result = run("scan", "--model", MODEL, "--dataset", data, "--out", out, "--quiet", expect=1)
        for name in damaged:
            assert name in result.stderr, (name, result.stderr)
        with open(os.path.join(out, "atlas.json")) as f:
            atlas = json.load(f)
        skipped = atlas["dataset"]["skipped"]
        assert sorted(os.path.basename(s["name"]) for s in skipped) == sorted(damaged), skipped
        names = [row["image"] for row in rows]  # the dataset's order
        for s in skipped:
            assert names[s["index"]] == s["name"], (s, names)
        for layer in atlas["layers"]:
            assert layer["images"] == 4, (layer["name"], layer["images"])

        # 3. --misclassified keeps readable images the model gets wrong, only
        wrong = [row for row in rows if row["correct"] == "0"]
        folder = os.path.join(work, "cams")
        os.makedirs(folder)
        expect = 0 if wrong else 1
        result = run("cam", "--model", MODEL, "--dataset", data, "--misclassified", "--out", folder, "--quiet",
                     expect=expect)
        if wrong:
            with open(os.path.join(folder, "manifest.json")) as f:
                listed = [image["source"] for image in json.load(f)["images"]]
            assert sorted(listed) == sorted(row["image"] for row in wrong), (listed, wrong)
        else:
            assert "gets none of the chosen images wrong" in result.stderr, result.stderr
    finally:
        shutil.rmtree(work)
    print("unreadable images: skipped, named and counted by predict, scan and cam --misclassified")


if __name__ == "__main__":
    main()
