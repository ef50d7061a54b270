#!/usr/bin/python3
"""Train actscope's bundled model on Fashion-MNIST and save it as TorchScript.

Reads the IDX files of Debian's dataset-fashion-mnist package, trains a small
CNN on the CPU with a fixed seed, and writes:

  resources/models/fashion_cnn.pt   scripted model with the model card embedded
                                    as the extra file "actscope.json"
  resources/samples/*.png           about 20 test images, including images the
                                    model gets wrong and correctly classified
                                    images of the same true classes
  resources/samples/samples.json    true and predicted label of every sample

With --checkpoints [DIR] (default resources/models/fashion_run) it trains the
same way but instead saves TorchScript checkpoints of the model during the run,
each with the same card embedded (and its own test accuracy): before the first
step, after 50 and 200 steps, and at the end of every epoch (of every other
epoch, or further apart, past 3 epochs; always the last), named step_NNNN.pt by
the number of steps done, so that a plain or a natural sort gives the training
order. DIR/run.json lists them with their step, epoch and test accuracy. This
mode leaves fashion_cnn.pt and the samples alone.

Run with Debian's interpreter so the saved archive matches Debian's libtorch:
    /usr/bin/python3 resources/models/train_fashion_cnn.py
    /usr/bin/python3 resources/models/train_fashion_cnn.py --checkpoints
"""

import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

DATASET_DIR = "/usr/share/datasets/fashion-mnist"
LABELS = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.dirname(HERE)
CHECKPOINT_DIR = os.path.join(HERE, "fashion_run")
EARLY_CHECKPOINT_STEPS = (50, 200)  # the first steps change the filters most


def read_idx(path):
    """Return the array stored in a (gzipped) IDX file."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_split(prefix):
    images = read_idx(os.path.join(DATASET_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATASET_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels.astype(np.int64)


class FashionCNN(nn.Module):
    """Five 3x3 conv layers with BatchNorm and in-place ReLU, functional max
    pooling, and a global-average-pool + linear head (so the CAM of Zhou et al.
    applies as well as Grad-CAM)."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.relu3 = nn.ReLU(inplace=True)
        self.conv4 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
        self.bn4 = nn.BatchNorm2d(64)
        self.relu4 = nn.ReLU(inplace=True)
        self.conv5 = nn.Conv2d(64, 128, 3, padding=1, bias=False)
        self.bn5 = nn.BatchNorm2d(128)
        self.relu5 = nn.ReLU(inplace=True)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        x = F.max_pool2d(x, 2)
        x = self.relu3(self.bn3(self.conv3(x)))
        x = self.relu4(self.bn4(self.conv4(x)))
        x = F.max_pool2d(x, 2)
        x = self.relu5(self.bn5(self.conv5(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        x = torch.flatten(x, 1)
        return self.fc(x)


def to_input(images, mean, std):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - mean) / std


def train(model, x_train, y_train, epochs, batch_size, after_step=None):
    """Train `model` in place. `after_step(steps_done)`, if given, is called
    before the first step (with 0) and after every optimizer step; it must
    leave the model in train mode."""
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * ((len(x_train) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=4e-3, total_steps=steps)
    steps_done = 0
    if after_step:
        after_step(0)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        started, total_loss = time.time(), 0.0
        for first in range(0, len(order), batch_size):
            batch = order[first:first + batch_size]
            x = x_train[batch]
            flip = torch.rand(len(batch), generator=generator) < 0.5
            x[flip] = x[flip].flip(-1)  # horizontal flips: clothes are left-right symmetric
            loss = F.cross_entropy(model(x), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * len(batch)
            steps_done += 1
            if after_step:
                after_step(steps_done)
        print(f"epoch {epoch + 1}/{epochs}: loss {total_loss / len(x_train):.4f} "
              f"({time.time() - started:.0f} s)", flush=True)


@torch.no_grad()
def predict(model, x, batch_size=1000):
    model.eval()
    logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    probabilities = logits.softmax(1)
    confidence, predicted = probabilities.max(1)
    return predicted, confidence


def slug(label):
    return label.lower().replace("/", "_").replace(" ", "_")


def choose_samples(y_test, predicted, misclassified_count=7, total=20):
    """Pick misclassified images of distinct true classes, one correctly
    classified image of each of those classes, and correct ones of the other
    classes (cycling through them) until there are `total`."""
    rng = np.random.default_rng(SEED)
    wrong = np.nonzero(predicted != y_test)[0]
    right = np.nonzero(predicted == y_test)[0]
    chosen, seen_classes = [], []
    for index in rng.permutation(wrong):
        if y_test[index] not in seen_classes:
            seen_classes.append(int(y_test[index]))
            chosen.append(int(index))
        if len(chosen) == misclassified_count:
            break
    for cls in seen_classes:
        candidates = right[y_test[right] == cls]
        chosen.append(int(rng.choice(candidates)))
    other_classes = [c for c in range(len(LABELS)) if c not in seen_classes]
    while len(chosen) < total:
        cls = other_classes[(len(chosen) - 2 * misclassified_count) % len(other_classes)]
        candidates = np.setdiff1d(right[y_test[right] == cls], chosen)
        chosen.append(int(rng.choice(candidates)))
    return sorted(chosen)


def write_samples(images, y_test, predicted, confidence, indices):
    sample_dir = os.path.join(RESOURCES, "samples")
    os.makedirs(sample_dir, exist_ok=True)
    for name in os.listdir(sample_dir):
        if name.endswith(".png"):
            os.remove(os.path.join(sample_dir, name))
    entries = []
    for index in indices:
        true_class, predicted_class = int(y_test[index]), int(predicted[index])
        file_name = f"{index:05d}_{slug(LABELS[true_class])}.png"
        Image.fromarray(images[index], mode="L").save(os.path.join(sample_dir, file_name))
        entries.append({
            "file": file_name,
            "test_index": index,
            "true_class": true_class,
            "true_label": LABELS[true_class],
            "predicted_class": predicted_class,
            "predicted_label": LABELS[predicted_class],
            "confidence": round(float(confidence[index]), 4),
            "correct": true_class == predicted_class,
        })
    with open(os.path.join(sample_dir, "samples.json"), "w") as f:
        json.dump({"dataset": "Fashion-MNIST test set", "samples": entries}, f, indent=2)
        f.write("\n")
    return entries


def model_card(mean, std, accuracy):
    return {
        "name": "fashion_cnn",
        "description": "Small CNN trained on Fashion-MNIST by resources/models/train_fashion_cnn.py",
        "input": {"channels": 1, "height": 28, "width": 28, "channel_order": "RGB"},
        "mean": [round(mean, 6)],
        "std": [round(std, 6)],
        "labels": LABELS,
        "test_accuracy": accuracy,
        "test_set": "Fashion-MNIST test set (10,000 images)",
    }


def test_accuracy(predicted, y_test):
    correct = int((predicted == y_test).sum())
    return correct / len(y_test), correct


def checkpoint_steps(epochs, steps_per_epoch):
    """Steps after which the checkpoint run saves: 0, the early steps, and the
    end of every epoch (of every other epoch, or more apart, past 3 epochs)."""
    stride = (epochs + 2) // 3
    epoch_ends = [e * steps_per_epoch for e in range(epochs, 0, -stride)]
    total = epochs * steps_per_epoch
    early = [s for s in EARLY_CHECKPOINT_STEPS if s < total]
    return sorted({0, *early, *epoch_ends})


class CheckpointWriter:
    """Saves the model as a scripted checkpoint with its card at chosen steps;
    used as train()'s after_step."""

    def __init__(self, model, folder, steps, steps_per_epoch, x_test, y_test, card):
        self.model, self.folder, self.steps = model, folder, set(steps)
        self.steps_per_epoch, self.x_test, self.y_test = steps_per_epoch, x_test, y_test
        self.card, self.width, self.saved = card, len(str(max(steps))), []

    def __call__(self, steps_done):
        if steps_done not in self.steps:
            return
        scripted = torch.jit.script(self.model.eval())
        predicted, _ = predict(scripted, self.x_test)
        accuracy, _ = test_accuracy(predicted.numpy(), self.y_test)
        file_name = f"step_{steps_done:0{self.width}d}.pt"
        card = dict(self.card, test_accuracy=accuracy)
        torch.jit.save(scripted, os.path.join(self.folder, file_name),
                       _extra_files={"actscope.json": json.dumps(card, indent=2)})
        self.model.train()
        epoch = round(steps_done / self.steps_per_epoch, 3)
        self.saved.append({"file": file_name, "step": steps_done, "epoch": epoch,
                           "test_accuracy": accuracy})
        print(f"saved {file_name} (epoch {epoch}, test accuracy {accuracy:.4f})", flush=True)


def write_checkpoints(folder, data, args):
    """Train a fresh model and save checkpoints into `folder` (stale step_*.pt
    there are removed first), then list them in folder/run.json."""
    x_train, y_train, x_test, y_test, mean, std = data
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("step_") and name.endswith(".pt"):
            os.remove(os.path.join(folder, name))
    steps_per_epoch = (len(x_train) + args.batch_size - 1) // args.batch_size
    steps = checkpoint_steps(args.epochs, steps_per_epoch)
    model = FashionCNN(len(LABELS))
    writer = CheckpointWriter(model, folder, steps, steps_per_epoch, x_test, y_test,
                              model_card(mean, std, None))
    train(model, x_train, y_train, args.epochs, args.batch_size, after_step=writer)
    run = {"model": "fashion_cnn", "seed": SEED, "epochs": args.epochs,
           "batch_size": args.batch_size, "steps_per_epoch": steps_per_epoch,
           "checkpoints": writer.saved}
    with open(os.path.join(folder, "run.json"), "w") as f:
        json.dump(run, f, indent=2)
        f.write("\n")
    print(f"wrote {len(writer.saved)} checkpoints and run.json to {folder}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--samples-only", action="store_true",
                      help="keep the saved model; only rewrite the sample images")
    mode.add_argument("--checkpoints", nargs="?", const=CHECKPOINT_DIR, metavar="DIR",
                      help="save checkpoints of a training run into DIR (default "
                           "resources/models/fashion_run) instead of the bundled model")
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    train_images, y_train = load_split("train")
    test_images, y_test = load_split("t10k")
    mean = float(train_images.mean() / 255.0)
    std = float(train_images.std() / 255.0)
    x_train, x_test = to_input(train_images, mean, std), to_input(test_images, mean, std)
    y_train = torch.from_numpy(y_train)
    if args.checkpoints:
        write_checkpoints(args.checkpoints, (x_train, y_train, x_test, y_test, mean, std), args)
        return

    model_path = os.path.join(HERE, "fashion_cnn.pt")
    if args.samples_only:
        scripted = torch.jit.load(model_path)
    else:
        model = FashionCNN(len(LABELS))
        train(model, x_train, y_train, args.epochs, args.batch_size)
        scripted = torch.jit.script(model.eval())
    predicted, confidence = predict(scripted, x_test)
    predicted, confidence = predicted.numpy(), confidence.numpy()
    accuracy, correct = test_accuracy(predicted, y_test)
    print(f"test accuracy: {accuracy:.4f} ({correct}/{len(y_test)})")

    if not args.samples_only:
        card = model_card(mean, std, accuracy)
        torch.jit.save(scripted, model_path, _extra_files={"actscope.json": json.dumps(card, indent=2)})
        print(f"saved {model_path} ({os.path.getsize(model_path)} bytes)")

    indices = choose_samples(y_test, predicted)
    entries = write_samples(test_images, y_test, predicted, confidence, indices)
    wrong = sum(not e["correct"] for e in entries)
    print(f"wrote {len(entries)} samples ({wrong} misclassified)")


if __name__ == "__main__":
    main()
