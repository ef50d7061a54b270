#!/usr/bin/env bash
# Builds core, the command-line program and their tests with AddressSanitizer
# and UndefinedBehaviorSanitizer (gcc, -O1) in build-sanitize/ and runs them:
# core_tests, engine_tests and the command-line tests (ctest -R '^cli\.'; spectrum_pixels serves the parametrization's).
# Any report fails the run: undefined behaviour aborts (no recovery), and so
# do leaks found at exit. LibTorch, Qt and OpenCV are not instrumented; what
# they are known to leave behind is in packaging/sanitize/lsan.supp, one
# narrow line per cause. Exits non-zero on any failure.
#
#   packaging/sanitize.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"

install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
BUILD="$ROOT/build-sanitize"
# -fno-sanitize=vptr: UBSan's vptr check needs the typeinfo of every
# polymorphic class it meets, and LibTorch does not export some of it
# (typeinfo for c10::DynamicType): the link fails. Every other check stays.
FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$ROOT" -B "$BUILD" -DACTSCOPE_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target actscope-cli spectrum_pixels core_tests engine_tests
cmake --build "$BUILD" --target fixtures

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$ROOT/packaging/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD"
status=0
for suite in core_tests engine_tests; do
  echo "== $suite (ASan + UBSan)"
  if ! "tests/$suite" --gtest_brief=1; then
    status=1
  fi
done
echo "== command-line tests (ASan + UBSan)"
ctest -R '^cli\.' --output-on-failure -j"$(nproc)" || status=1
exit "$status"
