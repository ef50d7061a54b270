#!/usr/bin/python3
"""Checks the feature-visualization parametrization against lucent's.

    check_fft_image.py SPECTRUM_PIXELS

For fixed spectra (seeded NumPy normals at lucent's sd 0.01, and ten times
larger so the sigmoid leaves its middle), the pixels the engine makes before
any transform (tests/tools/spectrum_pixels, core/visualize pixels_from_spectrum)
equal a NumPy/torch port of lucent's `fft_image` + `to_valid_rgb`
(lucent/optvis/param/spatial.py and color.py: rfft2d_freqs, the 1/frequency
scale floored at 1/max(h, w), irfftn with "ortho" scaling, / 4, the colour
correlation's square root over its largest column norm, sigmoid) within 1e-5,
for 1- and 3-channel images of square, oblong and odd sizes.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

TOOL = sys.argv[1]

# lucent/optvis/param/color.py
COLOR_CORRELATION_SVD_SQRT = np.asarray([[0.26, 0.09, 0.02],
                                         [0.27, 0.00, -0.05],
                                         [0.27, -0.09, 0.03]]).astype("float32")
MAX_NORM_SVD_SQRT = np.max(np.linalg.norm(COLOR_CORRELATION_SVD_SQRT, axis=0))
COLOR_CORRELATION_NORMALIZED = COLOR_CORRELATION_SVD_SQRT / MAX_NORM_SVD_SQRT


def rfft2d_freqs(h, w):
    """lucent/optvis/param/spatial.py: the 2D spectrum's frequencies."""
    fy = np.fft.fftfreq(h)[:, None]
    if w % 2 == 1:
        fx = np.fft.fftfreq(w)[: w // 2 + 2]
    else:
        fx = np.fft.fftfreq(w)[: w // 2 + 1]
    return np.sqrt(fx * fx + fy * fy)


def lucent_fft_image(spectrum_real_imag_t, h, w, decay_power=1):
    """fft_image's inner() for a given spectrum [N, C, H, W', 2]."""
    batch, channels = spectrum_real_imag_t.shape[:2]
    freqs = rfft2d_freqs(h, w)
    scale = 1.0 / np.maximum(freqs, 1.0 / max(w, h)) ** decay_power
    scale = torch.tensor(scale).float()[None, None, ..., None]
    scaled_spectrum_t = scale * spectrum_real_imag_t
    scaled_spectrum_t = torch.view_as_complex(scaled_spectrum_t)
    image = torch.fft.irfftn(scaled_spectrum_t, s=(h, w), norm="ortho")
    image = image[:batch, :channels, :h, :w]
    magic = 4.0
    return image / magic


def lucent_to_valid_rgb(image, decorrelate):
    """to_valid_rgb's inner() (sigmoid=True)."""
    if decorrelate:
        t_permute = image.permute(0, 2, 3, 1)
        t_permute = torch.matmul(t_permute, torch.tensor(COLOR_CORRELATION_NORMALIZED.T))
        image = t_permute.permute(0, 3, 1, 2)
    return torch.sigmoid(image)


def engine_pixels(spectrum, channels, h, w):
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "spectrum.npy")
        target = os.path.join(folder, "pixels.npy")
        np.save(source, spectrum)
        done = subprocess.run([TOOL, source, str(channels), str(h), str(w), target], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return np.load(target)


def check(channels, h, w, sd, seed):
    columns = rfft2d_freqs(h, w).shape[1]
    spectrum = (np.random.default_rng(seed).standard_normal((2, channels, h, columns, 2)) * sd).astype(np.float32)
    expected = lucent_to_valid_rgb(lucent_fft_image(torch.from_numpy(spectrum), h, w), channels == 3).numpy()
    actual = engine_pixels(spectrum, channels, h, w)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    error = float(np.abs(actual - expected).max())
    spread = float(expected.max() - expected.min())
    print(f"{channels} x {h} x {w}, sd {sd}: max |engine - lucent| = {error:.2g} (pixels span {spread:.3f})")
    assert error <= 1e-5, error
    assert spread > 1e-3, "the spectrum made a flat image: the check would not see a wrong scale"


def main():
    for channels, h, w in [(1, 28, 28), (3, 224, 224), (3, 32, 48), (3, 31, 27), (1, 17, 33)]:
        check(channels, h, w, 0.01, seed=h * 1000 + w)
        check(channels, h, w, 0.1, seed=h * 1000 + w + 1)
    # A spectrum of the wrong shape is refused with a message.
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "spectrum.npy")
        np.save(source, np.zeros((1, 3, 28, 14, 2), np.float32))
        done = subprocess.run([TOOL, source, "3", "28", "28", os.path.join(folder, "out.npy")],
                              capture_output=True, text=True)
        assert done.returncode == 1 and "not 1x3x28x15x2" in done.stderr, done.stderr
        assert not os.path.exists(os.path.join(folder, "out.npy"))
    print("the parametrization equals lucent's fft_image + to_valid_rgb")


if __name__ == "__main__":
    main()
