#!/usr/bin/python3
"""--resize S --crop HxW gives the model what torchvision's Resize(S) +
CenterCrop(H, W) + ToTensor + Normalize gives it (Debian's python3-torchvision,
PIL's bilinear resampling with antialias), on a 640x427 photo-like JPEG.

    check_resize.py CLI FIXTURE_DIR

1. The input: a 1x1 convolution with identity weights, captured with
   `activations --npy`, is the input the engine built; its mean absolute
   difference from torchvision's tensor is at most 0.01 (normalized units).
2. The prediction of the fixture resnet18 (fixed seed): every probability of
   `predict --json` within 2% of the top probability of torchvision's pipeline.
3. Stretching instead (no --resize) is measurably farther from torchvision:
   the check can tell the two apart.
4. --labels FILE names the classes (one per line) in predict's JSON; the
   shipped ImageNet names (resources/labels/imagenet_classes.txt) are
   torchvision's, line for line.
5. A folder of class folders for a model without labels gives the classes
   torchvision's ImageFolder gives (sorted folder names), in the CSV.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from torchvision import transforms
from torchvision.datasets import ImageFolder

CLI, FIXTURES = sys.argv[1:3]
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def run(*args):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == 0, (args, result.returncode, result.stderr)
    return result


def photo(path):
    """A 640x427 picture with smooth shading, edges and fine texture (what
    resampling filters disagree on), saved as a JPEG."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:427, 0:640].astype(np.float32)
    image = np.stack([128 + 100 * np.sin(x / 37.0) * np.cos(y / 23.0),
                      128 + 90 * np.cos((x + y) / 51.0),
                      (x * 0.3 + y * 0.2) % 256], axis=-1)
    image[100:300, 200:420] = [230, 40, 60]
    image += rng.normal(0, 18, image.shape)
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(path, quality=92)


def torchvision_input(path):
    pipeline = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                   transforms.Normalize(MEAN, STD)])
    return pipeline(Image.open(path).convert("RGB"))


def identity_model(path):
    conv = torch.nn.Conv2d(3, 3, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.eye(3).reshape(3, 3, 1, 1))
    model = torch.nn.Sequential(conv, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    torch.jit.save(torch.jit.script(model.eval()), path)


def engine_input(work, image, resize):
    model = os.path.join(work, "identity.pt")
    identity_model(model)
    out = os.path.join(work, "input-" + ("resized" if resize else "stretched"))
    flags = ["--resize", "256"] if resize else []
    run("activations", "--model", model, "--image", image, "--layer", "0", "--npy", "--quiet", "--out", out,
        "--crop", "224x224", "--channels", "3", "--mean", ",".join(map(str, MEAN)), "--std", ",".join(map(str, STD)),
        *flags)
    return np.load(os.path.join(out, "0.npy"))


def main():
    with tempfile.TemporaryDirectory() as work:
        image = os.path.join(work, "photo.jpg")
        photo(image)
        expected = torchvision_input(image).numpy()
        ours = engine_input(work, image, resize=True)
        assert ours.shape == expected.shape, (ours.shape, expected.shape)
        difference = float(np.abs(ours - expected).mean())
        assert difference <= 0.01, difference
        stretched = float(np.abs(engine_input(work, image, resize=False) - expected).mean())
        assert stretched > 10 * max(difference, 1e-4), (stretched, difference)

        resnet = os.path.join(FIXTURES, "resnet18_scripted.pt")
        model = torch.jit.load(resnet).eval()
        with torch.no_grad():
            reference = torch.softmax(model(torchvision_input(image)[None]), 1)[0].numpy()
        predicted = json.loads(run("predict", "--model", resnet, "--image", image, "--top", "1000", "--json",
                                   "--resize", "256", "--crop", "224x224", "--channels", "3",
                                   "--mean", ",".join(map(str, MEAN)), "--std", ",".join(map(str, STD))).stdout)
        probabilities = np.zeros_like(reference)
        for entry in predicted[0]["top"]:
            probabilities[entry["class"]] = entry["probability"]
        worst = float(np.abs(probabilities - reference).max())
        assert worst <= 0.02 * reference.max(), (worst, reference.max())

        # --labels: class names from a text file, in predict's JSON.
        labels = os.path.join(work, "names.txt")
        with open(labels, "w") as f:
            f.write("".join(f"thing {i}\r\n" for i in range(1000)))
        named = json.loads(run("predict", "--model", resnet, "--image", image, "--top", "3", "--json",
                               "--labels", labels, "--crop", "224x224", "--channels", "3").stdout)
        assert all(entry["label"] == f"thing {entry['class']}" for entry in named[0]["top"]), named
        from torchvision.models import _meta
        shipped = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "labels", "imagenet_classes.txt")
        with open(shipped, encoding="utf-8") as f:
            assert f.read().split("\n")[:-1] == list(_meta._IMAGENET_CATEGORIES), "the shipped names are torchvision's"
        imagenet = json.loads(run("predict", "--model", resnet, "--image", image, "--top", "3", "--json",
                                  "--labels", shipped, "--crop", "224x224", "--channels", "3").stdout)
        assert all(entry["label"] == _meta._IMAGENET_CATEGORIES[entry["class"]] for entry in imagenet[0]["top"]), imagenet

        # A folder of class folders for a model without labels: classes and
        # their indices as torchvision's ImageFolder gives them.
        folders = os.path.join(work, "folders")
        for name in ("cats", "Dogs", "birds"):
            os.makedirs(os.path.join(folders, name))
            Image.open(image).resize((64, 48)).save(os.path.join(folders, name, "x.png"))
        table = os.path.join(work, "predictions.csv")
        run("predict", "--model", resnet, "--dataset", folders, "--out", table, "--crop", "64x64", "--channels", "3",
            "--quiet")
        classes = ImageFolder(folders).class_to_idx
        rows = list(csv.DictReader(open(table)))
        assert len(rows) == 3, rows
        for row in rows:
            folder = os.path.basename(os.path.dirname(row["image"]))
            assert int(row["true_class"]) == classes[folder] and row["true_label"] == folder, (row, classes)
        # --labels names the classes in the CSV too: folders named with the
        # file's names are those classes, and the predictions are named.
        named_folders = os.path.join(work, "named")
        for name in ("thing 7", "thing 3"):
            os.makedirs(os.path.join(named_folders, name))
            Image.open(image).resize((64, 48)).save(os.path.join(named_folders, name, "x.png"))
        named_table = os.path.join(work, "named.csv")
        run("predict", "--model", resnet, "--dataset", named_folders, "--out", named_table, "--crop", "64x64",
            "--channels", "3", "--labels", labels, "--quiet")
        rows = list(csv.DictReader(open(named_table)))
        assert len(rows) == 2, rows
        for row in rows:
            folder = os.path.basename(os.path.dirname(row["image"]))
            assert row["true_label"] == folder and int(row["true_class"]) == int(folder.split()[1]), row
            assert row["predicted_label"] == f"thing {row['predicted_class']}", row
        print(f"--resize 256 --crop 224x224: input mean |diff| {difference:.5f} (stretched {stretched:.3f}), "
              f"probabilities within {worst / reference.max():.2%} of the top one")


if __name__ == "__main__":
    main()
