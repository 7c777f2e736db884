#!/usr/bin/env bash
# npm start: set up, build native + wasm + web, and serve dist/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
bash scripts/build-native.sh
bash scripts/build-wasm.sh
node scripts/build-web.mjs
# The first free port from $PORT (default 8080), so the URL printed is the one served.
port=$(node -e '
  const net = require("node:net");
  const tryPort = (p) => {
    const s = net.createServer().once("error", () => tryPort(p + 1))
      .once("listening", () => s.close(() => console.log(p)));
    s.listen(p, "127.0.0.1");
  };
  tryPort(Number(process.argv[1]));' "${PORT:-8080}")
echo
echo "initscope is running at http://127.0.0.1:${port}/  (Ctrl+C to stop)"
# --cors: lets a page on another local origin load js/embed.js (the <initscope-lab> element).
exec npx --no-install sirv dist --port "$port" --host 127.0.0.1 --cors --quiet
