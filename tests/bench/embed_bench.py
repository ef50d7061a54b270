#!/usr/bin/python3
"""actscope-cli embed --features against scikit-learn's TSNE on the same
features, one run, same thread count, same machine.

    embed_bench.py CLI MODEL FASHION_MNIST_DIR [--threads 2] [--skip-60k]

1. The bundled model's penultimate features of the first 10,000 Fashion-MNIST
   training images (PyTorch, fashion_features.py; not timed on either side)
   written as .npy. Then, alternating, 3 rounds of: `actscope-cli embed
   --features` (the whole process) and scikit-learn's
   TSNE(init="pca", learning_rate="auto", random_state=0, n_jobs=threads)
   .fit_transform (in this process, imports done) with OMP_NUM_THREADS at
   the same count. Prints each side's median seconds, the ratio and
   trustworthiness T(10) of both layouts.
2. All 60,000 training images: the wall time and the peak RSS of embed
   (GNU time, /usr/bin/time).
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fashion_features import penultimate_features  # noqa: E402


def layout_of(folder):
    with open(os.path.join(folder, "embedding.csv"), newline="") as f:
        return np.array([[float(r["x"]), float(r["y"])] for r in csv.DictReader(f)])


def embed(cli, features, out, threads):
    start = time.perf_counter()
    subprocess.run([cli, "embed", "--features", features, "--out", out, "--quiet", "--threads", str(threads)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-60k", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    from sklearn.manifold import TSNE, trustworthiness
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        features = penultimate_features(args.model, args.data, "train", 60000)[0].astype(np.float32)
        small = os.path.join(tmp, "f10k.npy")
        np.save(small, features[:10000])
        ours, theirs = [], []
        for round_ in range(args.rounds):
            ours.append(embed(args.cli, small, os.path.join(tmp, "ours"), args.threads))
            start = time.perf_counter()
            reference = TSNE(init="pca", learning_rate="auto", random_state=0,
                             n_jobs=args.threads).fit_transform(features[:10000])
            theirs.append(time.perf_counter() - start)
            print(f"round {round_ + 1}: embed {ours[-1]:.2f} s, scikit-learn {theirs[-1]:.2f} s", flush=True)
        t_ours = trustworthiness(features[:10000], layout_of(os.path.join(tmp, "ours")), n_neighbors=10)
        t_theirs = trustworthiness(features[:10000], reference, n_neighbors=10)
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"10,000 x {features.shape[1]}, {args.threads} threads: embed {a:.2f} s, scikit-learn {b:.2f} s, "
              f"ratio embed/sklearn {a / b:.3f} ({b / a:.1f}x faster); T(10) embed {t_ours:.4f}, "
              f"scikit-learn {t_theirs:.4f}")
        if args.skip_60k:
            return
        large = os.path.join(tmp, "f60k.npy")
        np.save(large, features)
        # GNU time reports the program's own peak (a child's rusage here would count the
        # pages it shared with this large Python process between fork and exec).
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "peak %M", args.cli, "embed", "--features", large, "--out",
                               os.path.join(tmp, "large"), "--quiet", "--threads", str(args.threads)],
                              check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak = int(done.stderr.strip().splitlines()[-1].split()[1]) / 1024
        print(f"60,000 x {features.shape[1]}: embed {seconds:.1f} s, peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
