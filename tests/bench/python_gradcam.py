#!/usr/bin/python3
"""Time Grad-CAM done the usual Python way, against a plain forward, for comparison
with actscope's engine.

    /usr/bin/python3 tests/bench/python_gradcam.py --model resnet18 \\
        --fixtures build/fixtures --threads 1 --iterations 60

Model (eager PyTorch, weights from the TorchScript file, eager logits checked
against TorchScript within 1e-5 relative):
  resnet18     torchvision resnet18, FIXTURES/resnet18_scripted.pt, input [1,3,224,224],
               target layer "layer4"
  fashion_cnn  FashionCNN of resources/models/train_fashion_cnn.py,
               resources/models/fashion_cnn.pt, input [1,1,28,28], target layer "relu5"
Input: torch.randn with seed 0.

Grad-CAM: a forward hook on the target layer keeps its output and registers a
tensor hook that keeps the output's gradient; out = model(x); c = argmax;
model.zero_grad(); out[0, c].backward(); w = mean of the gradient over positions;
cam = relu(sum_k w_k A_k); min-max; bilinear to the input size
(align_corners=False); min-max.  Plain forward: `with torch.no_grad(): model(x)`
(the hook stays registered; it does nothing without grad).

With --images PNG... --out DIR (resnet18 only), it is instead the script a
user writes to explain many images in one process, for timing whole
processes against `actscope-cli cam` over the same images: each image is
read (PIL), normalized with ImageNet's mean and std, explained with the
Grad-CAM above, and written as DIR/<stem>.npy (the map) and DIR/<stem>.png
(the jet overlay at half weight, as actscope's default).

Both are warmed up 3 times, then run alternately (forward, Grad-CAM) N times.
Prints one line of JSON to stdout:
  {"forward_ms": median, "gradcam_ms": median,
   "ratio": median over the N pairs of gradcam/forward, "threads": T}
Everything else goes to stderr.
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION_MODEL = os.path.join(REPO, "resources", "models", "fashion_cnn.pt")
FASHION_TRAINER = os.path.join(REPO, "resources", "models", "train_fashion_cnn.py")
WARMUP = 3


def relative_error(actual: torch.Tensor, expected: torch.Tensor) -> float:
    scale = expected.abs().max().item()
    return (actual.double() - expected.double()).abs().max().item() / (scale if scale > 0 else 1.0)


def load_model(name: str, fixtures: str, x: torch.Tensor):
    """The eager model with the TorchScript file's weights, and its target layer name."""
    if name == "resnet18":
        path = os.path.join(fixtures, "resnet18_scripted.pt")
        model, layer = torchvision.models.resnet18(weights=None), "layer4"
    else:
        sys.dont_write_bytecode = True  # no __pycache__ next to the trainer
        spec = importlib.util.spec_from_file_location("train_fashion_cnn", FASHION_TRAINER)
        trainer = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(trainer)
        files = {"actscope.json": ""}
        torch.jit.load(FASHION_MODEL, _extra_files=files)
        path = FASHION_MODEL
        model = trainer.FashionCNN(num_classes=len(json.loads(files["actscope.json"])["labels"]))
        layer = "relu5"
    scripted = torch.jit.load(path)
    model.load_state_dict(scripted.state_dict())
    model.eval()
    with torch.no_grad():
        error = relative_error(model(x), scripted(x))
    if not error <= 1e-5:
        raise RuntimeError(f"{name}: eager logits differ from TorchScript (relative error {error:.3g})")
    print(f"{name}: eager == TorchScript logits (relative error {error:.2g}), target layer {layer}",
          file=sys.stderr)
    return model, layer


class GradCam:
    def __init__(self, model: nn.Module, layer: str):
        self.model = model
        self.activation = None
        self.gradient = None
        self.handle = model.get_submodule(layer).register_forward_hook(self._save_activation)

    def _save_activation(self, module, inputs, output):
        if not output.requires_grad:  # plain no-grad forward
            return
        self.activation = output

        def save_gradient(grad):
            self.gradient = grad

        output.register_hook(save_gradient)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out = self.model(x)
        c = int(out.argmax(1)[0])
        self.model.zero_grad()
        out[0, c].backward()
        with torch.no_grad():
            A, grads = self.activation, self.gradient
            w = grads.mean((2, 3))
            cam = F.relu((w[:, :, None, None] * A).sum(1))
            cam = cam - cam.amin((1, 2), keepdim=True)
            cam = cam / (cam.amax((1, 2), keepdim=True) + 1e-7)
            cam = F.interpolate(cam[:, None], size=x.shape[2:], mode="bilinear", align_corners=False)[:, 0]
            cam = cam - cam.amin((1, 2), keepdim=True)
            cam = cam / (cam.amax((1, 2), keepdim=True) + 1e-7)
        self.activation = self.gradient = None
        return cam

    def remove(self):
        self.handle.remove()


def explain_images(args) -> None:
    """Grad-CAM of every image of --images, written into --out."""
    import numpy as np
    from PIL import Image

    torch.set_num_threads(args.threads)
    mean = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
    std = torch.tensor([0.229, 0.224, 0.225])[:, None, None]

    def read(path):
        pixels = np.asarray(Image.open(path).convert("RGB").resize((224, 224), Image.BILINEAR), dtype=np.float32)
        return ((torch.from_numpy(pixels).permute(2, 0, 1) / 255.0 - mean) / std)[None], pixels

    model, layer = load_model("resnet18", args.fixtures, read(args.images[0])[0])
    gradcam = GradCam(model, layer)
    ramp = torch.linspace(0, 1, 256)[:, None]
    jet = (1.5 - (4 * ramp - torch.tensor([3.0, 2.0, 1.0])).abs()).clamp(0, 1)  # the usual jet
    for path in args.images:
        x, pixels = read(path)
        cam = gradcam(x)[0]
        stem = os.path.splitext(os.path.basename(path))[0]
        np.save(os.path.join(args.out, stem + ".npy"), cam.numpy())
        heat = jet[(cam * 255).round().long()] * 255
        overlay = 0.5 * heat + 0.5 * torch.from_numpy(pixels)
        overlay = overlay / overlay.max() * 255
        Image.fromarray(overlay.round().byte().numpy()).save(os.path.join(args.out, stem + ".png"))
    gradcam.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["resnet18", "fashion_cnn"], required=True)
    parser.add_argument("--fixtures", default=os.path.join(REPO, "build", "fixtures"),
                        help="make_fixtures.py output directory (for resnet18_scripted.pt)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--images", nargs="*", default=[], help="explain these PNGs (see above)")
    parser.add_argument("--out", help="with --images: the folder for the maps and overlays")
    args = parser.parse_args()
    if args.images:
        explain_images(args)
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn([1, 3, 224, 224] if args.model == "resnet18" else [1, 1, 28, 28])
    model, layer = load_model(args.model, args.fixtures, x)

    def forward():
        with torch.no_grad():
            model(x)

    gradcam = GradCam(model, layer)
    try:
        cam = gradcam(x)
        if cam.shape != (1,) + tuple(x.shape[2:]) or not (cam.min() >= 0 and cam.max() <= 1):
            raise RuntimeError(f"Grad-CAM map: shape {tuple(cam.shape)}, "
                               f"range [{cam.min().item()}, {cam.max().item()}]")
        for _ in range(WARMUP):
            forward()
            gradcam(x)
        forward_ms, gradcam_ms = [], []
        for _ in range(args.iterations):
            start = time.perf_counter()
            forward()
            middle = time.perf_counter()
            gradcam(x)
            end = time.perf_counter()
            forward_ms.append((middle - start) * 1e3)
            gradcam_ms.append((end - middle) * 1e3)
    finally:
        gradcam.remove()

    print(json.dumps({
        "forward_ms": round(statistics.median(forward_ms), 3),
        "gradcam_ms": round(statistics.median(gradcam_ms), 3),
        "ratio": round(statistics.median([g / f for f, g in zip(forward_ms, gradcam_ms)]), 4),
        "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
