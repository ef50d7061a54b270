#!/usr/bin/python3
"""Writing where it cannot: an unwritable folder, a file-size limit, a full disk.

    check_unwritable.py CLI BUNDLED_MODEL SAMPLES_DIR

For cam, compare, weights, activations and predict --dataset (the CSV):
1. --out under a regular file (unwritable for root too): exit 1, the message
   names the path, nothing is created.
2. A file-size limit of 1 KB (RLIMIT_FSIZE, as `ulimit -f 1`): the write
   fails with "File too large" instead of the kernel killing the program
   mid-file: exit 1, and the output folder holds no temporary file and no
   half file: whatever is there is whole (PNG files decode, manifests
   parse), and no manifest is written when a file it lists is missing.
3. A full disk (/dev/full as the output of cam, weights and the CSV):
   exit 1, "No space left on device".
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

CLI, MODEL, SAMPLES = sys.argv[1:4]
A = os.path.join(SAMPLES, "00021_sandal.png")
B = os.path.join(SAMPLES, "01557_bag.png")


def commands(out_folder, out_file):
    """Each command with its output: a file inside out_folder, or the folder."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "samples")
    return {
        "cam": ["cam", "--model", MODEL, "--image", A, "--out", out_file("cam.png")],
        "weights": ["weights", "--model", MODEL, "--layer", "conv1", "--out", out_file("weights.png")],
        "compare": ["compare", "--model", MODEL, "--image", A, "--image", B, "--layer", "conv2", "--out", out_folder],
        "activations": ["activations", "--model", MODEL, "--image", A, "--out", out_folder],
        "predict": ["predict", "--model", MODEL, "--dataset", data, "--out", out_file("predictions.csv")],
    }


def run(args, limit=None):
    def limited():
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([CLI, *args], capture_output=True, text=True, preexec_fn=limited)


def whole(path):
    """True when the file at `path` is complete for its kind."""
    if path.endswith(".png"):
        try:
            Image.open(path).load()
            return True
        except Exception:
            return False
    if path.endswith(".json"):
        try:
            json.load(open(path))
            return True
        except ValueError:
            return False
    return True


def main():
    work = tempfile.mkdtemp(prefix="actscope-unwritable-")
    try:
        # 1. under a regular file
        blocker = os.path.join(work, "a_file")
        open(blocker, "w").write("x")
        inside = os.path.join(blocker, "out")
        for name, args in commands(inside, lambda f: os.path.join(inside, f)).items():
            result = run(args)
            assert result.returncode == 1, (name, result.returncode, result.stderr)
            assert inside in result.stderr, (name, result.stderr)
        assert os.listdir(work) == ["a_file"], os.listdir(work)

        # 2. a 1 KB file-size limit
        for name in commands(None, lambda f: f):
            folder = os.path.join(work, "limited_" + name)
            os.makedirs(folder)
            args = commands(folder, lambda f: os.path.join(folder, f))[name]
            result = run(args, limit=1024)
            assert result.returncode == 1, (name, result.returncode, result.stderr)
            assert "File too large" in result.stderr, (name, result.stderr)
            left = sorted(os.listdir(folder))
            assert not [f for f in left if f.startswith(".")], (name, left)  # no temporary file
            for f in left:
                assert whole(os.path.join(folder, f)), (name, f)
            assert "manifest.json" not in left, (name, left)

        # 3. a full disk
        for name in ("cam", "weights", "predict"):
            args = commands(None, lambda f: "/dev/full")[name]
            result = run(args)
            assert result.returncode == 1, (name, result.returncode, result.stderr)
            assert "/dev/full" in result.stderr and "No space left on device" in result.stderr, (name, result.stderr)
    finally:
        shutil.rmtree(work)
    print("unwritable folder, file-size limit and full disk: exit 1, named, no half file")


if __name__ == "__main__":
    main()
