#!/usr/bin/env bash
# Installs what is missing, builds, generates the test fixtures with Debian's
# python3-torch and runs every test. Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"

install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
# CI sets ACTSCOPE_WERROR=1: a warning then fails the build.
build_release -DACTSCOPE_BUILD_TESTS=ON "-DCMAKE_COMPILE_WARNING_AS_ERROR=${ACTSCOPE_WERROR:-OFF}"
cmake --build "$ROOT/build" --target fixtures
cd "$ROOT/build"
ctest --output-on-failure -j"$(nproc)"
