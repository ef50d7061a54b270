#!/usr/bin/python3
"""Writes the small seed corpora of the fuzz harnesses (tests/fuzz/corpus/).

    /usr/bin/python3 tests/fuzz/make_corpus.py

Each harness starts from a few valid inputs of its format, so that libFuzzer
mutates real structure rather than random bytes. Run once; the output is
committed.
"""

import gzip
import io
import json
import os
import struct
import zipfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(harness, name, data):
    folder = os.path.join(HERE, "corpus", harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def images():
    picture = Image.new("RGB", (3, 2), (200, 40, 10))
    for fmt, ext in (("PNG", "png"), ("JPEG", "jpg"), ("BMP", "bmp"), ("TIFF", "tif"), ("WEBP", "webp")):
        buffer = io.BytesIO()
        picture.save(buffer, fmt)
        yield ext, buffer.getvalue()
    # a PNG header declaring 4294967295 x 4294967295 (the size check's overflow case)
    ihdr = struct.pack(">IIBBBBB", 0xFFFFFFFF, 0xFFFFFFFF, 8, 2, 0, 0, 0)
    yield "huge.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def model_archives():
    """A TorchScript archive as torch.jit.save writes it, a torch.save file
    (refused by name), and the first rewritten by zipfile with deflate."""
    import torch

    torch.manual_seed(0)
    scripted = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), scripted)
    yield "scripted.pt", scripted.getvalue()
    weights = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2).state_dict(), weights)
    yield "state_dict.pt", weights.getvalue()
    deflated = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(scripted.getvalue())) as source, \
            zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
    yield "deflated.pt", deflated.getvalue()


def main():
    for name, data in model_archives():
        write("fuzz_model_archive", name, data)
    for ext, data in images():
        write("fuzz_image_header", ext, data)
        write("fuzz_image_decode", ext, data)
    with zipfile.ZipFile(os.path.join(ROOT, "resources", "models", "fashion_cnn.pt")) as archive:
        card = next(archive.read(n) for n in archive.namelist() if n.endswith("extra/actscope.json"))
    write("fuzz_model_card", "bundled.json", card)
    write("fuzz_model_card", "minimal.json",
          json.dumps({"input": {"channels": 3, "height": 8, "width": 8}}).encode())
    pixels = bytes(range(2 * 3 * 4))
    idx_images = struct.pack(">IIII", 0x803, 2, 3, 4) + pixels
    idx_labels = struct.pack(">II", 0x801, 2) + bytes([1, 7])
    write("fuzz_idx", "images", b"\0" + idx_images)
    write("fuzz_idx", "images.gz", b"\0" + gzip.compress(idx_images, mtime=0))
    write("fuzz_idx", "labels", b"\1" + idx_labels)
    write("fuzz_idx", "labels.gz", b"\1" + gzip.compress(idx_labels, mtime=0))
    with open(os.path.join(ROOT, "resources", "samples", "samples.json"), "rb") as f:
        write("fuzz_samples_json", "bundled.json", f.read())
    write("fuzz_samples_json", "small.json", b'{"samples": [{"file": "a.png", "true_class": 3}]}')

    # .npy as NumPy writes them: features (float32 matrix) and classes of several integer types.
    for name, array in [("features.npy", np.arange(12, dtype=np.float32).reshape(3, 4)),
                        ("classes_i8.npy", np.array([1, 2, 3], dtype=np.int64)),
                        ("classes_u1.npy", np.array([0, 9], dtype=np.uint8)),
                        ("classes_i2.npy", np.array([-1, 7], dtype=np.int16))]:
        buffer = io.BytesIO()
        np.save(buffer, array)
        write("fuzz_npy", name, buffer.getvalue())


main()
