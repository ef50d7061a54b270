#!/usr/bin/env python3
"""Each man page lists every subcommand and every flag its program's --help lists.

check_man_pages.py MAN_DIR ACTSCOPE ACTSCOPE_CLI
"""
import os
import re
import subprocess
import sys
import tempfile

FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def run(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=tempfile.mkdtemp())
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def flags_of(help_text):
    options = help_text.split("Options:", 1)[-1]
    found = set()
    for line in options.splitlines():
        stripped = line.strip()
        if stripped.startswith("-"):
            found.update(FLAG.findall(stripped.split("  ")[0]))
    return found


def rendered(page):
    text = subprocess.run(["man", "-l", page], capture_output=True, text=True,
                          env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="0"))
    if text.returncode != 0:
        sys.exit(f"man -l {page} failed: {text.stderr}")
    # Drop overstrike formatting and hyphenation breaks.
    return re.sub(r".\x08", "", text.stdout).replace("\u2010\n", "")


def check(page, program, subcommands):
    text = rendered(page)
    missing = []
    expected = {"": flags_of(run(program, "--help"))}
    for subcommand in subcommands:
        if not re.search(rf"^\s+{re.escape(subcommand)}\b", text, re.MULTILINE):
            missing.append(f"subcommand {subcommand}")
        expected[subcommand] = flags_of(run(program, subcommand, "--help"))
    for subcommand, flags in expected.items():
        for flag in sorted(flags):
            if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text):
                missing.append(f"{subcommand or 'top level'} {flag}")
    if missing:
        sys.exit(f"{page} lacks: {', '.join(missing)}")
    count = sum(len(flags) for flags in expected.values())
    print(f"{os.path.basename(page)}: {len(subcommands)} subcommands, {count} flags, all listed")


def main():
    man_dir, gui, cli = sys.argv[1:4]
    top = run(cli, "--help")
    subcommands = re.findall(r"^  ([a-z][\w-]*)\s", top.split("Subcommands:", 1)[1], re.MULTILINE)
    if len(subcommands) < 6:
        sys.exit(f"expected the CLI's subcommands in its --help, found {subcommands}")
    check(os.path.join(man_dir, "actscope-cli.1.gz"), cli, subcommands)
    check(os.path.join(man_dir, "actscope.1.gz"), gui, [])


if __name__ == "__main__":
    main()
