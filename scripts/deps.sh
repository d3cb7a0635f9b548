#!/usr/bin/env bash
# Installs the system packages Verity needs (Debian): OpenBLAS, libedit, gnuplot, pkg-config.
# As root it installs what is missing with apt-get; otherwise it prints the command to run.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in libopenblas-dev libedit-dev gnuplot-nox pkg-config; do
  have "$p" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "verity: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "verity: missing system packages: ${need[*]}" >&2
  echo "run: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
