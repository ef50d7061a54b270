#!/usr/bin/python3
"""Writes imagenet_classes.txt: the 1,000 ImageNet class names, one per line
in logit order, as Debian's python3-torchvision carries them
(torchvision.models._meta._IMAGENET_CATEGORIES, the names its pretrained
classifiers report). The file is shipped; run this to make it again.

    resources/labels/make_imagenet_classes.py [OUT]
"""
import os
import sys

from torchvision.models import _meta

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "imagenet_classes.txt")
names = list(_meta._IMAGENET_CATEGORIES)
assert len(names) == 1000 and all(name and "\n" not in name for name in names)
with open(out + ".tmp", "w", encoding="utf-8") as f:
    f.write("".join(name + "\n" for name in names))
os.replace(out + ".tmp", out)
