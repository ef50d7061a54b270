#!/usr/bin/env bash
# Builds the libFuzzer harnesses of the parsers of untrusted bytes
# (tests/fuzz: image header, image decode, model card, IDX, samples.json,
# the .pt archive's zip directory)
# with clang and AddressSanitizer + UndefinedBehaviorSanitizer, and runs each
# for SECONDS (default 30) from its committed seed corpus, printing
# libFuzzer's summary. Exits non-zero when a harness finds a crash, a leak,
# undefined behaviour or a timeout; the input that did it is kept in
# build-fuzz/findings/ (add it to tests/fuzz/corpus/<harness>/ once fixed).
#
#   packaging/fuzz.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"
DURATION="${1:-30}"
HARNESSES=(fuzz_image_header fuzz_image_decode fuzz_model_card fuzz_idx fuzz_samples_json fuzz_model_archive fuzz_npy)

install_missing "${BUILD_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
BUILD="$ROOT/build-fuzz"
cmake -S "$ROOT/tests/fuzz" -B "$BUILD" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export TMPDIR="$WORK"  # the harnesses' scratch files
# OpenCV reads its decoders' limits once, when it loads: 1 megapixel here, so
# that fuzz_image_decode's own cv::imdecode calls cannot allocate much.
export OPENCV_IO_MAX_IMAGE_PIXELS=1048576
mkdir -p "$BUILD/findings"
failed=0
for harness in "${HARNESSES[@]}"; do
  mkdir -p "$WORK/$harness"
  echo "== $harness, ${DURATION} s"
  # New inputs go to the first folder (a scratch copy); the committed seeds are only read.
  seeds=("$ROOT/tests/fuzz/corpus/$harness")
  case "$harness" in fuzz_image_*) seeds+=("$ROOT/tests/data/image_quirks") ;; esac
  if "$BUILD/$harness" -max_total_time="$DURATION" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$BUILD/findings/$harness-" "$WORK/$harness" "${seeds[@]}" \
      >"$WORK/$harness.log" 2>&1; then
    grep -E "^(#[0-9]+.*DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$WORK/$harness.log" || true
  else
    failed=1
    echo "FINDING in $harness:"
    tail -n 40 "$WORK/$harness.log"
  fi
done
exit "$failed"
