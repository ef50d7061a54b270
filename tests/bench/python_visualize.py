#!/usr/bin/python3
"""Time feature visualization done in Python with torch, for comparison with
actscope's engine (tests/bench/visualize_bench.cpp).

    /usr/bin/python3 tests/bench/python_visualize.py --model fashion_cnn \\
        --fixtures build/fixtures --threads 2 --filters 32 --steps 20

The same optimization as core/visualize: lucent's fft_image (spectrum sd 0.01,
1/frequency scale, irfftn "ortho", / 4), the decorrelated colour basis for
3-channel models, a sigmoid, each image moved by its own pad/jitter/scale/
rotation/jitter drawn per step (one affine_grid + grid_sample with 0.5 grey
outside, as transform_draws.cpp), the card's normalization, a forward hook on
the layer (the whole model runs, as lucent's render does), the sum of each
image's filter mean, torch.optim.Adam (lr 0.05) on the spectra. The eager
model carries the TorchScript file's weights (python_gradcam.load_model),
parameters frozen.
  fashion_cnn  relu3, [N, 1, 28, 28], mean 0.2860 std 0.3530
  resnet18     layer3, [N, 3, 224, 224], ImageNet mean and std
Warm-up 3 steps, then --steps steps timed one by one. Prints one line of JSON:
  {"step_ms": median step, "threads": T, "filters": N}
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from python_gradcam import load_model  # noqa: E402

CASES = {
    "fashion_cnn": ("relu3", 1, 28, [0.2860], [0.3530]),
    "resnet18": ("layer3", 3, 224, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
}
COLOUR = np.asarray([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], np.float32)
COLOUR = COLOUR / np.max(np.linalg.norm(COLOUR, axis=0))


def fft_scale(h, w):
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[: w // 2 + 2] if w % 2 == 1 else np.fft.fftfreq(w)[: w // 2 + 1]
    freqs = np.sqrt(fx * fx + fy * fy)
    return torch.tensor(1.0 / np.maximum(freqs, 1.0 / max(w, h))).float()[None, None, ..., None]


def pixels(spectrum, scale, channels, h, w):
    image = torch.fft.irfftn(torch.view_as_complex(scale * spectrum), s=(h, w), norm="ortho") / 4.0
    if channels == 3:
        image = torch.matmul(image.permute(0, 2, 3, 1), torch.tensor(COLOUR.T)).permute(0, 3, 1, 2)
    return torch.sigmoid(image)


def draw_matrix(rng, size):
    ratio = size / 224.0
    jitter, late = max(1, round(4 * ratio)), max(1, round(2 * ratio))
    dx, dy = rng.randint(-jitter, jitter), rng.randint(-jitter, jitter)
    scale = 1 + (rng.randint(0, 10) - 5) / 50.0
    angle = rng.choice(list(range(-10, 11)) + 5 * [0])
    ldx, ldy = rng.randint(-late, late), rng.randint(-late, late)
    c, s = math.cos(math.radians(angle)) / scale, math.sin(math.radians(angle)) / scale
    b0 = -(c * ldx + s * ldy) - dx
    b1 = -(-s * ldx + c * ldy) - dy
    return [[c, s, b0 * 2 / size], [-s, c, b1 * 2 / size]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(CASES), required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    layer, channels, size, mean, std = CASES[args.model]
    model, _ = load_model(args.model, args.fixtures, torch.zeros(1, channels, size, size))
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    kept = {}
    model.get_submodule(layer).register_forward_hook(lambda module, inputs, output: kept.__setitem__("out", output))
    mean = torch.tensor(mean)[None, :, None, None]
    std = torch.tensor(std)[None, :, None, None]
    n = args.filters
    scale = fft_scale(size, size)
    spectrum = (torch.randn(n, channels, size, size // 2 + 1 + size % 2, 2) * 0.01).requires_grad_(True)
    optimizer = torch.optim.Adam([spectrum], lr=0.05)
    rngs = [random.Random(f) for f in range(n)]
    filters = torch.arange(n)

    def step():
        optimizer.zero_grad()
        image = pixels(spectrum, scale, channels, size, size)
        theta = torch.tensor([draw_matrix(rng, size) for rng in rngs], dtype=torch.float32)
        grid = F.affine_grid(theta, list(image.shape), align_corners=False)
        moved = F.grid_sample(image - 0.5, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + 0.5
        model((moved - mean) / std)
        out = kept["out"]
        loss = -out[torch.arange(n), filters].mean((1, 2)).sum()
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"step_ms": statistics.median(times), "threads": args.threads, "filters": n}))


if __name__ == "__main__":
    main()
