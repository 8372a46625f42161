#!/usr/bin/env bash
# The check on a machine with a GPU, in one command from the repository root, with .gpu-carry/ made by pack.sh:
#   1. build  the addon against that machine's PyTorch (its python3's torch: libtorch with CUDA and cuDNN);
#   2. tests  the backend's tests with TFJS_LIBTORCH_TEST_DEVICE=$GPU_CHECK_DEVICE (kernels on the GPU);
#   3. bench  SimpleCNN and ResNet-18 (28) training samples/s, against PyTorch eager on the same device
#             (bench/torch_device_reference.py running torch_reference.py's models);
#   4. train  `medcnn train` of SimpleCNN and ResNet-18 (28) for one epoch on PneumoniaMNIST with --device.
#   bash packages/tfjs-backend-libtorch/scripts/gpu/check.sh [build] [tests] [bench] [train]   (default: all four)
# Environment: GPU_CHECK_DEVICE (default cuda; cpu dry-runs it all on a machine without a GPU), PYTHON (the
# Python with torch; default python3), OUT (where logs go; default ./gpu-out), GPU_CHECK_KEEP_BUILD=1 (reuse
# build/, e.g. in a dry run or a second call), GPU_CHECK_DIRECT_BUILD=1 (g++ without node-gyp, as where make is
# missing), GPU_CHECK_CARRIED_NODE=1 (the carried Node even where one is installed), GPU_CHECK_BENCH_EPOCHS
# (default 3), GPU_CHECK_SIMPLECNN_SAMPLES and GPU_CHECK_RESNET_SAMPLES (default 4708 and 2560), GPU_CHECK_DATA
# (a folder with pneumoniamnist.npz; default the carried one), GPU_CHECK_BUILD_LIMIT and GPU_CHECK_TESTS_LIMIT
# (seconds; default 300 and 240).
# Each phase runs under its own time limit so that the whole fits one 10-minute command; a summary ends it.
set -uo pipefail
root=$(pwd)
carry=$root/.gpu-carry
pkg=$root/packages/tfjs-backend-libtorch
device=${GPU_CHECK_DEVICE:-cuda}
python=${PYTHON:-python3}
out=${OUT:-$root/gpu-out}
epochs=${GPU_CHECK_BENCH_EPOCHS:-3}
phases=${*:-build tests bench train}
mkdir -p "$out"
summary=()
note() { summary+=("$1"); echo "== $1"; }
elapsed() { echo $((SECONDS - $1))s; }

# tar's xz, else Python's (a machine without xz-utils).
unpack() {
  tar -C "$2" -xJf "$1" 2>/dev/null ||
    "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
}

# The addon compiled and linked by g++ directly, for a machine without make (node-gyp's generator needs it):
# the same sources, flags and libraries as binding.gyp, from scripts/libtorch-path.cjs.
direct_build() {
  local inc lib std obj=build/direct
  inc=$(node scripts/libtorch-path.cjs include); lib=$(node scripts/libtorch-path.cjs lib); std=$(node scripts/libtorch-path.cjs std)
  local flags=(-fPIC -O3 "$std" -fexceptions -frtti -ffp-contract=off -fopenmp -fno-math-errno -Wno-unused-parameter -Wno-psabi -Wno-deprecated-declarations
    -I"$(node -p "require('node-addon-api').include_dir")" -I"$inc" -I"$inc/torch/csrc/api/include"
    -I"$(dirname "$(dirname "$(command -v node)")")/include/node" -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS
    -DNODE_ADDON_API_DISABLE_DEPRECATED $(node scripts/libtorch-path.cjs defines | sed 's/[^ ]*/-D&/g'))
  mkdir -p "$obj" build/Release
  node -p "JSON.parse(require('fs').readFileSync('binding.gyp', 'utf8')).targets[0].sources.join('\n')" |
    xargs -P "$(nproc)" -I{} sh -c 'o='"$obj"'/$(echo {} | tr / _).o; [ "$o" -nt {} ] || g++ "$@" -c {} -o "$o" || exit 255' \
      _ "${flags[@]}" &&
    g++ -shared -fopenmp -o build/Release/tfjs_libtorch.node "$obj"/*.o -L"$lib" -Wl,-rpath,"$lib" -Wl,--no-as-needed \
      $(node scripts/libtorch-path.cjs libs)
}

test -d "$carry" || { echo "no .gpu-carry/: run scripts/gpu/pack.sh here first, and carry it" >&2; exit 1; }
start=$SECONDS
if [[ -n ${GPU_CHECK_CARRIED_NODE:-} ]] || ! command -v node >/dev/null || [[ $(node -v) != v20* ]]; then
  mkdir -p /tmp/gpu-node && unpack "$carry/node.tar.xz" /tmp/gpu-node && export PATH=/tmp/gpu-node/node/bin:$PATH
fi
[[ -d node_modules/@tensorflow ]] || unpack "$carry/modules.tar.xz" "$root"
echo "node $(node -v); unpacked in $(elapsed $start)"
nvidia-smi -L 2>/dev/null || echo "nvidia-smi: none"
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count())' || true

cd "$pkg"
if [[ " $phases " == *" build "* ]]; then
  t=$SECONDS
  if [[ -n ${GPU_CHECK_KEEP_BUILD:-} && -f build/Release/tfjs_libtorch.node ]]; then
    note "build: kept build/ (GPU_CHECK_KEEP_BUILD)"
  else
    # A direct build keeps its objects (build/direct) for a second try; node-gyp starts afresh.
    [[ -n ${GPU_CHECK_DIRECT_BUILD:-} ]] || rm -rf build
    build_limit=${GPU_CHECK_BUILD_LIMIT:-300}
    # Gloo's collectives are left out: data-parallel training runs on the CPU only, and PyTorch's wheels
    # may not carry Gloo's headers.
    export TFJS_LIBTORCH_NO_GLOO=1 TFJS_LIBTORCH_PYTHON=$python
    if command -v make >/dev/null && [[ -z ${GPU_CHECK_DIRECT_BUILD:-} ]]; then
      timeout "$build_limit" node scripts/install.cjs 2>&1 | tee "$out/build.log" | tail -n 40
    else
      echo "no make (or GPU_CHECK_DIRECT_BUILD): compiling with g++ directly" | tee "$out/build.log"
      node -e "const p = require('./scripts/libtorch-path.cjs'); const f = p.search(); console.log(p.describe(f)); p.record(f)" |
        tee -a "$out/build.log"
      TFJS_LIBTORCH_FOUND=$(cat build/libtorch.json) timeout "$build_limit" bash -c "$(declare -f direct_build); direct_build" \
        >> "$out/build.log" 2>&1 || tail -n 40 "$out/build.log"
    fi
    unset TFJS_LIBTORCH_NO_GLOO
    if [[ -f build/Release/tfjs_libtorch.node ]]; then note "build: ok in $(elapsed $t) ($(node scripts/libtorch-path.cjs describe))"
    else note "build: FAILED in $(elapsed $t) (build.log)"; fi
  fi
  node --input-type=module -e "
    const m = await import('./dist/src/index.js');
    const r = m.registerLibtorchBackend();
    console.log(JSON.stringify({ registered: r, libtorch: m.libtorchVersion(), devices: m.deviceSupport() }));
    try { console.log('setDevice:', m.setDevice('$device')); } catch (e) { console.log('setDevice failed:', e.message); }
  " 2>&1 | tee -a "$out/build.log"
fi

if [[ " $phases " == *" tests "* ]]; then
  t=$SECONDS
  TFJS_LIBTORCH_TEST_DEVICE=$device timeout ${GPU_CHECK_TESTS_LIMIT:-240} node --test --test-concurrency=1 dist/test/ > "$out/tests.log" 2>&1
  rc=$?
  grep -E '^not ok|^# (tests|pass|fail|skipped|cancelled)|# skipping|^# Subtest' "$out/tests.log" | grep -v '^# Subtest' | tail -n 30
  grep -B2 -A12 '^    not ok' "$out/tests.log" | head -n 80
  note "tests on $device: exit $rc in $(elapsed $t); $(grep -E '^# (pass|fail|skipped)' "$out/tests.log" | tr '\n' ' ')"
fi

if [[ " $phases " == *" bench "* ]]; then
  for spec in "simplecnn ${GPU_CHECK_SIMPLECNN_SAMPLES:-4708}" "resnet18 ${GPU_CHECK_RESNET_SAMPLES:-2560}"; do
    set -- $spec
    t=$SECONDS
    MEDCNN_SHARED=$carry timeout 120 node dist/bench/run.js --model "$1" --samples "$2" --epochs "$epochs" --threads 4 --device "$device" \
      --python "$python" 2>&1 | tee -a "$out/bench.log" | tail -n 4
    note "bench $1 on $device in $(elapsed $t): $(grep -E "^$1: " "$out/bench.log" | tail -n 1)"
  done
fi

if [[ " $phases " == *" train "* ]]; then
  for model in simplecnn resnet18; do
    t=$SECONDS
    run=/tmp/gpu-check-runs/$model
    rm -rf "$run"
    MEDMNIST_ROOT=${GPU_CHECK_DATA:-$carry/medmnist} timeout 150 node "$root/packages/medcnn/dist/src/cli/main.js" train --dataset pneumoniamnist \
      --model "$model" --epochs 1 --device "$device" --out "$run" --no-progress > "$out/train-$model.log" 2>&1
    rc=$?
    tail -n 12 "$out/train-$model.log"
    [[ -f $run/config.json ]] && cp "$run/config.json" "$out/train-$model-config.json"
    note "train $model on $device: exit $rc in $(elapsed $t); $(grep -m1 -iE 'backend:' "$out/train-$model.log")"
  done
fi

echo
echo "== summary ($(elapsed $start) in all; logs in $out)"
printf '  %s\n' "${summary[@]}"
