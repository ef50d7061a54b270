#!/usr/bin/python3
"""Models that are damaged, fail when they run, or give what is not logits.

    check_bad_models.py CLI FIXTURES SAMPLES_DIR

Each of predict, cam and compare, on each model of FIXTURES/invalid, exits 1
with a message naming the model and what is wrong, and leaves its output
folder empty (no partial or temporary file):
- corrupt_pickle.pt, corrupt_code.pt: valid zip archives whose TorchScript
  is damaged ("damaged or truncated TorchScript archive", "cannot load");
- raising_forward.pt: forward() raises ("the model failed to run" with the
  model's own message);
- non_tensor_forward.pt: forward() returns a list ("did not return");
- nan_forward.pt, inf_forward.pt: NaN or Inf logits ("NaN or Inf logits").
The healthy sibling small.pt passes the same commands (exit 0, files written).
`predict --dataset` with nan_forward.pt writes every row, each skipped with
the reason, and exits 1.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile

CLI, FIXTURES, SAMPLES = sys.argv[1:4]
CARD = ["--input-size", "8x8", "--channels", "1", "--mean", "0.5", "--std", "0.5"]
A = os.path.join(SAMPLES, "00021_sandal.png")
B = os.path.join(SAMPLES, "01557_bag.png")
BAD = {
    "corrupt_pickle": "damaged or truncated TorchScript archive",
    "corrupt_code": "cannot load the TorchScript archive",
    "raising_forward": "this model fails on purpose",
    "non_tensor_forward": "did not return",
    "nan_forward": "NaN or Inf logits",
    "inf_forward": "NaN or Inf logits",
}


def commands(model, out):
    return {
        "predict": ["predict", "--model", model, *CARD, "--image", A],
        "cam": ["cam", "--model", model, *CARD, "--image", A, "--out", os.path.join(out, "cam.png"),
                "--npy", os.path.join(out, "cam.npy"), "--layer", "relu"],
        "compare": ["compare", "--model", model, *CARD, "--image", A, "--image", B, "--layer", "relu",
                    "--true", "0", "--true", "1", "--out", out],
    }


def main():
    work = tempfile.mkdtemp(prefix="actscope-bad-models-")
    try:
        for name, why in [*BAD.items(), ("small", None)]:
            model = os.path.join(FIXTURES, "invalid", name + ".pt")
            for command, args in commands(model, os.path.join(work, name)).items():
                out = os.path.join(work, name)
                os.makedirs(out)
                result = subprocess.run([CLI, *args], capture_output=True, text=True)
                if why is None:
                    assert result.returncode == 0, (name, command, result.stderr)
                    assert command == "predict" or os.listdir(out), (name, command, "wrote nothing")
                else:
                    assert result.returncode == 1, (name, command, result.returncode, result.stderr)
                    assert name + ".pt" in result.stderr and why in result.stderr, (name, command, result.stderr)
                    assert "Traceback" not in result.stderr and "frame #" not in result.stderr, result.stderr
                    assert os.listdir(out) == [], (name, command, os.listdir(out))
                shutil.rmtree(out)

        data = os.path.join(work, "data")
        os.makedirs(data)
        for image in (A, B):
            shutil.copy(image, data)
        table = os.path.join(work, "predictions.csv")
        model = os.path.join(FIXTURES, "invalid", "nan_forward.pt")
        result = subprocess.run([CLI, "predict", "--model", model, *CARD, "--dataset", data, "--out", table,
                                 "--quiet"], capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        assert "2 of 2 images were skipped" in result.stderr, result.stderr
        with open(table, newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 2, rows
        for row in rows:
            assert row["predicted_class"] == "-1" and "NaN or Inf logits" in row["error"], row
            assert os.path.basename(row["image"]) in row["error"], row
    finally:
        shutil.rmtree(work)
    print("damaged, failing and non-finite models: exit 1, named, nothing written")


if __name__ == "__main__":
    main()
