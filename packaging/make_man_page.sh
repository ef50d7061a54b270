#!/usr/bin/env bash
# Writes a program's man page from its own --help (help2man), so the page
# cannot drift from the program: for a program with subcommands, each
# subcommand's --help becomes a part of a COMMANDS section. Gzipped (-n: no
# timestamp, so builds are reproducible).
#   make_man_page.sh PROGRAM "one-line description" OUT.1.gz
set -euo pipefail
program=$1 description=$2 out=$3
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
# Run by name from PATH, so the page's usage lines name the program, not
# the build folder it was run from.
PATH="$(cd "$(dirname "$program")" && pwd):$PATH"
program="$(basename "$program")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The desktop program builds its QApplication before it parses --help.
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work"

# roff text of `program ARGS --help`, kept as printed.
help_as_roff() {
  echo ".nf"
  "$program" "$@" --help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
  echo ".fi"
}

{
  subcommands=$("$program" --help | awk '/^Subcommands:/ {in_list = 1; next} in_list && /^  [a-z]/ {print $1}')
  if [ -n "$subcommands" ]; then
    echo "[COMMANDS]"
    for subcommand in $subcommands; do
      echo ".SS $subcommand"
      help_as_roff "$subcommand"
    done
  fi
  echo "[SEE ALSO]"
  echo "The README at /usr/share/doc/actscope/README.md."
} > "$work/include.h2m"

help2man --no-info --name="$description" --include="$work/include.h2m" \
  --output="$work/page.1" "$program"
gzip -9 -n -c "$work/page.1" > "$out.tmp"
mv "$out.tmp" "$out"
