#!/usr/bin/env bash
# Packs what scripts/gpu/check.sh needs on a lent GPU machine, which reaches no registry and may have no Node,
# into .gpu-carry/ at the repository root (ignored by git; the device tool carries it: carry [".gpu-carry"]):
#   node.tar.xz     this machine's Node (binary, headers for node-gyp, npm with its node-gyp)
#   modules.tar.xz  node_modules without the build tools, and the packages' compiled dist/ folders
#   medmnist/pneumoniamnist.npz, bench/torch_reference.py   the data and the PyTorch peer's models, laid out as
#                   ../shared is (check.sh points the bench's MEDCNN_SHARED at .gpu-carry/)
# Run from the repository root after `npm ci` and `npm run build`:
#   bash packages/tfjs-backend-libtorch/scripts/gpu/pack.sh
# The device tool limits what travels to 64 MiB; this prints the size, and fails over it.
set -euo pipefail
root=$(pwd)
test -f packages/tfjs-backend-libtorch/package.json || { echo "run from the repository root" >&2; exit 1; }
shared=${MEDCNN_SHARED:-$root/../shared}
test -f "$shared/bench/torch_reference.py" || shared=/work/shared
out=$root/.gpu-carry
mkdir -p "$out/medmnist" "$out/bench"
rm -f "$out/torch_reference.py" # where an older pack put it

node_bin=$(command -v node)
prefix=$(cd "$(dirname "$(readlink -f "$node_bin")")/.." && pwd)
test -f "$prefix/include/node/node_api.h" || { echo "no Node headers under $prefix/include/node" >&2; exit 1; }
npm_dir=$prefix/lib/node_modules/npm
test -d "$npm_dir" || { echo "no npm under $npm_dir" >&2; exit 1; }
# Node is packed again only when it changed (compressing it takes minutes).
if [[ ! -f $out/node.tar.xz || $(cat "$out/node.version" 2>/dev/null) != "$(node -v)" ]]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/node/bin" "$stage/node/include" "$stage/node/lib/node_modules"
  cp "$(readlink -f "$node_bin")" "$stage/node/bin/node"
  cp -r "$prefix/include/node" "$stage/node/include/"
  cp -r "$npm_dir" "$stage/node/lib/node_modules/"
  tar -C "$stage" -cf - node | xz -T2 -6 > "$out/node.tar.xz"
  node -v > "$out/node.version"
fi

# Build tools, bundlers, browsers and ONNX Runtime are not needed to build the addon, test and train.
tar -cf - \
  --exclude='node_modules/onnxruntime-node' --exclude='node_modules/onnxruntime-web' --exclude='node_modules/@biomejs' \
  --exclude='node_modules/@typescript' --exclude='node_modules/typescript' --exclude='node_modules/@rolldown' \
  --exclude='node_modules/rolldown' --exclude='node_modules/playwright-core' --exclude='node_modules/lightningcss*' \
  --exclude='node_modules/vite' --exclude='node_modules/@tensorflow/tfjs-backend-webgl' --exclude='node_modules/@types' \
  --exclude='*.map' --exclude='packages/*/dist/scratch' \
  node_modules packages/*/dist | xz -T2 -6 > "$out/modules.tar.xz"

cp "$shared/medmnist/pneumoniamnist.npz" "$out/medmnist/"
cp "$shared/bench/torch_reference.py" "$out/bench/"
du -sh "$out"/*
# The device tool refuses a carry over 64 MiB (the web app's onnxruntime-web alone would take 16).
size=$(du -sb "$out" | cut -f1)
echo "$((size / 1048576)) MiB to carry (the device tool takes at most 64)"
((size <= 64 * 1048576)) || { echo "over the device tool's 64 MiB: leave more out above" >&2; exit 1; }
