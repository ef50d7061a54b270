#!/usr/bin/env bash
# Builds build/actscope_<version>_<arch>.deb (CPack; see packaging/install.cmake)
# and checks it with lintian when lintian is installed.
#   packaging/deb.sh && sudo apt install ./build/actscope_*.deb
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"

install_missing "${BUILD_PACKAGES[@]}" "${PACKAGE_PACKAGES[@]}"
build_release
cd "$ROOT/build"
cpack -G DEB
deb="$(ls -t "$ROOT"/build/actscope_*.deb | head -1)"
echo "built $deb"
if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb"
fi
