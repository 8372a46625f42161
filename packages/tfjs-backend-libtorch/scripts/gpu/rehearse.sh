#!/usr/bin/env bash
# The GPU check rehearsed on a machine without a GPU, against libtorch 2.x, before a session with a GPU spends its
# few minutes on it: Debian 13's libtorch-dev and python3-torch (2.6, CPU only, with Gloo's headers) in a chroot
# that debootstrap makes, holding a copy of the working tree as the device tool sends it (the files git tracks or
# does not ignore, and .gpu-carry/), and no Node but the carried one.
#   check  check.sh there with GPU_CHECK_DEVICE=cpu: the build as on the GPU machine (Gloo left out), the backend's
#          tests, the bench against PyTorch 2.6 and `medcnn train`, with small samples;
#   suite  the addon built by the install script, Gloo included, and the backend's whole test suite;
#   loads  (only when named; ~6 minutes) the addon loaded REHEARSE_LOADS times (default 300) in fresh processes by
#          a plain require and as the package loads it (loadAddon, which switches UCX's memory hooks off for the
#          load), counting crashes: Debian 13's libtorch brings UCX through Open MPI (see src/native.ts);
#   medcnn (only when named; ~15 minutes) medcnn's test suite against that addon: the test tools installed in the
#          chroot as .ci/run installs them, this tree with its node_modules copied in, ../shared mounted read-only;
#          TFJS_LIBTORCH_CONV_LAYOUT and ONEDNN_MAX_CPU_ISA pass through (see the backend README on oneDNN 3.7).
#   cuda   (only when named; runs last, and leaves the CUDA build in the tree) the addon built by the install script
#          against Debian 13's CUDA build of libtorch 2.6 (contrib; its packages and the CUDA libraries they need,
#          from contrib and non-free, unpacked in /opt/libtorch-cuda: ~1.2 GB to fetch once, 3 GB unpacked; laid
#          out as LIBTORCH): that the search says "with CUDA", that the addon compiles and links libtorch_cuda and
#          libc10_cuda, and what loading it lacks: cuDNN alone, since Debian's cuDNN package (nvidia-cudnn)
#          fetches it from NVIDIA, which this machine cannot reach.
# Run as root (debootstrap, chroot, mounts) from the repository root, after `npm ci`, `npm run build` and
# scripts/gpu/pack.sh:
#   bash packages/tfjs-backend-libtorch/scripts/gpu/rehearse.sh [check] [suite] [loads] [medcnn] [cuda]   (default: check suite)
# Environment: REHEARSE_ROOT (the chroot, made on first use, ~1.6 GB and ~3 minutes; default
# /var/tmp/medcnn-trixie), OUT (logs; default ./rehearse-out). GPU_CHECK_* variables pass through to check.sh.
set -euo pipefail
root=$(pwd)
fs=${REHEARSE_ROOT:-/var/tmp/medcnn-trixie}
out=${OUT:-$root/rehearse-out}
phases=${*:-check suite}
test -f packages/tfjs-backend-libtorch/package.json || { echo "run from the repository root" >&2; exit 1; }
[[ $EUID -eq 0 ]] || { echo "needs root: debootstrap, chroot and mounts" >&2; exit 1; }
test -d .gpu-carry || { echo "no .gpu-carry/: run scripts/gpu/pack.sh first" >&2; exit 1; }

if [[ ! -f $fs/usr/include/ATen/ATen.h ]]; then
  command -v debootstrap >/dev/null || apt-get install -y debootstrap
  echo "making the Debian 13 chroot in $fs (once)"
  debootstrap --variant=minbase \
    --include=g++,make,python3,python3-numpy,libtorch-dev,python3-torch,libgloo-dev,xz-utils trixie "$fs"
fi

cleanup() {
  umount "$fs/src/shared" 2>/dev/null || true
  umount "$fs/dev" 2>/dev/null || true
  umount "$fs/proc" 2>/dev/null || true
}
trap cleanup EXIT
mountpoint -q "$fs/proc" || mount -t proc proc "$fs/proc"
mountpoint -q "$fs/dev" || mount --bind /dev "$fs/dev"

# The tree as the device tool sends it, laid anew; nothing of this machine's build comes along.
umount "$fs/src/shared" 2>/dev/null || true
rm -rf "$fs/src" "$fs/tmp/gpu-node" "$fs/tmp/gpu-check-runs"
mkdir -p "$fs/src/main" "$out"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -C "$fs/src/main" -xf -
cp -r .gpu-carry "$fs/src/main/"
in_chroot() {
  chroot "$fs" /usr/bin/env -i PATH=/tmp/gpu-node/node/bin:/usr/bin:/bin HOME=/root \
    GPU_CHECK_SIMPLECNN_SAMPLES="${GPU_CHECK_SIMPLECNN_SAMPLES:-1024}" GPU_CHECK_RESNET_SAMPLES="${GPU_CHECK_RESNET_SAMPLES:-128}" \
    GPU_CHECK_BENCH_EPOCHS="${GPU_CHECK_BENCH_EPOCHS:-2}" GPU_CHECK_BUILD_LIMIT="${GPU_CHECK_BUILD_LIMIT:-900}" \
    GPU_CHECK_TESTS_LIMIT="${GPU_CHECK_TESTS_LIMIT:-900}" bash -c "$1"
}
# The carried Node and modules, unpacked in the chroot unless check.sh did it already.
carried_node='mkdir -p /tmp/gpu-node && { test -x /tmp/gpu-node/node/bin/node || tar -C /tmp/gpu-node -xJf /src/main/.gpu-carry/node.tar.xz; }'
carried_modules='cd /src/main && { test -d node_modules/@tensorflow || tar -xJf .gpu-carry/modules.tar.xz; }'

if [[ " $phases " == *" check "* ]]; then
  in_chroot 'cd /src/main && GPU_CHECK_DEVICE=cpu OUT=/src/out bash packages/tfjs-backend-libtorch/scripts/gpu/check.sh' |
    tee "$out/check.log"
fi

if [[ " $phases " == *" suite "* ]]; then
  in_chroot "$carried_node && $carried_modules"' &&
    cd packages/tfjs-backend-libtorch && rm -rf build && node scripts/install.cjs &&
    node --test --test-concurrency=1 dist/test/' > "$out/suite.log" 2>&1 || true
  grep -E '^tfjs-backend-libtorch: building' "$out/suite.log" || true
  grep -E '^not ok|^    not ok|^# (tests|pass|fail|skipped)' "$out/suite.log" || true
fi
if [[ " $phases " == *" loads "* ]]; then
  in_chroot "$carried_node && $carried_modules"' &&
    cd packages/tfjs-backend-libtorch && { test -f build/Release/tfjs_libtorch.node || node scripts/install.cjs; } &&
    count() {
      local ok=0 crashed=0 failed=0
      for i in $(seq 1 '"${REHEARSE_LOADS:-300}"'); do
        node --input-type=module -e "$2" > /tmp/load.log 2>&1
        case $? in 0) ok=$((ok + 1)) ;; 13[0-9]) crashed=$((crashed + 1)); cp /tmp/load.log /tmp/load-crash.log ;; *) failed=$((failed + 1)) ;; esac
      done
      echo "loads by $1: $ok ok, $crashed crashed, $failed failed"
    }
    count "a plain require" "import { createRequire } from \"node:module\"; createRequire(import.meta.url)(\"./build/Release/tfjs_libtorch.node\");"
    count loadAddon "const m = await import(\"./dist/src/native.js\"); const r = m.loadAddon(); if (!(\"addon\" in r)) { console.error(r.reason); process.exit(2); }"' \
    > "$out/loads.log" 2>&1 || true
  grep -E '^loads by ' "$out/loads.log" || tail -n 20 "$out/loads.log"
fi
if [[ " $phases " == *" medcnn "* ]]; then
  chroot "$fs" /usr/bin/env -i PATH=/usr/bin:/bin DEBIAN_FRONTEND=noninteractive bash -c 'apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends fonts-noto-cjk python3-pil dcmtk libgdcm-tools libopenblas0-openmp \
      python3-torchvision python3-onnx libjpeg62-turbo-dev' > "$out/medcnn-apt.log" 2>&1
  mkdir -p "$fs/src/full" "$fs/src/shared"
  tar --exclude=./.git --exclude=./packages/tfjs-backend-libtorch/build --exclude=./.gpu-carry -cf - . | tar -C "$fs/src/full" -xf -
  mount --bind -o ro "$root/../shared" "$fs/src/shared"
  in_chroot "$carried_node"' &&
    cd /src/full/packages/tfjs-backend-libtorch && { cp -r /src/main/packages/tfjs-backend-libtorch/build . 2>/dev/null || node scripts/install.cjs; } &&
    cd ../medcnn && MEDMNIST_ROOT=/src/shared/medmnist TFJS_LIBTORCH_CONV_LAYOUT='"${TFJS_LIBTORCH_CONV_LAYOUT:-}"' \
      ONEDNN_MAX_CPU_ISA='"${ONEDNN_MAX_CPU_ISA:-ALL}"' node --test --test-concurrency=1 dist/test/' > "$out/medcnn.log" 2>&1 || true
  grep -E '^not ok|^# (tests|pass|fail|skipped)' "$out/medcnn.log" || true
fi
if [[ " $phases " == *" cuda "* ]]; then
  cuda=/opt/libtorch-cuda
  if [[ ! -f $fs$cuda/fetched ]]; then
    echo "deb http://deb.debian.org/debian trixie contrib non-free" > "$fs/etc/apt/sources.list.d/medcnn-cuda.list"
    chroot "$fs" /usr/bin/env -i PATH=/usr/bin:/bin bash -c "set -e; apt-get update -qq; rm -rf $cuda; mkdir -p $cuda/debs
      cd $cuda/debs && apt-get download -qq libtorch-cuda-dev libtorch-cuda-2.6 libcudart12 libcublas12 libcublaslt12 \
        libcufft11 libcurand10 libcusolver11 libcusparse12 libnccl2 libnvrtc12 libnvjitlink12 libnvtoolsext1 libcuda1 \
        libgloo-cuda-0 libtensorpipe-cuda-0
      for deb in *.deb; do dpkg -x \$deb $cuda/root; done; rm -rf $cuda/debs
      mkdir -p $cuda/libtorch && ln -s ../root/usr/include $cuda/libtorch/include &&
        ln -s ../root/usr/lib/x86_64-linux-gnu $cuda/libtorch/lib && touch $cuda/fetched" > "$out/cuda-fetch.log" 2>&1 ||
      { tail -n 20 "$out/cuda-fetch.log"; exit 1; }
  fi
  in_chroot "$carried_node && $carried_modules"' &&
    cd packages/tfjs-backend-libtorch && rm -rf build &&
    LIBTORCH='"$cuda"'/libtorch TFJS_LIBTORCH_NO_GLOO=1 node scripts/install.cjs && test -f build/Release/tfjs_libtorch.node &&
    echo "linked: $(readelf -d build/Release/tfjs_libtorch.node | grep -oE "lib(torch|c10)[a-z_]*\.so" | sort | tr "\n" " ")" &&
    export LD_LIBRARY_PATH='"$cuda"'/root/usr/lib/x86_64-linux-gnu:'"$cuda"'/root/usr/lib &&
    echo "missing to load: $(ldd build/Release/tfjs_libtorch.node | grep -oE "^\s*\S+ => not found" | cut -d" " -f1 | tr -d "\t" | sort -u | tr "\n" " ")" &&
    { node -e "require(\"./build/Release/tfjs_libtorch.node\")" 2>&1 | grep -m1 -oE "lib[^ :]*: cannot open shared object file" || true; }' \
    > "$out/cuda.log" 2>&1 || true
  grep -E '^tfjs-backend-libtorch: |^linked: |^missing to load: |cannot open shared object|error' "$out/cuda.log" || tail -n 20 "$out/cuda.log"
fi
cp -r "$fs/src/out/." "$out/" 2>/dev/null || true
echo "logs in $out"
