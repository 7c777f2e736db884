#!/usr/bin/env bash
# Fails when a tracked C++ file differs from .clang-format (Google style, 100 columns).
# Fix with: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files '*.cpp' '*.hpp')
else
  files=$(find core wasm tests bench -name '*.cpp' -o -name '*.hpp')
fi
echo "$files" | xargs clang-format --style=file --dry-run --Werror
echo "format: $(echo "$files" | wc -l) C++ files match .clang-format"
# The core computes its transcendental functions itself (core/include/initscope/pmath.hpp), so
# the CLI (glibc) and the browser (musl) give the same bits. A libm call in core/ would bring back
# last-ulp differences that training amplifies; sqrt, fabs, floor and friends are exact and fine.
libm=$(grep -nE 'std::(exp|exp2|expm1|log|log1p|log2|log10|pow|tanh|sinh|cosh|sin|cos|tan|asin|acos|atan|atan2|erf|erfc|tgamma|lgamma|cbrt|hypot)\(' \
  $(git ls-files 'core/*.cpp' 'core/*.hpp' 2>/dev/null || find core -name '*.cpp' -o -name '*.hpp') |
  grep -v '^core/include/initscope/pmath.hpp:' || true)
if [ -n "$libm" ]; then
  echo "libm call in core/ (use initscope::pm:: from pmath.hpp, or explain in pmath.hpp why it is exact):" >&2
  echo "$libm" >&2
  exit 1
fi
echo "format: no libm transcendental calls in core/ outside pmath.hpp"
