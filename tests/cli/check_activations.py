#!/usr/bin/python3
"""Drives the real actscope-cli and checks its files against PyTorch itself.

    check_activations.py CLI FIXTURE_DIR

1. `activations --npy` on a fixture model: every .npy loads in numpy and equals
   the output Python forward hooks record on the eager model (same weights,
   same image, same preprocessing) within 1e-5 of its largest magnitude.
2. Each layer's PNG has one tile per shown filter at the documented size,
   each tile the .npy values of its filter through the documented gray
   colormap, and manifest.json parses and names files that exist.
3. A dead and a constant filter export as black tiles with raw max 0 / 0.7.
4. `weights` writes one tile per filter, in color for 3-input-channel convs.
5. A missing or read-only output folder fails with a message and leaves no file;
   an unknown layer is named with the closest ones.
"""

import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

CLI, FIXTURES = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import make_fixtures  # noqa: E402  (the fixture models' own classes)

MEAN, STD = 0.5, 0.25
COLORBAR = 56  # the colour bar under every grid (render_colorbar in core/maps/colorbar.cpp)



def as_unprivileged():
    """Root writes anywhere; drop to nobody so permissions apply."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)


def run(*args, expect=0, unprivileged=False):
    result = subprocess.run([CLI, *args], capture_output=True, text=True,
                            preexec_fn=as_unprivileged if unprivileged else None)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


def eager_reference(name, variant, image_path):
    """Hooked module outputs of the eager model carrying the saved weights."""
    ctor = next(spec[1] for spec in make_fixtures.SPECS if spec[0] == name)
    model = ctor().eval()
    model.load_state_dict(torch.jit.load(os.path.join(FIXTURES, f"{name}_{variant}.pt")).state_dict())
    pixels = np.asarray(Image.open(image_path).convert("RGB"), dtype=np.float32) / 255.0
    x = (torch.from_numpy(pixels).permute(2, 0, 1).unsqueeze(0) - MEAN) / STD
    _, names, _, activations, _ = make_fixtures.capture_activations(model, x)
    return names, activations


def grid_size(tiles, tile):
    columns = math.ceil(math.sqrt(tiles))
    rows = math.ceil(tiles / columns)
    return max(columns * (tile + 2) + 2, 320), rows * (tile + 2) + 2


def check_activations(work, image_path, name, variant):
    out = os.path.join(work, f"{name}_{variant}")
    os.mkdir(out)
    run("activations", "--model", os.path.join(FIXTURES, f"{name}_{variant}.pt"), "--image", image_path,
        "--input-size", "16x16", "--mean", str(MEAN), "--std", str(STD), "--out", out, "--npy", "--quiet",
        "--colormap", "gray")
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["tool"]["name"] == "actscope"
    # The digests are the files' own, computed here by hashlib.
    model_path = os.path.join(FIXTURES, f"{name}_{variant}.pt")
    assert manifest["model"]["sha256"] == hashlib.sha256(open(model_path, "rb").read()).hexdigest(), manifest["model"]
    assert manifest["image"]["sha256"] == hashlib.sha256(open(image_path, "rb").read()).hexdigest(), manifest["image"]
    assert manifest["normalization"] == "filter" and manifest["colormap"] == "gray"
    layers = {layer["name"]: layer for layer in manifest["layers"]}
    names, reference = eager_reference(name, variant, image_path)
    for layer_name in names:
        layer = layers[layer_name]
        ours = np.load(os.path.join(out, layer["npy"]))
        expected = reference[layer_name][0].numpy()
        assert ours.dtype == np.float32 and ours.shape == expected.shape, (layer_name, ours.shape, expected.shape)
        error = np.abs(ours - expected).max() / max(np.abs(expected).max(), 1e-30)
        assert error <= 1e-5, (layer_name, error)
    for layer in manifest["layers"]:
        png = Image.open(os.path.join(out, layer["png"]))
        shape = layer["shape"]
        tiles = len(layer["shown_filters"])
        assert tiles == min(shape[1], 256), (layer["name"], tiles)
        assert len(layer["filters"]) == shape[1]
        tile = 48 if len(shape) == 2 else max(shape[2], shape[3]) * math.ceil(48 / max(shape[2], shape[3]))
        width, height = grid_size(tiles, tile)
        caption = png.height - height - COLORBAR
        # At least the tiles' width (wider when a caption line is longer).
        assert png.width >= width and png.width <= max(width, 700) and 0 < caption < 60, \
            (layer["name"], png.size, (width, height))
        # The bar under the tiles runs from the gray colormap's black to its white.
        bar_row = np.asarray(png.convert("RGB"))[png.height - COLORBAR + 26]
        assert (bar_row[8] == 0).all() and (bar_row[png.width - 9] == 255).all(), (layer["name"], bar_row[8])
        if len(shape) == 4:
            check_tiles(np.asarray(png.convert("RGB")), np.load(os.path.join(out, layer["npy"])), layer, tile, caption)
    return out, layers


def check_tiles(pixels, maps, layer, tile, caption):
    """Every tile of a grid exported with --colormap gray and filter
    normalization is its filter's raw map from the .npy, scaled to 0..1 of the
    filter's own min..max and drawn through the documented gray colormap
    (level round(255 v)), each value a tile/size block; a filter that is
    constant or near-dead (max|x| below 1e-6 of the layer's) is black."""
    shown = layer["shown_filters"]
    columns = math.ceil(math.sqrt(len(shown)))
    size = maps.shape[1]
    scale = tile // size
    layer_peak = np.abs(maps).max()
    for t, f in enumerate(shown):
        x0 = 2 + (t % columns) * (tile + 2)
        y0 = caption + 2 + (t // columns) * (tile + 2)
        drawn = pixels[y0:y0 + size * scale:scale, x0:x0 + size * scale:scale, 0].astype(int)
        assert (pixels[y0:y0 + tile, x0:x0 + tile, 0] == np.kron(drawn, np.ones((scale, scale), int))).all(), \
            (layer["name"], f, "not blocks of one value")
        m = maps[f].astype(np.float32)
        low, high = m.min(), m.max()
        peak = max(abs(low), abs(high))
        if peak < 1e-6 * layer_peak or not high - low > 1e-12 * peak:
            expected = np.zeros(m.shape, int)
        else:
            expected = np.rint(np.clip((m - low) / (high - low), 0, 1) * 255).astype(int)
        assert np.abs(drawn - expected).max() <= 1, (layer["name"], f, np.abs(drawn - expected).max())


def tile_centre(png_path, index, tile, columns, caption):
    image = np.asarray(Image.open(png_path).convert("RGB"))
    x = 2 + (index % columns) * (tile + 2) + tile // 2
    y = caption + 2 + (index // columns) * (tile + 2) + tile // 2
    return image[y, x]


def main():
    with tempfile.TemporaryDirectory() as work:
        rng = np.random.default_rng(7)
        image_path = os.path.join(work, "input.png")
        Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(image_path)

        for name, variant in [("inplace_relu", "traced"), ("functional", "scripted"), ("dead_filters", "scripted")]:
            out, layers = check_activations(work, image_path, name, variant)

        # dead_filters: conv filter 0 is dead and filter 1 constant: black tiles.
        conv = layers["conv"]
        assert conv["filters"][0]["max"] == 0 and conv["filters"][0]["zero_fraction"] == 1
        assert abs(conv["filters"][1]["min"] - 0.7) < 1e-6 and abs(conv["filters"][1]["max"] - 0.7) < 1e-6
        png = os.path.join(out, conv["png"])
        caption = Image.open(png).height - grid_size(6, 48)[1] - COLORBAR
        for index in (0, 1):
            assert (tile_centre(png, index, 48, 3, caption) == 0).all(), index
        assert tile_centre(png, 2, 48, 3, caption).any() or tile_centre(png, 3, 48, 3, caption).any()

        # weights: bundled conv1 has 32 gray filters of 3x3 (tiles of 48 px);
        # resnet18's conv1 takes 3 channels and is drawn in color.
        bundled = os.path.join(os.path.dirname(CLI), "..", "..", "resources", "models", "fashion_cnn.pt")
        bundled = sys.argv[3] if len(sys.argv) > 3 else bundled
        gray = os.path.join(work, "conv1.png")
        run("weights", "--model", bundled, "--layer", "conv1", "--out", gray, "--npy", gray + ".npy")
        assert Image.open(gray).size == grid_size(32, 48), Image.open(gray).size
        assert np.load(gray + ".npy").shape == (32, 1, 3, 3)
        color = os.path.join(work, "resnet_conv1.png")
        run("weights", "--model", os.path.join(FIXTURES, "resnet18_traced.pt"), "--layer", "conv1", "--out", color)
        pixels = np.asarray(Image.open(color).convert("RGB")).astype(int)
        assert Image.open(color).size == grid_size(64, 49)
        assert (np.abs(pixels[..., 0] - pixels[..., 1]) > 20).mean() > 0.1, "3-channel filters are in color"

        # A missing output folder is made, with its parents, as is the
        # folder of an output file; a regular file in the way is named.
        missing = os.path.join(work, "no", "such")
        run("activations", "--model", bundled, "--image", image_path, "--out", missing, "--layer", "relu5")
        assert sorted(os.listdir(missing)) == ["manifest.json", "relu5.png"], os.listdir(missing)
        run("weights", "--model", bundled, "--layer", "conv1", "--out", os.path.join(work, "new", "w.png"),
            "--npy", os.path.join(work, "other", "w.npy"))
        assert Image.open(os.path.join(work, "new", "w.png")).size == grid_size(32, 48)
        assert np.load(os.path.join(work, "other", "w.npy")).shape == (32, 1, 3, 3)
        blocked = os.path.join(os.path.join(missing, "relu5.png"), "inside")
        result = run("activations", "--model", bundled, "--image", image_path, "--out", blocked, expect=1)
        assert blocked in result.stderr and "cannot make the folder (Not a directory)" in result.stderr, result.stderr

        # A read-only folder: a clear message, no file and no temporary left.
        read_only = os.path.join(work, "read-only")
        os.mkdir(read_only)
        os.chmod(read_only, 0o555)
        os.chmod(work, 0o755)
        result = run("activations", "--model", bundled, "--image", image_path, "--out", read_only, expect=1,
                     unprivileged=True)
        assert "cannot write" in result.stderr and read_only in result.stderr, result.stderr
        assert os.listdir(read_only) == [], os.listdir(read_only)

        # An unknown layer names the closest ones.
        result = run("activations", "--model", bundled, "--image", image_path, "--out", work, "--layer", "bn9",
                     expect=1)
        assert "unknown layer 'bn9'" in result.stderr and "bn1" in result.stderr, result.stderr
    print("activations and weights exports agree with PyTorch")


if __name__ == "__main__":
    main()
