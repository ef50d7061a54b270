#!/usr/bin/env python3
"""Each man page lists every subcommand and every flag the program defines.

check_man_pages.py MAN_DIR [ACTSCOPE ACTSCOPE_CLI]  (the programs are not run)

The pages are made from the programs' --help; what they must list is read
from the option definitions in the sources instead (CLI11's add_subcommand,
add_option and add_flag in app/cli, Qt's addOption in app/gui), so that a
flag missing from --help is missing from the page and caught here.
"""
import os
import re
import subprocess
import sys

def rendered(page):
    text = subprocess.run(["man", "-l", page], capture_output=True, text=True,
                          env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="0"))
    if text.returncode != 0:
        sys.exit(f"man -l {page} failed: {text.stderr}")
    # Drop overstrike formatting and hyphenation breaks.
    return re.sub(r".\x08", "", text.stdout).replace("\u2010\n", "")


APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "app")
DEFINED = re.compile(r'add_(?:option|flag)\(\s*"([^"]*)"')


def source(*parts):
    with open(os.path.join(APP, *parts)) as f:
        return f.read()


def long_flags(definitions):
    """The --long names among CLI11 option names such as "-h,--help"."""
    return {name for names in definitions for name in names.split(",") if name.startswith("--")}


def cli_definitions():
    """Each subcommand's flags as main_cli.cpp defines them (the text from its
    add_subcommand to the next one), the shared flags of common.cpp and
    image_run.cpp counted for every subcommand that adds them."""
    main = source("cli", "main_cli.cpp")
    shared = {"common.add_to": long_flags(DEFINED.findall(source("cli", "common.cpp"))),
              "images.add_to": long_flags(DEFINED.findall(source("cli", "image_run.cpp")))}
    parts = re.split(r'add_subcommand\(\s*"([\w-]+)"', main)
    defined = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        flags = long_flags(DEFINED.findall(body))
        for call, extra in shared.items():
            if call in body:
                flags |= extra
        defined[name] = flags
    return defined


def gui_definitions():
    names = re.findall(r'addOption\(\s*\{\s*QStringLiteral\("([\w-]+)"\)', source("gui", "startup_options.cpp"))
    return {"": {"--" + name for name in names}}


def check(page, defined):
    text = rendered(page)
    missing = []
    expected = defined
    for subcommand in (name for name in defined if name):
        if not re.search(rf"^\s+{re.escape(subcommand)}\b", text, re.MULTILINE):
            missing.append(f"subcommand {subcommand}")
    for subcommand, flags in expected.items():
        for flag in sorted(flags):
            if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text):
                missing.append(f"{subcommand or 'top level'} {flag}")
    if missing:
        sys.exit(f"{page} lacks: {', '.join(missing)}")
    count = sum(len(flags) for flags in expected.values())
    subcommands = len([name for name in defined if name])
    print(f"{os.path.basename(page)}: {subcommands} subcommands, {count} flags defined in the sources, all listed")


def main():
    man_dir = sys.argv[1]
    cli = cli_definitions()
    if len(cli) < 8 or sum(len(flags) for flags in cli.values()) < 60:
        sys.exit(f"expected the CLI's subcommands and flags in app/cli/main_cli.cpp, found {cli}")
    gui = gui_definitions()
    if len(gui[""]) < 4:
        sys.exit(f"expected the GUI's options in app/gui/startup_options.cpp, found {gui}")
    check(os.path.join(man_dir, "actscope-cli.1.gz"), cli)
    check(os.path.join(man_dir, "actscope.1.gz"), gui)


if __name__ == "__main__":
    main()
