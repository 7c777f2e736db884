#!/usr/bin/env bash
# libFuzzer targets of tests/fuzz, built with clang (+ ASan, UBSan) in build/fuzz, each run for a
# bounded time from its seed corpus in tests/fuzz/corpus/<target>/.
#
#   bash scripts/fuzz.sh                      # every target, FUZZ_SECONDS (default 20) each: npm test
#   FUZZ_SECONDS=1800 FUZZ_SEED=0 bash scripts/fuzz.sh fuzz_train   # one target, longer, random
#
# FUZZ_SEED (default 1) fixes libFuzzer's mutation sequence, so npm test replays the same inputs
# each time (only how far it gets depends on the machine's speed); 0 picks a random seed, which
# is what a long run by hand should use.
#
# New inputs libFuzzer finds go to build/fuzz/corpus/<target>/ (kept between runs, never
# committed); a crash writes build/fuzz/artifacts/<target>-crash-* and fails the script. Replay
# one with build/fuzz/bin/<target> <file>, then make it a Catch2 regression test and fix the core.
# To grow the committed seeds from a long run:
#   build/fuzz/bin/<target> -merge=1 tests/fuzz/corpus/<target> build/fuzz/corpus/<target>
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh fuzz >/dev/null
seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_cli_args fuzz_config fuzz_image_data fuzz_train)

flags="-fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow -fno-sanitize-recover=all"
flags+=" -fno-omit-frame-pointer -g1 -O1"
CXX=clang++ cmake -S . -B build/fuzz -DINITSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=Fuzz \
  -DCMAKE_CXX_FLAGS_FUZZ="$flags" >/dev/null
cmake --build build/fuzz -j"${JOBS:-2}" --target "${targets[@]}"

mkdir -p build/fuzz/artifacts
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
  # -rss_limit_mb: the core's caps keep a run under ~300 MB; more is a leak or a missing cap.
  # -timeout: one input taking 10 s is a hang (the slowest valid fuzz_train input takes < 1 s).
  if build/fuzz/bin/"$t" "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" "${dict[@]}" \
      -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/artifacts/$t-" >"build/fuzz/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
    echo "fuzz: $t: ${runs:-?} executions in ${seconds} s, no crash"
  else
    status=1
    echo "fuzz: $t FAILED; the report (build/fuzz/$t.log):"
    grep -A40 -m1 -E '^==[0-9]+==|runtime error|deadly signal|Timeout|out-of-memory' \
      "build/fuzz/$t.log" || tail -40 "build/fuzz/$t.log"
    ls build/fuzz/artifacts/"$t"-* 2>/dev/null || true
  fi
done
exit $status
