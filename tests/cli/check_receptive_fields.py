#!/usr/bin/python3
"""Checks actscope's receptive fields against PyTorch's autograd.

    check_receptive_fields.py CLI BUNDLED_MODEL SAMPLE_PNG

1. Theoretical fields (`layers --json`). For each probe model (torchvision
   ResNet-18 and MobileNetV3-Small, and small models with ceil-mode max pools,
   an inception block joined by cat, depthwise convolutions with a
   squeeze-and-excitation gate, dilation, asymmetric kernels and strides,
   zero padding and exact adaptive pooling, and the engine's odd small fixture
   models from tests/fixtures/make_fixtures.py), a probe copy of the eager model
   has convolutions with positive weights (each output the plain mean of its
   window) and no bias, nonlinearities and batch norms replaced by the
   identity, max pools replaced by average pools of the same geometry, and
   global average pools detached (a gate through global pooling does not
   widen the field). On an all-ones input every input pixel a unit depends on
   then gets a positive gradient: the bounding box of the pixels with
   non-zero gradient of unit (i, j) is the unit's field clipped to the image.
   It must equal the engine's for the first, middle and last unit of every
   module layer with maps. Layers after global pooling must be "global", the
   gated layers "global_context", uneven adaptive pooling "approximate",
   upsampling "unknown" with a reason.
2. Effective fields (`rf --npy`): the map equals |d unit / d input| summed
   over channels and divided by its maximum, from torch.autograd.grad on the
   real model (bundled model with its card; ResNet-18 on a 224x224 image),
   within 1e-5 of its maximum; the PNG is written; the share inside the box
   printed on stderr matches Python's.
3. Bad units and layers fail with exit code 1 (2 for a malformed --unit) and
   a message that names the problem, and write no file.
"""

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image

CLI, MODEL, SAMPLE = sys.argv[1:4]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import make_fixtures  # noqa: E402  (the engine's odd small fixture models)


def run(*args, expect=0):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    assert result.returncode == expect, (args, result.returncode, result.stderr)
    return result


# ---------------------------------------------------------------------------
# Probe models
# ---------------------------------------------------------------------------

class CeilPools(nn.Module):
    """Max pools with ceil_mode on odd sizes (the last window hangs over the
    edge) and with padding."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.pool2 = nn.MaxPool2d(2, 2, padding=1, ceil_mode=True)
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        x = self.pool2(self.conv2(self.pool1(F.relu(self.conv1(x)))))
        x = self.conv3(x)
        return self.head(x.mean((2, 3)))


class Inception(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch1 = nn.Conv2d(c, 4, 1)
        self.branch3 = nn.Sequential(nn.Conv2d(c, 4, 1), nn.Conv2d(4, 4, 3, padding=1))
        self.branch5 = nn.Sequential(nn.Conv2d(c, 4, 1), nn.Conv2d(4, 4, 5, padding=2))
        self.branch_pool = nn.Sequential(nn.MaxPool2d(3, 1, padding=1, ceil_mode=True), nn.Conv2d(c, 4, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)], 1)


class InceptionNet(nn.Module):
    """Inception blocks (branches of different fields joined by cat), an
    off-centre branch through asymmetric padding, and a residual add."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.block1 = Inception(8)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.block2 = Inception(16)
        self.shifted = nn.Sequential(nn.ZeroPad2d((2, 0, 1, 0)), nn.Conv2d(16, 16, 3))
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(self.block1(self.stem(x)))
        x = self.block2(x)
        y = self.shifted(x)
        x = x[:, :, : y.shape[2], : y.shape[3]] + y
        return self.head(F.adaptive_avg_pool2d(x, 1).flatten(1))


class SqueezeExcite(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // 2, 1)
        self.fc2 = nn.Conv2d(c // 2, c, 1)

    def forward(self, x):
        gate = torch.sigmoid(self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1)))))
        return x * gate


class DepthwiseSE(nn.Module):
    """Depthwise (groups = channels) and dilated convolutions, a
    squeeze-and-excitation gate, adaptive pools that are the identity (14x14
    of 14x14), exact (7x7 of 14x14) and uneven (3x3 of 7x7)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.depthwise = nn.Conv2d(16, 16, 5, stride=2, padding=2, groups=16)
        self.bn = nn.BatchNorm2d(16)
        self.act = nn.Hardswish()
        self.se = SqueezeExcite(16)
        self.pointwise = nn.Conv2d(16, 24, 1)
        self.dilated = nn.Conv2d(24, 24, 3, padding=2, dilation=2)
        self.same = nn.AdaptiveAvgPool2d(14)
        self.halve = nn.AdaptiveAvgPool2d(7)
        self.after_halve = nn.Conv2d(24, 24, 3, padding=1)
        self.uneven = nn.AdaptiveAvgPool2d(3)
        self.head = nn.Linear(24 * 9, 3)

    def forward(self, x):
        x = self.act(self.bn(self.depthwise(self.stem(x))))
        x = self.pointwise(self.se(x))
        x = self.after_halve(self.halve(self.same(self.dilated(x))))
        return self.head(self.uneven(x).flatten(1))


class OddGeometry(nn.Module):
    """Asymmetric kernels, strides and paddings, average pooling with
    padding, and a non-square input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, (3, 5), stride=(2, 1), padding=(0, 2))
        self.pool = nn.AvgPool2d((2, 3), stride=(1, 2), padding=(1, 1))
        self.conv2 = nn.Conv2d(6, 6, (1, 3), stride=(1, 3))
        self.conv3 = nn.Conv2d(6, 6, 4, stride=2, padding=3)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        x = self.conv3(self.conv2(self.pool(F.relu(self.conv1(x)))))
        return self.head(x.amax((2, 3)))


class Upsampling(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.up = nn.Upsample(scale_factor=2)
        self.after = nn.Conv2d(4, 4, 3)

    def forward(self, x):
        return self.after(self.up(self.conv(x))).mean((2, 3))


def mobilenet_v3_small():
    return torchvision.models.mobilenet_v3_small(weights=None, num_classes=10)


# name, constructor, input [C, H, W], "scripted" or "traced"
PROBES = [
    ("resnet18", lambda: torchvision.models.resnet18(weights=None), [3, 224, 224], "scripted"),
    ("mobilenet_v3_small", mobilenet_v3_small, [3, 64, 64], "traced"),
    ("ceil_pools", CeilPools, [3, 29, 31], "scripted"),
    ("inception", InceptionNet, [3, 41, 37], "scripted"),
    ("depthwise_se", DepthwiseSE, [3, 56, 56], "scripted"),
    ("odd_geometry", OddGeometry, [1, 27, 40], "traced"),
]
# The odd small fixture models (a module called twice, functional ops, in-place
# joins, ifs, odd input sizes), as the engine's capture tests export them.
ODD_FIXTURES = {"twice", "functional", "inplace_relu", "branching", "dead_filters", "module_mutates_input",
                "view_then_inplace", "alias_through_if", "attribute_branches", "inplace_join", "ends_in_relu",
                "ends_in_pool", "cast_sum_then_relu", "input_inplace"}
for spec in make_fixtures.SPECS:
    if spec[0] in ODD_FIXTURES:
        PROBES.append((spec[0], spec[1], list(spec[2][1:]), "scripted"))


# ---------------------------------------------------------------------------
# The probe copy
# ---------------------------------------------------------------------------

def probe_copy(model, dtype):
    probe = copy.deepcopy(model).to(dtype).eval()
    identity_types = (nn.ReLU, nn.ReLU6, nn.Hardswish, nn.Hardsigmoid, nn.SiLU, nn.Sigmoid, nn.GELU, nn.Tanh,
                      nn.BatchNorm2d, nn.Dropout)
    for name, module in list(probe.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, identity_types):
                setattr(module, child_name, nn.Identity())
            elif isinstance(child, nn.MaxPool2d):
                assert child.dilation in (1, (1, 1)), "an average pool has no dilation"
                setattr(module, child_name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding,
                                                         ceil_mode=child.ceil_mode, count_include_pad=True))
    with torch.no_grad():
        for module in probe.modules():
            if isinstance(module, nn.Conv2d):
                fan_in = module.weight[0].numel()
                module.weight.fill_(1.0 / fan_in)
                if module.bias is not None:
                    module.bias.zero_()
    return probe


class ProbeFunctions:
    """Inside the block, functional relu/sigmoid are the identity, max pools
    are average pools and global average pools are detached."""

    def __enter__(self):
        self.saved = (F.relu, torch.sigmoid, F.max_pool2d, F.adaptive_avg_pool2d)
        adaptive = F.adaptive_avg_pool2d

        def pool(x, size):
            out = adaptive(x, size)
            return out.detach() if tuple(out.shape[-2:]) == (1, 1) else out

        def max_as_avg(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
            return F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode, True)

        F.relu = lambda x, inplace=False: x
        torch.sigmoid = lambda x: x
        F.max_pool2d = max_as_avg
        F.adaptive_avg_pool2d = pool
        return self

    def __exit__(self, *exc):
        F.relu, torch.sigmoid, F.max_pool2d, F.adaptive_avg_pool2d = self.saved


def clipped(field, axis, index, extent, units=None):
    """The unit's input rows (axis 0) or columns (1) in the image, or None
    when it is a unit of padding or its window lies wholly outside."""
    padding = field.get("padding_units")
    if padding and units is not None:
        if index < padding["before"][axis] or index >= units - padding["after"][axis]:
            return None
    first = field["start"][axis] + index * field["stride"][axis]
    last = first + field["size"][axis] - 1
    if "reach" in field:  # what the layer's units see at all
        first, last = max(first, field["reach"]["first"][axis]), min(last, field["reach"]["last"][axis])
    first, last = max(first, 0), min(last, extent - 1)
    return (first, last) if first <= last else None


def support_box(gradient):
    """The first and last rows and columns with a non-zero gradient (None
    when no input pixel reaches the unit)."""
    rows = torch.nonzero(gradient.abs().sum((0, 1, 3)) > 0).flatten()
    cols = torch.nonzero(gradient.abs().sum((0, 1, 2)) > 0).flatten()
    if not rows.numel():
        return None, None
    return (int(rows[0]), int(rows[-1])), (int(cols[0]), int(cols[-1]))


def export(model, variant, shape, path):
    x = torch.randn([1] + shape)
    exported = torch.jit.script(model) if variant == "scripted" else torch.jit.trace(model, x)
    torch.jit.save(exported, path)


def engine_fields(path, shape):
    result = run("layers", "--model", path, "--input-size", f"{shape[1]}x{shape[2]}", "--channels",
                 str(shape[0]), "--json")
    return {layer["name"]: layer for layer in json.loads(result.stdout)}


def check_probe(name, ctor, shape, variant, work):
    started = time.time()
    torch.manual_seed(0)
    model = ctor().eval()
    path = os.path.join(work, name + ".pt")
    export(model, variant, shape, path)
    layers = engine_fields(path, shape)
    # float32 is fast enough for ResNet-18's 224x224 and its smallest
    # gradients (about 1e-19) stay normal numbers; the others run in float64.
    dtype = torch.float32 if name == "resnet18" else torch.float64
    probe = probe_copy(model, dtype)
    outputs = {}
    hooks = []
    for module_name, module in probe.named_modules():
        layer = layers.get(module_name)
        if not module_name or layer is None or len(layer["shape"]) != 4:
            continue
        # A module called twice: its first call is the layer without "#2".
        # (The hook returns None: a returned value would replace the output.)
        def keep_first(m, inputs, out, key=module_name):
            outputs.setdefault(key, out)

        hooks.append(module.register_forward_hook(keep_first))
    # Three copies of the input: sample k carries the gradient of unit k, so
    # one backward pass per layer gives the three units' supports.
    x = torch.ones([3] + shape, dtype=dtype, requires_grad=True)
    with ProbeFunctions():
        probe(x.clone())  # a model may write its input in place
    for hook in hooks:
        hook.remove()
    checked = 0
    height, width = shape[1], shape[2]
    for layer_name, out in outputs.items():
        field = layers[layer_name]["receptive_field"]
        if out.shape[2] * out.shape[3] == 1 and "global" in field:
            continue
        assert "size" in field, (name, layer_name, field)
        if "approximate" in field:
            continue
        h, w = out.shape[2], out.shape[3]
        units = [(0, 0), (h // 2, w // 2), (h - 1, w - 1)]
        total = sum(out[k, :, i, j].sum() for k, (i, j) in enumerate(units))
        (gradient,) = torch.autograd.grad(total, x, retain_graph=True)
        for k, (i, j) in enumerate(units):
            rows, cols = support_box(gradient[k:k + 1])
            expected = (clipped(field, 0, i, height, h), clipped(field, 1, j, width, w))
            if None in expected:
                expected = (None, None)
            assert (rows, cols) == expected, (name, layer_name, (i, j), field, "autograd", rows, cols,
                                              "engine", expected)
            checked += 1
    print(f"{name}: {len(outputs)} layers, {checked} units agree with autograd ({time.time() - started:.1f} s)")
    assert checked >= 3, (name, checked)
    return layers


def check_theoretical(work):
    results = {name: check_probe(name, ctor, shape, variant, work) for name, ctor, shape, variant in PROBES}
    resnet = results["resnet18"]
    # Published sizes: ResNet-18's last block sees 435x435 pixels, 32 apart.
    assert resnet["layer4"]["receptive_field"]["size"] == [435, 435], resnet["layer4"]["receptive_field"]
    assert resnet["layer4"]["receptive_field"]["stride"] == [32, 32]
    assert resnet["fc"]["receptive_field"] == {"global": True}
    assert resnet["avgpool"]["receptive_field"] == {"global": True}
    se = results["depthwise_se"]
    assert se["se"]["receptive_field"].get("global_context") is True, se["se"]["receptive_field"]
    assert "global_context" not in se["depthwise"]["receptive_field"]
    assert se["same"]["receptive_field"] == se["dilated"]["receptive_field"], "14x14 of 14x14 is the identity"
    assert "approximate" not in se["halve"]["receptive_field"], se["halve"]["receptive_field"]
    assert "approximate" in se["uneven"]["receptive_field"], se["uneven"]["receptive_field"]
    assert results["mobilenet_v3_small"]["features.1"]["receptive_field"].get("global_context") is True

    path = os.path.join(work, "upsampling.pt")
    export(Upsampling().eval(), "scripted", [3, 16, 16], path)
    layers = engine_fields(path, [3, 16, 16])
    assert layers["conv"]["receptive_field"]["size"] == [3, 3]
    reason = layers["after"]["receptive_field"].get("unknown", "")
    assert "upsample" in reason, layers["after"]["receptive_field"]

    text = run("layers", "--model", os.path.join(work, "resnet18.pt"), "--input-size", "224x224").stdout
    assert re.search(r"^layer4 .* RF 435x435 /32", text, re.M), text


# ---------------------------------------------------------------------------
# Effective fields
# ---------------------------------------------------------------------------

def unit_gradient(scripted, x, prefix, layer, y, x_pos, filt):
    """|d unit / d x| summed over channels, for a layer that is the output of
    `prefix` (a callable taking x), on the real (scripted) weights."""
    x = x.clone().requires_grad_(True)
    maps = prefix(x)
    unit = maps[0, :, y, x_pos].sum() if filt < 0 else maps[0, filt, y, x_pos]
    (gradient,) = torch.autograd.grad(unit, x)
    return gradient.abs().sum(1)[0]


def compare_rf(args, expected, work, box=None):
    png, npy = os.path.join(work, "rf.png"), os.path.join(work, "rf.npy")
    result = run("rf", *args, "--out", png, "--npy", npy, "--threads", "1")
    actual = np.load(npy)
    expected = (expected / expected.max()).numpy()
    assert actual.shape == expected.shape and actual.dtype == np.float32, (actual.shape, actual.dtype)
    assert actual.max() == 1.0 and (actual > 0).sum() >= 9, "the field must be a real gradient, not empty"
    error = np.abs(actual - expected).max()
    assert error <= 1e-5, error
    picture = Image.open(png)
    assert min(picture.size) >= 224, picture.size
    if box is not None:
        (r0, r1), (c0, c1) = box
        raw = expected
        share = raw[r0:r1 + 1, c0:c1 + 1].sum() / raw.sum()
        printed = re.search(r"([0-9.]+)% of the gradient inside", result.stderr)
        assert printed and abs(float(printed.group(1)) - 100 * share) < 0.06, (result.stderr, share)
    os.remove(png)
    os.remove(npy)
    return error


def check_effective(work):
    # The bundled model with its card: the sample as the engine reads it.
    files = {"actscope.json": ""}
    fashion = torch.jit.load(MODEL, _extra_files=files).eval()
    card = json.loads(files["actscope.json"])
    pixels = np.asarray(Image.open(SAMPLE).convert("L"), dtype=np.float32) / 255.0
    x = ((torch.from_numpy(pixels)[None, None] - card["mean"][0]) / card["std"][0]).contiguous()

    def conv4(t):
        t = F.relu(fashion.bn1(fashion.conv1(t)))
        t = F.relu(fashion.bn2(fashion.conv2(t)))
        t = F.max_pool2d(t, 2)
        t = F.relu(fashion.bn3(fashion.conv3(t)))
        return fashion.conv4(t)

    # The prefix must be the model's own computation up to conv4.
    layers = engine_fields(MODEL, [1, 28, 28])
    field = layers["conv4"]["receptive_field"]
    box = (clipped(field, 0, 9, 28), clipped(field, 1, 4, 28))
    error = compare_rf(["--model", MODEL, "--image", SAMPLE, "--layer", "conv4", "--unit", "9,4", "--filter", "5"],
                       unit_gradient(fashion, x, conv4, "conv4", 9, 4, 5), work, box)
    compare_rf(["--model", MODEL, "--image", SAMPLE, "--layer", "conv4", "--unit", "0,13"],
               unit_gradient(fashion, x, conv4, "conv4", 0, 13, -1), work)
    print(f"bundled model conv4: effective field within {error:.2e} of autograd")

    # ResNet-18 (random weights) on a 224x224 colour image, mean 0 / std 1.
    torch.manual_seed(1)
    resnet = torchvision.models.resnet18(weights=None).eval()
    path = os.path.join(work, "resnet18_erf.pt")
    torch.jit.save(torch.jit.script(resnet), path)
    scripted = torch.jit.load(path).eval()
    rgb = (np.random.default_rng(7).random((224, 224, 3)) * 255).astype(np.uint8)
    image = os.path.join(work, "noise.png")
    Image.fromarray(rgb).save(image)
    x = torch.from_numpy(rgb.astype(np.float32) / 255.0).permute(2, 0, 1)[None].contiguous()

    def layer2(t):
        s = scripted
        t = s.maxpool(s.relu(s.bn1(s.conv1(t))))
        return s.layer2(s.layer1(t))

    error = compare_rf(["--model", path, "--image", image, "--input-size", "224x224", "--channels", "3", "--mean",
                        "0", "--std", "1", "--layer", "layer2", "--unit", "14,3", "--filter", "17"],
                       unit_gradient(scripted, x, layer2, "layer2", 14, 3, 17), work)
    print(f"resnet18 layer2: effective field within {error:.2e} of autograd")


def check_failures(work):
    png = os.path.join(work, "bad.png")
    cases = [
        (["--layer", "conv4", "--unit", "14,0"], "outside layer 'conv4'", 1),
        (["--layer", "conv4", "--unit", "1,1", "--filter", "64"], "filter 64 is outside", 1),
        (["--layer", "fc", "--unit", "0,0"], "not maps", 1),
        (["--layer", "conv44", "--unit", "0,0"], "conv4", 1),
        (["--layer", "conv4", "--unit", "3"], "Y,X", 2),
        (["--layer", "conv4", "--unit", "a,b"], "Y,X", 2),
    ]
    for args, message, code in cases:
        result = run("rf", "--model", MODEL, "--image", SAMPLE, *args, "--out", png, expect=code)
        assert message in result.stderr, (args, result.stderr)
        assert not os.path.exists(png), args


def main():
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as work:
        check_theoretical(work)
        check_effective(work)
        check_failures(work)
    print("receptive fields agree with PyTorch")


if __name__ == "__main__":
    main()
