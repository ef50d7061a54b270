#!/usr/bin/env python3
"""Checks the code's layout rules (README, "How the code is organised").

- Includes point one way: a room includes only rooms at or below its own
  floor (core: base < io < capture < model < maps < data < explain < atlas <
  embed < similarity < visualize < faithfulness <
  export < session; ui: widgets < state < panes < controllers < shell),
  core never includes ui or app, ui never includes app, the CLI never
  includes ui.
- core has no Qt include; ui and app include no Torch header.
- No source file over 600 lines; no function over 80 lines (measured with
  universal-ctags, which must be installed).

Usage: check_layout.py REPO_ROOT. Prints every violation; exit code 1 if any.
"""
import pathlib
import re
import shutil
import subprocess
import sys

FLOORS = {
    "core": ["base", "io", "capture", "model", "maps", "data", "explain", "atlas", "embed", "similarity", "visualize", "faithfulness", "export", "session"],
    "ui": ["widgets", "state", "panes", "controllers", "shell"],
}
FRONTS = ["core", "ui", "app"]  # a front includes only fronts to its left
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
TORCH = re.compile(r"^(torch|ATen|c10|caffe2)/")
QT = re.compile(r"^Q[A-Za-z]*$|^Qt[A-Za-z]*/")


def sources(root):
    for front in FRONTS:
        for path in sorted((root / front).rglob("*")):
            if path.suffix in (".h", ".cpp"):
                yield path


def room_of(relative):
    """(front, floor index or None) of a path like core/model/model.h."""
    parts = relative.split("/")
    front = parts[0]
    floors = FLOORS.get(front)
    if floors and len(parts) > 2 and parts[1] in floors:
        return front, floors.index(parts[1])
    return front, None


def include_problems(relative, text):
    front, floor = room_of(relative)
    for kind, target in INCLUDE.findall(text):
        if kind == "<":
            if front == "core" and QT.match(target):
                yield f"{relative}: core includes Qt header <{target}>"
            if front in ("ui", "app") and TORCH.match(target):
                yield f"{relative}: {front} includes Torch header <{target}>"
            continue
        target_front, target_floor = room_of(target)
        if target_front not in FRONTS:
            continue
        if FRONTS.index(target_front) > FRONTS.index(front):
            yield f"{relative}: {front} includes {target}, a front above it"
        elif relative.startswith("app/cli/") and target_front == "ui":
            yield f"{relative}: the command-line program includes {target}"
        elif target_front == front and None not in (floor, target_floor) and target_floor > floor:
            yield f"{relative}: includes {target} from a room above its own"


def function_lengths(root, paths):
    """(lines, 'file:line name') of every function ctags finds."""
    command = ["ctags", "--languages=C++", "--kinds-C++=+f", "--fields=+ne", "-x",
               "--_xformat=%{input}\t%{line}\t%{end}\t%{kind}\t%{name}"] + [str(p) for p in paths]
    listing = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout
    for row in listing.splitlines():
        path, line, end, kind, name = row.split("\t")
        if kind == "function" and end.isdigit():
            yield int(end) - int(line) + 1, f"{pathlib.Path(path).relative_to(root)}:{line} {name}"


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    problems = []
    paths = list(sources(root))
    for path in paths:
        relative = path.relative_to(root).as_posix()
        text = path.read_text()
        problems += include_problems(relative, text)
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            problems.append(f"{relative}: {lines} lines (at most {MAX_FILE_LINES})")
    if not shutil.which("ctags"):
        problems.append("ctags (Debian universal-ctags) is needed to measure functions")
    else:
        for length, where in function_lengths(root, paths):
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{where}: {length} lines (at most {MAX_FUNCTION_LINES})")
    for problem in problems:
        print(problem)
    print(f"{len(paths)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
