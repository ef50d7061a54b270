#!/usr/bin/python3
"""Checks `actscope-cli embed` against scikit-learn and NumPy.

    check_embed.py CLI MODEL FASHION_MNIST_DIR

1. scikit-learn's digits (1,797 x 64) passed as --features with int16
   classes and a labels file: trustworthiness T(5) >= 0.98; the CSV names
   every row's class; the manifest's KL divergence equals the exact KL of
   the written layout against P as scikit-learn computes it (its
   _joint_probabilities_nn on the 90 nearest neighbours) within 3 %
   (Barnes-Hut's Z is approximate); a second run with the same seed writes
   the same bytes.
2. --method pca: the coordinates equal NumPy's SVD projection of the
   centred features, each axis up to its sign, within 1e-4 of the largest.
3. The bundled model's penultimate features of the first 5,000 Fashion-MNIST
   test images (computed here by PyTorch): the CSV's classes, predictions and
   confidences are PyTorch's; T(10) of our layout is at least scikit-learn's
   TSNE(init="pca", learning_rate="auto", random_state=0) minus 0.01; the PNG
   is a picture with the classes' colours and crosses; --layer relu5 --flatten
   with PCA equals NumPy's projection of relu5's maps flattened.
4. Bad input: usage mistakes exit 2, unreadable or wrong arrays and unknown
   layers exit 1 naming the file or layer, and nothing is written.
"""

import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from fashion_features import idx_images, penultimate_features  # noqa: E402

CLI, MODEL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
THREADS = "2"


def run(*args, expect=0):
    done = subprocess.run([CLI, "embed", "--quiet", "--threads", THREADS, *args], capture_output=True, text=True)
    assert done.returncode == expect, (args, done.returncode, done.stderr)
    return done


def read_csv(folder):
    with open(os.path.join(folder, "embedding.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    layout = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    assert np.isfinite(layout).all()
    return rows, layout


def exact_kl(features, layout, perplexity=30.0):
    """KL(P || Q) with P as scikit-learn builds it and Q over every pair."""
    k = int(round(3 * perplexity))
    nn = NearestNeighbors(n_neighbors=k).fit(features)
    distances = nn.kneighbors_graph(mode="distance")
    distances.data **= 2
    p = _joint_probabilities_nn(distances, perplexity, 0).tocoo()
    diff = layout[:, None, :] - layout[None, :, :]
    w = 1.0 / (1.0 + (diff ** 2).sum(-1))
    np.fill_diagonal(w, 0.0)
    q = w[p.row, p.col] / w.sum()
    return float(np.sum(p.data * np.log(np.maximum(p.data, 1e-12) / np.maximum(q, 1e-12))))


def check_pca(features, layout):
    centred = features.astype(np.float64) - features.astype(np.float64).mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:2].T
    tolerance = 1e-4 * np.abs(expected).max()
    for axis in range(2):
        error = min(np.abs(layout[:, axis] - expected[:, axis]).max(), np.abs(layout[:, axis] + expected[:, axis]).max())
        assert error <= tolerance, (axis, error, tolerance)


def check_digits(tmp):
    digits = load_digits()
    features = digits.data.astype(np.float32)
    np.save(os.path.join(tmp, "digits.npy"), features)
    np.save(os.path.join(tmp, "digit_classes.npy"), digits.target.astype(np.int16))
    with open(os.path.join(tmp, "digit_names.txt"), "w") as f:
        f.write("\n".join(f"digit {d}" for d in range(10)) + "\n")
    args = ["--features", os.path.join(tmp, "digits.npy"), "--classes", os.path.join(tmp, "digit_classes.npy"),
            "--labels", os.path.join(tmp, "digit_names.txt")]
    out = os.path.join(tmp, "digits")
    run(*args, "--out", out)
    rows, layout = read_csv(out)
    assert [int(r["index"]) for r in rows] == list(range(len(features)))
    assert [int(r["true_class"]) for r in rows] == digits.target.tolist()
    assert all(r["true_label"] == f"digit {int(r['true_class'])}" for r in rows)
    assert all(r["predicted_class"] == "" and r["correct"] == "" for r in rows)
    t5 = trustworthiness(features, layout, n_neighbors=5)
    print(f"digits: T(5) {t5:.4f}")
    assert t5 >= 0.98, t5
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    kl = exact_kl(features, layout)
    print(f"digits: KL {manifest['kl_divergence']:.4f}, exact {kl:.4f}")
    assert abs(manifest["kl_divergence"] - kl) <= 0.03 * kl, (manifest["kl_divergence"], kl)
    assert manifest["parameters"]["iterations"] == 750 and manifest["parameters"]["perplexity"] == 30
    again = os.path.join(tmp, "digits_again")
    run(*args, "--out", again)
    digest = [hashlib.sha256(open(os.path.join(d, "embedding.csv"), "rb").read()).hexdigest() for d in (out, again)]
    assert digest[0] == digest[1], "the same seed and threads gave another layout"
    pca = os.path.join(tmp, "digits_pca")
    run(*args, "--method", "pca", "--out", pca)
    check_pca(features, read_csv(pca)[1])


def relu5_maps(count):
    files = {"actscope.json": ""}
    model = torch.jit.load(MODEL, _extra_files=files).eval()
    card = json.loads(files["actscope.json"])
    images, _ = idx_images(DATA, "t10k", count)
    h = (torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1) - card["mean"][0]) / card["std"][0]
    with torch.no_grad():
        for i in (1, 2, 3, 4, 5):
            h = getattr(model, f"relu{i}")(getattr(model, f"bn{i}")(getattr(model, f"conv{i}")(h)))
            if i in (2, 4):
                h = F.max_pool2d(h, 2)
    return h.flatten(1).numpy()


def check_fashion(tmp):
    count = 5000
    features, labels, predicted, confidence = penultimate_features(MODEL, DATA, "t10k", count)
    out = os.path.join(tmp, "fashion")
    run("--model", MODEL, "--dataset", DATA, "--limit", str(count), "--out", out)
    rows, layout = read_csv(out)
    assert len(rows) == count
    assert [int(r["true_class"]) for r in rows] == labels.tolist()
    ours = np.array([int(r["predicted_class"]) for r in rows])
    differ = np.flatnonzero(ours != predicted)
    assert len(differ) <= 2, differ
    assert np.abs(np.array([float(r["confidence"]) for r in rows]) - confidence).max() < 1e-4
    assert all(r["correct"] == str(int(r["true_class"] == r["predicted_class"])) for r in rows)
    assert rows[3]["image"].endswith("[3]") and rows[0]["true_label"] == "Ankle boot", rows[0]
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    assert manifest["layer"] == ":flatten", manifest["layer"]
    assert manifest["source"]["model"]["sha256"] == hashlib.sha256(open(MODEL, "rb").read()).hexdigest()
    reference = TSNE(init="pca", learning_rate="auto", random_state=0, n_jobs=int(THREADS)).fit_transform(features)
    t_ours = trustworthiness(features, layout, n_neighbors=10)
    t_sklearn = trustworthiness(features, reference, n_neighbors=10)
    print(f"fashion 5,000: T(10) ours {t_ours:.4f}, scikit-learn {t_sklearn:.4f}")
    assert t_ours >= t_sklearn - 0.01, (t_ours, t_sklearn)
    picture = np.asarray(Image.open(os.path.join(out, "embedding.png")).convert("RGB"))
    assert picture.shape == (800, 1100, 3), picture.shape
    assert (picture == [31, 119, 180]).all(-1).sum() > 100, "no point in class 0's colour"
    assert (picture == [60, 60, 60]).all(-1).sum() > 100, "no dark cross outline for misclassified images"
    flat = os.path.join(tmp, "flat")
    run("--model", MODEL, "--dataset", DATA, "--limit", "300", "--layer", "relu5", "--flatten", "--method", "pca",
        "--out", flat)
    check_pca(relu5_maps(300), read_csv(flat)[1])


def check_bad_input(tmp):
    out = os.path.join(tmp, "bad")
    digits = os.path.join(tmp, "digits.npy")
    assert "not both" in run("--model", MODEL, "--dataset", DATA, "--features", digits, "--out", out, expect=2).stderr
    assert "--features" in run("--out", out, expect=2).stderr
    np.save(os.path.join(tmp, "doubles.npy"), np.zeros((10, 3)))
    np.save(os.path.join(tmp, "ids.npy"), np.full(len(load_digits().target), 10 ** 9, dtype=np.int64))
    for args, named in [(["--features", os.path.join(tmp, "missing.npy")], "missing.npy"),
                        (["--features", os.path.join(tmp, "doubles.npy")], "doubles.npy"),
                        (["--features", MODEL], MODEL),
                        (["--features", digits, "--classes", os.path.join(tmp, "doubles.npy")], "doubles.npy"),
                        (["--features", digits, "--classes", os.path.join(tmp, "ids.npy")], "ids.npy"),
                        (["--model", MODEL, "--dataset", DATA, "--layer", "conv9"], "conv9")]:
        err = run(*args, "--out", out, expect=1).stderr
        assert named in err, (args, err)
    assert not os.path.exists(out) or os.listdir(out) == [], os.listdir(out)


def main():
    torch.set_num_threads(int(THREADS))
    with tempfile.TemporaryDirectory() as tmp:
        check_digits(tmp)
        check_bad_input(tmp)
        check_fashion(tmp)
    print("embed agrees with scikit-learn and NumPy")


if __name__ == "__main__":
    main()
