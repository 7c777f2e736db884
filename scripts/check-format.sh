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
