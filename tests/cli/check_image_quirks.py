#!/usr/bin/python3
"""The quirks corpus through the real actscope-cli.

    check_image_quirks.py CLI BUNDLED_MODEL CORPUS_DIR

1. `predict` on a JPEG with two stray bytes before a marker exits 0, warns
   naming the file, and predicts exactly what it predicts for the same JPEG
   without them (the bytes libjpeg skips; ImageQuirksTest shows the input
   equals OpenCV's decode saved as PNG).
2. Every file of the corpus: exit 0 when expected.json says it loads, else
   exit 1 with the file and the reason named on stderr.
"""
import json
import os
import subprocess
import sys
import tempfile

CLI, MODEL, CORPUS = sys.argv[1:4]


def predict(path, expect=0):
    result = subprocess.run([CLI, "predict", "--model", MODEL, "--image", path, "--top", "10", "--json"],
                            capture_output=True, text=True)
    assert result.returncode == expect, (path, result.returncode, result.stderr)
    return result


def main():
    stray = os.path.join(CORPUS, "stray_bytes.jpg")
    data = open(stray, "rb").read()
    clean = data.replace(b"\x00\x00\xff\xdb", b"\xff\xdb", 1)
    assert len(clean) == len(data) - 2
    with tempfile.TemporaryDirectory() as work:
        clean_path = os.path.join(work, "clean.jpg")
        open(clean_path, "wb").write(clean)
        with_stray = predict(stray)
        assert "warning: " + stray + ": 2 stray bytes between JPEG segments" in with_stray.stderr, with_stray.stderr
        without = predict(clean_path)
        assert "warning" not in without.stderr, without.stderr
        assert json.loads(with_stray.stdout)[0]["top"] == json.loads(without.stdout)[0]["top"]

    expected = json.load(open(os.path.join(CORPUS, "expected.json")))
    for name, want in expected.items():
        if name.startswith("_"):
            continue
        path = os.path.join(CORPUS, name)
        result = predict(path, expect=0 if want["loads"] else 1)
        if not want["loads"]:
            assert path + ": " + want["error"] in result.stderr, (name, result.stderr)
        elif "warning" in want:
            assert path + ": " + want["warning"] in result.stderr, (name, result.stderr)
    print(f"image quirks: {len(expected) - 1} files as expected.json says")


if __name__ == "__main__":
    main()
