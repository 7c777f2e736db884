#!/usr/bin/env bash
# The Catch2 suite built with AddressSanitizer + UndefinedBehaviorSanitizer (gcc), in build/asan,
# and run. Any finding fails the run: UB does not recover (-fno-sanitize-recover), ASan stops at
# the first error, and LeakSanitizer (on by default with ASan on Linux) fails on a leak at exit.
# No suppressions.
#
# float-cast-overflow is added by hand: gcc's -fsanitize=undefined leaves it out, and a double
# that does not fit the int it is cast to is exactly the UB that hostile config values reach.
# -O1: the usual sanitizer trade-off (ASan's reports stay readable, the statistical cases stay
# fast enough for npm test); -g1 (line tables only) gives file:line in reports at a fraction of
# -g's compile time on the xtensor-heavy test files.
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all"
flags+=" -fno-omit-frame-pointer -g1 -O1"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Sanitize \
  -DCMAKE_CXX_FLAGS_SANITIZE="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS_SANITIZE="-fsanitize=address,undefined,float-cast-overflow" >/dev/null
cmake --build build/asan -j"${JOBS:-2}" --target initscope_tests initscope
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
build/asan/bin/initscope_tests "$@"
# The CLI on hostile command lines and data files, sanitized (the table's own assertions apply).
INITSCOPE_BIN=build/asan/bin/initscope node --test tests/node/hostile-cli.test.mjs >/dev/null
echo "sanitize: Catch2 suite and hostile CLI table clean under ASan + UBSan"
