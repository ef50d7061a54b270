#!/usr/bin/python3
"""Drives the real actscope-cli `faithfulness` and checks its numbers against Python.

    check_faithfulness.py CLI BUNDLED_MODEL SAMPLES_DIR

pytorch-grad-cam is not a Debian package, so its metrics are written out here
from its published code (pytorch_grad_cam/metrics: perturbation_confidence.py,
cam_mult_image.py, road.py), with ClassifierOutputSoftmaxTarget (or
ClassifierOutputTarget for --score logit) and the imputer's noise 0; the RISE
deletion and insertion curves (Petsiuk et al. 2018) as the README defines them,
in NumPy and torch (the blur a torch conv with reflected padding). Scores come
from the TorchScript model run by Python's torch. The maps measured are the
ones the CLI wrote (--npy): ROAD's percentiles are decided by single pixels,
so both sides must rank the same numbers; the maps themselves are checked
against Grad-CAM and friends computed on the eager model.

1. The bundled model (1 channel, 28x28), two sample images, the five gradient
   methods and the random map: every metric within 1e-4; the random map is
   numpy.random.RandomState(seed + index).random_sample((H, W)).
2. A 3-channel CNN at 224x224 made here (its card inside), one image: the same
   (a coarser --step keeps the curves short).
3. --score logit: the same metrics with the logit as the score.
4. --shard 0/2 and 1/2 merged equal one run exactly (images and summary);
   merge refuses a CKA file or an atlas among faithfulness files and a
   missing shard; a shard with no image of its own still merges.
5. Mistakes exit non-zero, name what is wrong and write no file.
6. Over the first 300 test images, Grad-CAM's mean deletion AUC is below the
   random map's and its insertion AUC above it (the README gives the
   figures over all 10,000).
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from scipy.sparse import csc_matrix, lil_matrix
from scipy.sparse.linalg import spsolve

CLI, MODEL, SAMPLES = sys.argv[1:4]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import make_cam_references as refs  # noqa: E402  (the CAM formulas in Python)

GRADIENT_METHODS = ["gradcam", "hirescam", "gradcam++", "xgradcam", "layercam"]
TOLERANCE = 1e-4


def run(*args, expect=0):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


# ---- pytorch-grad-cam's metrics, from its code ---------------------------------------------

NEIGHBOURS = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12),
              ((0, -1), 1 / 6), ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]


def setup_sparse_system(mask, img):
    """NoisyLinearImputer.setup_sparse_system: mask (H, W) 1 kept, img (C, H, W)."""
    maskflt = mask.flatten()
    imgflat = img.reshape((img.shape[0], -1))
    indices = np.argwhere(maskflt == 0).flatten()
    coords_to_vidx = np.zeros(len(maskflt), dtype=int)
    coords_to_vidx[indices] = np.arange(len(indices))
    n = len(indices)
    A = lil_matrix((n, n))
    b = np.zeros((n, img.shape[0]))
    sum_neighbors = np.ones(n)
    for offset, weight in NEIGHBOURS:
        cord1 = indices % mask.shape[1]
        cord0 = indices // mask.shape[1]
        cord0 = cord0 + offset[0]
        cord1 = cord1 + offset[1]
        invalid = (cord0 < 0) | (cord1 < 0) | (cord0 >= mask.shape[0]) | (cord1 >= mask.shape[1])
        valid = ~invalid
        new_coords = indices + offset[0] * mask.shape[1] + offset[1]
        valid_coords = new_coords[valid]
        valid_ids = np.argwhere(valid == 1).flatten()
        has_values_coords = valid_coords[maskflt[valid_coords] > 0.5]
        has_values_ids = valid_ids[maskflt[valid_coords] > 0.5]
        b[has_values_ids, :] -= weight * imgflat[:, has_values_coords].T
        has_no_values = valid_coords[maskflt[valid_coords] < 0.5]
        variable_ids = coords_to_vidx[has_no_values]
        has_no_values_ids = valid_ids[maskflt[valid_coords] < 0.5]
        A[has_no_values_ids, variable_ids] = weight
        sum_neighbors[np.argwhere(valid == 0).flatten()] -= weight
    A[np.arange(n), np.arange(n)] = -sum_neighbors
    return A, b


def impute(img, mask):
    """NoisyLinearImputer(noise=0).__call__: img (C, H, W) tensor, mask (H, W) tensor."""
    imgflt = img.reshape(img.shape[0], -1)
    indices_linear = np.argwhere(mask.reshape(-1).numpy() == 0).flatten()
    A, b = setup_sparse_system(mask.numpy(), img.numpy())
    res = torch.tensor(spsolve(csc_matrix(A), b), dtype=torch.float)
    if res.dim() == 1:  # spsolve returns a vector for one channel
        res = res[:, None]
    infill = imgflt.clone()
    infill[:, indices_linear] = res.t()
    return infill.reshape_as(img)


def remove(input_tensor, cam, percentile, least):
    """RemoveMostRelevantFirst / RemoveLeastRelevantFirst with the imputer above."""
    mask = 1 - cam if least else cam
    threshold = np.percentile(mask.cpu().numpy(), percentile)
    binary_mask = torch.from_numpy(np.float32(mask < threshold))
    return impute(input_tensor, binary_mask)


def perturbation_metric(model, target, x, cam, perturbation):
    """PerturbationConfidenceMetric.__call__ for one image, return_diff=True."""
    with torch.no_grad():
        score = np.float32(target(model(x)[0]).numpy())
        after = np.float32(target(model(perturbation(x[0], torch.from_numpy(cam))[None])[0]).numpy())
    return np.float32(after - score)


def grad_cam_metrics(model, target, x, cam):
    diff = perturbation_metric(model, target, x, cam, lambda t, c: t * c)
    morf = np.mean(np.float32([perturbation_metric(model, target, x, cam, lambda t, c: remove(t, c, p, False))
                               for p in range(10, 100, 10)]))
    lerf = np.mean(np.float32([perturbation_metric(model, target, x, cam, lambda t, c: remove(t, c, p, True))
                               for p in range(10, 100, 10)]))
    return {"drop_in_confidence": max(-diff, 0.0), "increase_in_confidence": float(diff > 0),
            "road_morf": morf, "road_lerf": lerf, "road_combined": (lerf - morf) / 2}


def softmax_target(category):
    return lambda output: torch.softmax(output, dim=-1)[category]


def logit_target(category):
    return lambda output: output[category]


# ---- RISE deletion and insertion ------------------------------------------------------------

def blur(x):
    """An 11x11 Gaussian of sigma 5 per channel, reflected borders (OpenCV's BORDER_REFLECT_101)."""
    t = torch.arange(11, dtype=torch.float64) - 5
    g = torch.exp(-t * t / (2 * 25.0))
    g = (g / g.sum()).float()
    channels = x.shape[1]
    padded = F.pad(x, (5, 5, 5, 5), mode="reflect")
    out = F.conv2d(padded, g.view(1, 1, 1, 11).repeat(channels, 1, 1, 1), groups=channels)
    return F.conv2d(out, g.view(1, 1, 11, 1).repeat(channels, 1, 1, 1), groups=channels)


def rise_curves(model, target, x, cam, step, black):
    _, C, H, W = x.shape
    order = np.argsort(-cam.reshape(-1), kind="stable")
    steps = (H * W + step - 1) // step
    counts = [min(i * step, H * W) for i in range(steps + 1)]
    blurred = blur(x)
    deleted, inserted = [], []
    for count in counts:
        chosen = torch.from_numpy(order[:count].copy())
        d = x.clone().reshape(C, -1)
        d[:, chosen] = black[:, None]
        deleted.append(d.reshape(1, C, H, W))
        i = blurred.clone().reshape(C, -1)
        i[:, chosen] = x.reshape(C, -1)[:, chosen]
        inserted.append(i.reshape(1, C, H, W))
    with torch.no_grad():
        deletion = [float(target(model(d)[0])) for d in deleted]
        insertion = [float(target(model(i)[0])) for i in inserted]
    xs = np.array(counts, dtype=np.float64) / (H * W)
    return deletion, insertion, float(np.trapz(deletion, xs)), float(np.trapz(insertion, xs))


# ---- the comparison ---------------------------------------------------------------------------

def check_image(model, x, entry, maps_dir, seed, step, black, score, mean_std=None):
    c = entry["class"]
    target = softmax_target(c) if score == "probability" else logit_target(c)
    worst = 0.0
    for method, got in entry["methods"].items():
        cam = np.load(os.path.join(maps_dir, entry["stem"], method + ".npy"))
        assert cam.dtype == np.float32 and cam.shape == tuple(x.shape[2:]), (cam.dtype, cam.shape)
        if method == "random":
            expected_map = np.random.RandomState(seed + entry["index"]).random_sample(cam.shape).astype(np.float32)
            assert np.array_equal(cam, expected_map), "the random map is not RandomState(seed + index)'s"
        expected = grad_cam_metrics(model, target, x, cam)
        deletion, insertion, deletion_auc, insertion_auc = rise_curves(model, target, x, cam, step, black)
        expected.update({"deletion_auc": deletion_auc, "insertion_auc": insertion_auc})
        for name, value in expected.items():
            assert abs(got[name] - float(value)) <= TOLERANCE, (entry["name"], method, name, got[name], value)
            worst = max(worst, abs(got[name] - float(value)))
        for name, curve in (("deletion_curve", deletion), ("insertion_curve", insertion)):
            assert len(got[name]) == len(curve), (method, name, len(got[name]), len(curve))
            assert np.abs(np.array(got[name]) - np.array(curve)).max() <= TOLERANCE, (method, name)
    return worst


def gradient_maps(model, x, layer, c):
    """Grad-CAM and friends of image x on the eager model (make_cam_references' formulas)."""
    acts = {}
    handle = model.get_submodule(layer).register_forward_hook(
        lambda module, inputs, output: (acts.__setitem__("A", output), output.clone())[1])
    try:
        logits = model(x)
        (G,) = torch.autograd.grad(logits[0, c], [acts["A"]])
    finally:
        handle.remove()
    raws = refs.gradient_raw_maps(acts["A"].detach(), G)
    return {name: refs.final_map(raw, tuple(x.shape[2:]))[0].numpy() for name, raw in raws.items()}


def check_maps(eager, x, layer, entry, maps_dir):
    expected = gradient_maps(eager, x, layer, entry["class"])
    for method in GRADIENT_METHODS:
        cam = np.load(os.path.join(maps_dir, entry["stem"], method + ".npy"))
        assert np.abs(cam - expected[method]).max() <= 1e-4, (method, np.abs(cam - expected[method]).max())


def bundled_model_case(work):
    files = {"actscope.json": ""}
    scripted = torch.jit.load(MODEL, _extra_files=files).eval()
    card = json.loads(files["actscope.json"])
    images = [os.path.join(SAMPLES, name) for name in ("02180_ankle_boot.png", "01236_shirt.png")]
    out = os.path.join(work, "bundled")
    methods = sum((["--method", m] for m in GRADIENT_METHODS + ["random"]), [])
    run("faithfulness", "--model", MODEL, "--image", images[0], "--image", images[1], *methods, "--road-noise", "0",
        "--seed", "7", "--npy", "--layer", "relu5", "--out", out, "--quiet")
    document = json.load(open(os.path.join(out, "faithfulness.json")))
    assert document["format"] == "actscope-faithfulness"
    assert len(document["images"]) == 2 and Image.open(os.path.join(out, "faithfulness.png")).size[0] >= 900
    eager = refs.eager_from_scripted(refs.load_fashion_cnn_class()(num_classes=len(card["labels"])), MODEL,
                                     torch.zeros(1, 1, 28, 28), "fashion_cnn")
    black = torch.tensor([(0.0 - card["mean"][0]) / card["std"][0]], dtype=torch.float32)
    worst = 0.0
    for path, entry in zip(images, document["images"]):
        pixels = np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0
        x = ((torch.from_numpy(pixels)[None, None] - card["mean"][0]) / card["std"][0]).contiguous()
        assert entry["class"] == int(scripted(x).argmax(1)), "the class scored is not the predicted one"
        check_maps(eager, x, "relu5", entry, os.path.join(out, "maps"))
        worst = max(worst, check_image(scripted, x, entry, os.path.join(out, "maps"), 7, 28, black, "probability"))
    # The summary is the images' mean and population spread.
    for method in document["settings"]["methods"]:
        values = [image["methods"][method]["deletion_auc"] for image in document["images"]]
        summary = document["summary"][method]["deletion_auc"]
        assert abs(summary["mean"] - np.mean(values)) <= 1e-12 and abs(summary["std"] - np.std(values)) <= 1e-12

    # --score logit, on the first image.
    logit_out = os.path.join(work, "logit")
    run("faithfulness", "--model", MODEL, "--image", images[0], "--method", "gradcam", "--road-noise", "0",
        "--score", "logit", "--npy", "--out", logit_out, "--quiet")
    entry = json.load(open(os.path.join(logit_out, "faithfulness.json")))["images"][0]
    pixels = np.asarray(Image.open(images[0]).convert("L"), dtype=np.float32) / 255.0
    x = ((torch.from_numpy(pixels)[None, None] - card["mean"][0]) / card["std"][0]).contiguous()
    worst = max(worst, check_image(scripted, x, entry, os.path.join(logit_out, "maps"), 0, 28, black, "logit"))
    print(f"bundled model: every metric within {worst:.2e} of Python")


class SmallRgbNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 5, stride=2, padding=2)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.relu3 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.relu3(self.conv3(self.relu2(self.conv2(self.relu1(self.conv1(x))))))
        return self.fc(torch.flatten(self.pool(x), 1))


def rgb_case(work):
    torch.manual_seed(3)
    eager = SmallRgbNet().eval()
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    card = {"input": {"channels": 3, "height": 224, "width": 224, "channel_order": "RGB"}, "mean": mean, "std": std,
            "labels": ["a", "b", "c", "d", "e"]}
    path = os.path.join(work, "rgb.pt")
    torch.jit.save(torch.jit.script(eager), path, _extra_files={"actscope.json": json.dumps(card)})
    scripted = torch.jit.load(path).eval()
    yy, xx = np.mgrid[0:224, 0:224]
    picture = np.stack([128 + 100 * np.sin(xx / 17.0), 128 + 100 * np.cos(yy / 23.0), (xx + yy) % 256], -1)
    image = os.path.join(work, "pattern.png")
    Image.fromarray(picture.astype(np.uint8)).save(image)
    out = os.path.join(work, "rgb")
    step = 224 * 16
    methods = sum((["--method", m] for m in GRADIENT_METHODS), [])
    run("faithfulness", "--model", path, "--image", image, *methods, "--road-noise", "0", "--step", str(step),
        "--npy", "--layer", "relu3", "--out", out, "--quiet")
    entry = json.load(open(os.path.join(out, "faithfulness.json")))["images"][0]
    pixels = torch.from_numpy(np.asarray(Image.open(image), dtype=np.float32) / 255.0).permute(2, 0, 1)
    x = ((pixels - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None])[None].contiguous()
    black = torch.tensor([(0.0 - m) / s for m, s in zip(mean, std)], dtype=torch.float32)
    check_maps(eager, x, "relu3", entry, os.path.join(out, "maps"))
    worst = check_image(scripted, x, entry, os.path.join(out, "maps"), 0, step, black, "probability")
    print(f"3-channel 224x224 model: every metric within {worst:.2e} of Python")


def shards_case(work):
    common = ["--model", MODEL, "--dataset", "/usr/share/datasets/fashion-mnist", "--indices", "0-4",
              "--method", "gradcam", "--method", "random", "--batch", "1", "--quiet"]
    whole = os.path.join(work, "whole")
    run("faithfulness", *common, "--out", whole)
    parts = [os.path.join(work, f"part{k}") for k in range(2)]
    for k, part in enumerate(parts):
        run("faithfulness", *common, "--shard", f"{k}/2", "--out", part)
    merged = os.path.join(work, "merged")
    run("merge", parts[1], parts[0], "--out", merged)
    one = json.load(open(os.path.join(whole, "faithfulness.json")))
    two = json.load(open(os.path.join(merged, "faithfulness.json")))
    assert one["images"] == two["images"], "merged images differ from one run's"
    assert one["summary"] == two["summary"], "the merged summary differs from one run's"
    assert two["shard"] == {"index": 0, "count": 1} and os.path.exists(os.path.join(merged, "faithfulness.png"))
    # Three shards of two images: the third has none, and still merges.
    few = ["--model", MODEL, "--dataset", "/usr/share/datasets/fashion-mnist", "--indices", "0-1", "--quiet"]
    thirds = [os.path.join(work, f"third{k}") for k in range(3)]
    for k, part in enumerate(thirds):
        run("faithfulness", *few, "--method", "gradcam", "--method", "random", "--shard", f"{k}/3", "--out", part)
    assert json.load(open(os.path.join(thirds[2], "faithfulness.json")))["images"] == []
    run("merge", *thirds, "--out", os.path.join(work, "thirds"))
    assert len(json.load(open(os.path.join(work, "thirds", "faithfulness.json")))["images"]) == 2
    # A CKA file among them, and a missing shard: refused, nothing written.
    cka = os.path.join(work, "cka")
    run("cka", "--model", MODEL, "--model", MODEL, "--dataset", "/usr/share/datasets/fashion-mnist", "--limit", "8",
        "--batch", "4", "--out", cka, "--quiet")
    atlas = os.path.join(work, "atlas")
    run("scan", "--model", MODEL, "--dataset", "/usr/share/datasets/fashion-mnist", "--limit", "8", "--out", atlas,
        "--quiet")
    refused = os.path.join(work, "refused")
    for other in (cka, atlas):
        result = run("merge", parts[0], other, "--out", refused, expect=1)
        assert "cannot be merged" in result.stderr, result.stderr
    result = run("merge", parts[0], "--out", refused, expect=1)
    assert "1 of 2 shards" in result.stderr, result.stderr
    assert not os.path.exists(refused)


def mistakes_case(work):
    out = os.path.join(work, "mistakes")
    sample = os.path.join(SAMPLES, "02180_ankle_boot.png")
    result = run("faithfulness", "--model", MODEL, "--image", sample, "--method", "gradcan", "--out", out, expect=1)
    assert "gradcan" in result.stderr, result.stderr
    run("faithfulness", "--model", MODEL, "--image", sample, "--score", "softmax", "--out", out, expect=2)
    result = run("faithfulness", "--model", MODEL, "--image", os.path.join(work, "missing.png"), "--out", out,
                 expect=1)
    assert "missing.png" in result.stderr, result.stderr
    result = run("faithfulness", "--model", MODEL, "--image", sample, "--layer", "fc", "--out", out, expect=1)
    assert "fc" in result.stderr, result.stderr
    assert not os.path.exists(os.path.join(out, "faithfulness.json")), "a failed run left faithfulness.json"


def sanity_case(work):
    out = os.path.join(work, "sanity")
    run("faithfulness", "--model", MODEL, "--dataset", "/usr/share/datasets/fashion-mnist", "--limit", "300",
        "--method", "gradcam", "--method", "random", "--out", out, "--quiet")
    document = json.load(open(os.path.join(out, "faithfulness.json")))
    summary = document["summary"]
    assert summary["gradcam"]["deletion_auc"]["count"] == 300
    for method in ("gradcam", "random"):  # the summary is the mean of the images' values
        values = [image["methods"][method]["insertion_auc"] for image in document["images"]]
        assert abs(summary[method]["insertion_auc"]["mean"] - np.mean(values)) <= 1e-12
    deletion = (summary["gradcam"]["deletion_auc"]["mean"], summary["random"]["deletion_auc"]["mean"])
    insertion = (summary["gradcam"]["insertion_auc"]["mean"], summary["random"]["insertion_auc"]["mean"])
    assert deletion[0] < deletion[1], deletion
    assert insertion[0] > insertion[1], insertion
    print(f"300 images: deletion AUC gradcam {deletion[0]:.4f} < random {deletion[1]:.4f}; "
          f"insertion AUC gradcam {insertion[0]:.4f} > random {insertion[1]:.4f}")


def main():
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as work:
        bundled_model_case(work)
        rgb_case(work)
        shards_case(work)
        mistakes_case(work)
        sanity_case(work)
    print("ok")


if __name__ == "__main__":
    main()
