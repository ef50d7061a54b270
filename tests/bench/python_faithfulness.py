#!/usr/bin/python3
"""Time every faithfulness metric of Grad-CAM done the usual Python way (torch
and scipy), for comparison with actscope's engine (core/faithfulness).

    /usr/bin/python3 tests/bench/python_faithfulness.py --model fashion_cnn --images 1000 --threads 2

Images: the first N of Fashion-MNIST's test set (/usr/share/datasets/fashion-mnist),
pixels / 255 normalized by the card's mean and std; for resnet18 (eager
torchvision resnet18 with FIXTURES/resnet18_scripted.pt's weights) the same
images resized to 224x224 (bilinear), gray in all three channels, ImageNet's
mean and std.

Per batch of 16 images: Grad-CAM of the predicted class on the target layer
(python_gradcam.py's hooks; the map min-max scaled, upsampled, scaled again).
Per image, as pytorch-grad-cam and RISE compute them, the score being the
class's softmax probability (ClassifierOutputSoftmaxTarget):
  - deletion and insertion curves, the input width's pixels a step, pixels
    by decreasing map value; deletion sets them to black, insertion puts
    them back into the image blurred by an 11x11 Gaussian of sigma 5
    (reflected borders); areas by np.trapz;
  - CamMultImageConfidenceChange (input * map);
  - ROAD MoRF and LeRF at percentiles 10..90 with NoisyLinearImputer
    (noise 0.01): lil_matrix set up as pytorch-grad-cam does, spsolve;
every perturbed image of an image scored in batches of 64.

Prints one line of JSON to stdout: {"total_ms", "per_image_ms", "images", "threads"}.
"""

import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse import csc_matrix, lil_matrix
from scipy.sparse.linalg import spsolve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_gradcam import GradCam, load_model  # noqa: E402

NEIGHBOURS = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12),
              ((0, -1), 1 / 6), ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]
CAM_BATCH = 16
PERTURBED_BATCH = 64


def read_images(count):
    with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return data.reshape(-1, 28, 28)[:count].astype(np.float32) / 255.0


def inputs_for(model_name, pixels):
    x = torch.from_numpy(pixels)[:, None]
    if model_name == "fashion_cnn":
        files = {"actscope.json": ""}
        torch.jit.load(os.path.join(os.path.dirname(__file__), "..", "..", "resources", "models", "fashion_cnn.pt"),
                       _extra_files=files)
        card = json.loads(files["actscope.json"])
        return (x - card["mean"][0]) / card["std"][0], torch.tensor([-card["mean"][0] / card["std"][0]])
    x = F.interpolate(x, size=(224, 224), mode="bilinear", align_corners=False).repeat(1, 3, 1, 1)
    mean = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
    std = torch.tensor([0.229, 0.224, 0.225])[:, None, None]
    return (x - mean) / std, (-mean / std).flatten()


def impute(img, mask, noise=0.01):
    """NoisyLinearImputer: img (C, H, W), mask (H, W) of kept pixels."""
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
        cord1 = indices % mask.shape[1] + offset[1]
        cord0 = indices // mask.shape[1] + offset[0]
        valid = ~((cord0 < 0) | (cord1 < 0) | (cord0 >= mask.shape[0]) | (cord1 >= mask.shape[1]))
        valid_coords = (indices + offset[0] * mask.shape[1] + offset[1])[valid]
        valid_ids = np.argwhere(valid == 1).flatten()
        known = maskflt[valid_coords] > 0.5
        b[valid_ids[known], :] -= weight * imgflat[:, valid_coords[known]].T
        A[valid_ids[~known], coords_to_vidx[valid_coords[~known]]] = weight
        sum_neighbors[np.argwhere(valid == 0).flatten()] -= weight
    A[np.arange(n), np.arange(n)] = -sum_neighbors
    res = torch.tensor(spsolve(csc_matrix(A), b), dtype=torch.float)
    if res.dim() == 1:
        res = res[:, None]
    out = torch.from_numpy(imgflat.copy())
    out[:, indices] = res.t() + noise * torch.randn_like(res.t())
    return out.reshape(img.shape)


def blur(x):
    t = torch.arange(11, dtype=torch.float64) - 5
    g = torch.exp(-t * t / 50.0)
    g = (g / g.sum()).float()
    c = x.shape[1]
    y = F.conv2d(F.pad(x, (5, 5, 5, 5), mode="reflect"), g.view(1, 1, 1, 11).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(y, g.view(1, 1, 11, 1).repeat(c, 1, 1, 1), groups=c)


def metrics(model, x, cam, c, black):
    """Every metric of one image (x [1, C, H, W]) and its map (cam [H, W] numpy)."""
    _, C, H, W = x.shape
    perturbed = [x[0]]
    order = torch.from_numpy(np.argsort(-cam.reshape(-1), kind="stable").copy())
    counts = [min(i * W, H * W) for i in range((H * W + W - 1) // W + 1)]
    blurred = blur(x)[0].reshape(C, -1)
    flat = x[0].reshape(C, -1)
    for count in counts:
        d = flat.clone()
        d[:, order[:count]] = black[:, None]
        perturbed.append(d.reshape(C, H, W))
    for count in counts:
        i = blurred.clone()
        i[:, order[:count]] = flat[:, order[:count]]
        perturbed.append(i.reshape(C, H, W))
    perturbed.append(x[0] * torch.from_numpy(cam))
    for least in (False, True):
        ranked = 1 - cam if least else cam
        for p in range(10, 100, 10):
            keep = np.float32(ranked < np.percentile(ranked, p))
            perturbed.append(impute(x[0].numpy(), keep))
    scores = []
    with torch.no_grad():
        for first in range(0, len(perturbed), PERTURBED_BATCH):
            batch = torch.stack(perturbed[first:first + PERTURBED_BATCH])
            scores.append(torch.softmax(model(batch), dim=-1)[:, c])
    scores = torch.cat(scores).numpy().astype(np.float32)
    n = len(counts)
    xs = np.array(counts) / (H * W)
    original, deletion, insertion = scores[0], scores[1:1 + n], scores[1 + n:1 + 2 * n]
    change = scores[1 + 2 * n] - original
    road = scores[2 + 2 * n:] - original
    morf, lerf = road[:9].mean(), road[9:].mean()
    return [np.trapz(deletion, xs), np.trapz(insertion, xs), max(-change, 0), float(change > 0), morf, lerf,
            (lerf - morf) / 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["fashion_cnn", "resnet18"], default="fashion_cnn")
    parser.add_argument("--fixtures", default="build/fixtures")
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x_all, black = inputs_for(args.model, read_images(args.images))
    model, layer = load_model(args.model, args.fixtures, x_all[:1])
    gradcam = GradCam(model, layer)
    start = time.perf_counter()
    results = []
    for first in range(0, len(x_all), CAM_BATCH):
        batch = x_all[first:first + CAM_BATCH]
        out = model(batch)
        classes = out.argmax(1)
        model.zero_grad()
        out.gather(1, classes[:, None]).sum().backward()
        with torch.no_grad():
            A, G = gradcam.activation, gradcam.gradient
            cam = F.relu((G.mean((2, 3))[:, :, None, None] * A).sum(1))
            cam = cam - cam.amin((1, 2), keepdim=True)
            cam = cam / (cam.amax((1, 2), keepdim=True) + 1e-7)
            cam = F.interpolate(cam[:, None], size=batch.shape[2:], mode="bilinear", align_corners=False)[:, 0]
            cam = cam - cam.amin((1, 2), keepdim=True)
            cams = (cam / (cam.amax((1, 2), keepdim=True) + 1e-7)).numpy()
        for k in range(len(batch)):
            results.append(metrics(model, batch[k:k + 1].detach(), cams[k], int(classes[k]), black))
    total = (time.perf_counter() - start) * 1e3
    gradcam.remove()
    mean = np.mean(np.array(results, dtype=np.float64), axis=0)
    print(f"python: mean deletion AUC {mean[0]:.4f}, insertion AUC {mean[1]:.4f}", file=sys.stderr)
    print(json.dumps({"total_ms": round(total, 1), "per_image_ms": round(total / len(x_all), 3),
                      "images": len(x_all), "threads": args.threads, "deletion_auc": float(mean[0]),
                      "insertion_auc": float(mean[1])}))


if __name__ == "__main__":
    main()
