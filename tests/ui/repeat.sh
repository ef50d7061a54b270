#!/usr/bin/env bash
# Runs every GUI test RUNS times (default 20): two processes at a time, each
# in its own shuffled order, so that a test that leans on another's state
# (settings, the atlas cache) or on timing shows up. Run from a built tree:
#
#   tests/ui/repeat.sh [RUNS] [BUILD_DIR]
set -uo pipefail
RUNS="${1:-20}"
BUILD="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}"
LOGS="$(mktemp -d)"
failed=0
for ((run = 0; run < RUNS; run += 2)); do
  pids=()
  for ((k = run; k < run + 2 && k < RUNS; ++k)); do
    QT_QPA_PLATFORM=offscreen "$BUILD/tests/ui_tests" --gtest_shuffle --gtest_random_seed=$((k + 1)) \
      --gtest_brief=1 >"$LOGS/run$k.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < ${#pids[@]}; ++i)); do
    if ! wait "${pids[$i]}"; then
      failed=$((failed + 1))
      echo "run $((run + i)) failed:"
      grep -E "Failure|FAILED" -A3 "$LOGS/run$((run + i)).log" | head -20
    fi
  done
done
echo "$((RUNS - failed)) of $RUNS runs passed (logs: $LOGS)"
[ "$failed" -eq 0 ]
