#!/usr/bin/python3
"""Drives the real actscope-cli `cam` and checks its files against PyTorch.

    check_cam.py CLI FIXTURE_DIR BUNDLED_MODEL SAMPLE_PNG

1. `cam --npy` on the bundled model and a sample PNG: the [H, W] map equals
   Grad-CAM computed in Python on the eager model (forward hook, autograd.grad,
   same image and preprocessing) within 1e-4; the overlay PNG has the image's size.
2. `--class` by label gives the map of that class; `--method all` writes a
   sheet with the input and one panel per method.
3. Failures explain themselves, exit 1 and leave no file: a layer without
   spatial maps (naming suitable ones), CAM on a head that is not GAP + linear,
   an unknown class label, a folder that does not exist.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

CLI, FIXTURES, MODEL, SAMPLE = sys.argv[1:5]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import make_cam_references as refs  # noqa: E402  (the CAM formulas in Python)


def run(*args, expect=0):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


def python_gradcam(image_path, layer, target=None):
    files = {"actscope.json": ""}
    torch.jit.load(MODEL, _extra_files=files)
    card = json.loads(files["actscope.json"])
    pixels = np.asarray(Image.open(image_path).convert("L"), dtype=np.float32) / 255.0
    x = ((torch.from_numpy(pixels)[None, None] - card["mean"][0]) / card["std"][0]).contiguous()
    model = refs.load_fashion_cnn_class()(num_classes=len(card["labels"]))
    model = refs.eager_from_scripted(model, MODEL, x, "fashion_cnn")
    acts = {}
    handle = model.get_submodule(layer).register_forward_hook(
        lambda module, inputs, output: (acts.__setitem__("A", output), output.clone())[1])
    try:
        logits = model(x)
        c = int(logits.argmax(1)) if target is None else target
        (G,) = torch.autograd.grad(logits[0, c], [acts["A"]])
    finally:
        handle.remove()
    A = acts["A"].detach()
    raw = refs.weighted_sum(G.mean((2, 3)), A)
    return refs.final_map(raw, tuple(x.shape[2:]))[0].numpy(), card


def main():
    with tempfile.TemporaryDirectory() as work:
        png, npy = os.path.join(work, "cam.png"), os.path.join(work, "cam.npy")
        run("cam", "--model", MODEL, "--image", SAMPLE, "--layer", "conv5", "--out", png, "--npy", npy,
            "--threads", "1")
        expected, card = python_gradcam(SAMPLE, "conv5")
        actual = np.load(npy)
        assert actual.dtype == np.float32 and actual.shape == expected.shape, (actual.dtype, actual.shape)
        assert np.abs(actual - expected).max() <= 1e-4, np.abs(actual - expected).max()
        assert 0 <= actual.min() and actual.max() <= 1
        assert Image.open(png).size == Image.open(SAMPLE).size

        # A class given by its label (not the predicted one): that class's map.
        label = card["labels"][3]
        run("cam", "--model", MODEL, "--image", SAMPLE, "--layer", "conv5", "--class", label, "--out", png,
            "--npy", npy, "--threads", "1")
        other, _ = python_gradcam(SAMPLE, "conv5", target=3)
        assert np.abs(np.load(npy) - other).max() <= 1e-4
        assert np.abs(other - expected).max() > 1e-2, "class 3 should look elsewhere than the prediction"

        # Every method side by side: the input and eight panels.
        sheet = os.path.join(work, "sheet.png")
        result = run("cam", "--model", MODEL, "--image", SAMPLE, "--method", "all", "--out", sheet)
        assert "note:" not in result.stderr, result.stderr  # every method computed
        # Nine panels of the same width, each with a heatmap (red) except the input.
        pixels = np.asarray(Image.open(sheet).convert("RGB")).astype(int)
        panel = (pixels.shape[1] - 4) // 9
        assert pixels.shape[1] == 9 * panel + 4, pixels.shape
        reds = [((pixels[40:, 4 + i * panel:(i + 1) * panel, 0] - pixels[40:, 4 + i * panel:(i + 1) * panel, 2]) > 80).mean()
                for i in range(9)]
        assert reds[0] == 0 and all(red > 0.01 for red in reds[1:]), reds

        # --npy with --method all is bad usage; a numeric class, and a huge one.
        run("cam", "--model", MODEL, "--image", SAMPLE, "--method", "all", "--out", sheet, "--npy", npy, expect=2)
        run("cam", "--model", MODEL, "--image", SAMPLE, "--class", "3", "--layer", "conv5", "--out", png,
            "--npy", npy, "--threads", "1")
        assert np.abs(np.load(npy) - other).max() <= 1e-4
        result = run("cam", "--model", MODEL, "--image", SAMPLE, "--class", "99999999999", "--out", png, expect=1)
        assert "out of range" in result.stderr, result.stderr

        # Failures: message, exit 1, no file.
        out = os.path.join(work, "refused.png")
        result = run("cam", "--model", MODEL, "--image", SAMPLE, "--layer", "fc", "--out", out, expect=1)
        assert "not maps" in result.stderr and "relu5" in result.stderr, result.stderr
        vgg = os.path.join(FIXTURES, "vgg11_bn_traced.pt")
        result = run("cam", "--model", vgg, "--image", SAMPLE, "--method", "cam", "--input-size", "64x64",
                     "--channels", "3", "--out", out, expect=1)
        assert "global average pooling followed by one linear layer" in result.stderr, result.stderr
        result = run("cam", "--model", MODEL, "--image", SAMPLE, "--class", "Spaceship", "--out", out, expect=1)
        assert "unknown class 'Spaceship'" in result.stderr and "Ankle boot" in result.stderr, result.stderr
        # The folders of the output files are made when missing.
        run("cam", "--model", MODEL, "--image", SAMPLE, "--out", os.path.join(work, "no", "x.png"), "--npy",
            os.path.join(work, "maps", "x.npy"))
        assert Image.open(os.path.join(work, "no", "x.png")).size == (28, 28)
        assert np.load(os.path.join(work, "maps", "x.npy")).shape == (28, 28)
        # The .npy cannot be written (a regular file in the way): no PNG either.
        result = run("cam", "--model", MODEL, "--image", SAMPLE, "--out", out, "--npy",
                     os.path.join(work, "no", "x.png", "x.npy"), expect=1)
        assert "x.png: cannot make the folder (Not a directory)" in result.stderr, result.stderr
        assert not os.path.exists(out)
    print("cam exports agree with PyTorch")


if __name__ == "__main__":
    main()
