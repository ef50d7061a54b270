#!/usr/bin/env bash
# Installs what is missing, builds, and opens actscope on the bundled model
# and sample images. Arguments are passed to actscope (MODEL [IMAGES...]).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"

install_missing "${BUILD_PACKAGES[@]}"
build_release -DACTSCOPE_BUILD_TESTS=OFF

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MESSAGE
actscope is built, but there is no display to open its window on
(neither DISPLAY nor WAYLAND_DISPLAY is set). Instead you can:
  - run it in a virtual display:  xvfb-run -a $ROOT/build/app/actscope
  - use the command-line program: $ROOT/build/app/actscope-cli --help
MESSAGE
  exit 2
fi
exec "$ROOT/build/app/actscope" "$@"
