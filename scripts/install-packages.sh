#!/usr/bin/env bash
# Installs the Debian packages named that are missing (each package gives the
# program of the same name), with apt-get as root; elsewhere exits 1 with one
# sentence naming them.
# Usage: scripts/install-packages.sh "<who needs them>" <package>...
# Used by the tests' global setup (test/setup/system-packages.ts) and by the
# bench for its Redis (bench/run.ts).
set -euo pipefail
who=${1:?usage: scripts/install-packages.sh "<who needs them>" <package>...}
shift
missing=()
for pkg in "$@"; do
  command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing for ${who}: ${missing[*]}. Install them (Debian packages) and run again." >&2
  exit 1
fi
echo "Installing ${missing[*]} for $who (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
