#!/usr/bin/env bash
# Installs what initscope needs on a fresh Debian machine, skipping what is already there.
# Usage: scripts/setup.sh [native|wasm|browser|fuzz|all]   (default: all)
set -euo pipefail
want="${1:-all}"
# dataset-fashion-mnist: the idx files scripts/prepare-data.mjs subsets (tests and the page use it).
# libeigen3-dev: header-only SVD for run.jacobianSpectrum() (core/src/jacobian.cpp).
# parallel: GNU parallel, for the README's cluster recipe (tests/node/shard.test.mjs runs it).
# libopenblas-dev: the native CLI's --gemm fast (core/src/gemm.cpp; the build works without it).
pkgs=(cmake g++ make clang-format xtensor-dev xtl-dev libeigen3-dev catch2 dataset-fashion-mnist
      parallel libopenblas-dev)
case "$want" in
  native) ;;
  wasm) pkgs+=(emscripten) ;;
  browser|all) pkgs+=(emscripten chromium) ;;
  # clang and its libFuzzer runtime, for scripts/fuzz.sh (npm test runs it after setup.sh all).
  fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
  *) echo "setup.sh: unknown target '$want' (expected native, wasm, browser, fuzz or all)" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from the lockfile"
  npm ci --no-audit --no-fund --loglevel=error
fi
