#!/usr/bin/python3
"""The bundled model's penultimate features of Fashion-MNIST images, computed
by PyTorch itself (the modules called in the order of the model's forward,
relu5's maps averaged per filter: what feeds the classifier), with the true
classes and the model's predictions.

    fashion_features.py MODEL FASHION_MNIST_DIR KIND N OUT_DIR
        writes OUT_DIR/features.npy (N x 128 float32) and OUT_DIR/classes.npy

KIND is t10k (test) or train. check_embed.py imports penultimate_features.
"""

import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def idx_images(data, kind, n):
    with gzip.open(os.path.join(data, f"{kind}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:n]
    with gzip.open(os.path.join(data, f"{kind}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return images, labels.astype(np.int64)


def penultimate_features(model_path, data, kind, n):
    """(features [n, 128], true classes, predicted classes, confidences)."""
    files = {"actscope.json": ""}
    model = torch.jit.load(model_path, _extra_files=files).eval()
    card = json.loads(files["actscope.json"])
    images, labels = idx_images(data, kind, n)
    x = (torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1) - card["mean"][0]) / card["std"][0]
    features, logits = [], []
    with torch.no_grad():
        for start in range(0, len(x), 500):
            h = x[start:start + 500]
            for i in (1, 2):
                h = getattr(model, f"relu{i}")(getattr(model, f"bn{i}")(getattr(model, f"conv{i}")(h)))
            h = F.max_pool2d(h, 2)
            for i in (3, 4):
                h = getattr(model, f"relu{i}")(getattr(model, f"bn{i}")(getattr(model, f"conv{i}")(h)))
            h = F.max_pool2d(h, 2)
            h = model.relu5(model.bn5(model.conv5(h)))
            pooled = h.mean(dim=(2, 3))
            features.append(pooled)
            logits.append(model.fc(pooled))
    probabilities = torch.softmax(torch.cat(logits), 1)
    confidence, predicted = probabilities.max(1)
    return torch.cat(features).numpy(), labels, predicted.numpy(), confidence.numpy()


if __name__ == "__main__":
    model_path, data, kind, n, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    torch.set_num_threads(2)
    features, labels, _, _ = penultimate_features(model_path, data, kind, n)
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "features.npy"), features.astype(np.float32))
    np.save(os.path.join(out, "classes.npy"), labels)
