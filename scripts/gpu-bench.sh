#!/usr/bin/env bash
# The webgpu benchmarks on a bare Linux machine with an NVIDIA GPU and no network.
#
#   scripts/gpu-bench.sh pack   here, with the network: builds .gpu-bench/ (under 64 MiB): Node's
#                               binary and the bundled engine (xz), the Vulkan/EGL loaders as Debian
#                               packages, the PyTorch reference script
#   scripts/gpu-bench.sh run    there, from the repository root with .gpu-bench/ beside it: unpacks,
#                               then `bench train` and `bench decode` on webgpu (Vulkan), with the
#                               PyTorch reference on CUDA in the same run where python3's torch has it
#
# Each step prints what it does; figures land in $OUT (or .gpu-bench/results) as JSON and text.
set -euo pipefail
cd "$(dirname "$0")/.."
PACK=.gpu-bench
# The loaders Dawn's Vulkan (and EGL) path needs; the NVIDIA driver itself is the machine's.
GL_PACKAGES=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
# Packages the benchmarks never load (browser builds, the converter, data pipelines).
LEAVE_OUT='^node_modules/@tensorflow/(tfjs|tfjs-backend-webgl|tfjs-converter|tfjs-data|tfjs-node|tfjs-node-gpu)$'

pack() {
  [[ -f out/main/cli.js ]] || npm run build
  rm -rf "$PACK" && mkdir -p "$PACK/gl" "$PACK/stage/app"
  local app="$PACK/stage/app"
  echo "gpu-bench: the engine bundle and its production packages"
  cp -r bin package.json "$app/"
  mkdir -p "$app/out" && cp -r out/main "$app/out/"
  npm ls --omit=dev --parseable --all 2>/dev/null | tail -n +2 | sed "s|^$PWD/||" |
    grep -v '^node_modules/.*/node_modules/' | grep -Ev "$LEAVE_OUT" | while read -r dir; do
      mkdir -p "$app/$(dirname "$dir")" && cp -r "$dir" "$app/$dir"
    done
  # Only Linux x64's dawn.node, and none of the source maps, types or browser builds.
  find "$app/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
  find "$app/node_modules" \( -name '*.map' -o -name '*.d.ts' -o -name '*.min.js' -o -name '*.es2017.js' \
    -o -name '*.esm.js' -o -name 'README*' -o -name 'CHANGELOG*' \) -type f -delete
  cp /work/shared/reference/torch_vae_bench.py "$app/" 2>/dev/null ||
    cp ../shared/reference/torch_vae_bench.py "$app/"
  cp "$(command -v node)" "$PACK/stage/node"
  echo "gpu-bench: compressing (xz)"
  tar -C "$PACK/stage" -cf - app node | xz -T0 -6 >"$PACK/atelier.tar.xz"
  rm -rf "$PACK/stage"
  echo "gpu-bench: the loaders (${GL_PACKAGES[*]}) as amd64 Debian packages"
  local lists=/tmp/gpu-bench-apt-lists
  mkdir -p "$lists/partial"
  local apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$lists")
  apt-get "${apt[@]}" update -qq
  (cd "$PACK/gl" && apt-get "${apt[@]}" download "${GL_PACKAGES[@]}" >/dev/null)
  du -sh "$PACK" && du -sh "$PACK"/*
  local bytes
  bytes=$(du -sb "$PACK" | cut -f1)
  if ((bytes > 64 * 1024 * 1024)); then
    echo "gpu-bench: $PACK is $bytes bytes, over the 64 MiB a device run carries" >&2
    exit 1
  fi
  echo "gpu-bench: ready; on the GPU machine run scripts/gpu-bench.sh run (carry $PACK)"
}

run() {
  [[ -f "$PACK/atelier.tar.xz" ]] || {
    echo "gpu-bench: no $PACK/atelier.tar.xz here: run scripts/gpu-bench.sh pack first" >&2
    exit 1
  }
  local results=${OUT:-$PACK/results}
  local root=/tmp/atelier-gpu-bench
  mkdir -p "$results" "$root"
  echo "gpu-bench: unpacking the loaders and the engine"
  for deb in "$PACK"/gl/*.deb; do dpkg -x "$deb" /; done
  ldconfig
  tar -C "$root" -xJf "$PACK/atelier.tar.xz"
  # Where the driver keeps its Vulkan and EGL manifests out of the loaders' sight.
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [[ -f $icd && ! -f /usr/share/vulkan/icd.d/nvidia_icd.json ]]; then
    export VK_DRIVER_FILES=$icd
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
  export ATELIER_DATA_DIR=$root/data
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$results/gpu.txt" || true
  cd "$root/app"
  local atelier=("$root/node" bin/atelier.mjs)
  echo "gpu-bench: atelier info"
  "${atelier[@]}" info --backend webgpu | tee "$results/info.txt"
  echo "gpu-bench: bench train on webgpu (PyTorch on CUDA beside it where torch has it)"
  "${atelier[@]}" bench train --backend webgpu --steps 30 --reference torch_vae_bench.py --json |
    tee "$results/bench-train.json"
  echo "gpu-bench: bench decode on webgpu"
  "${atelier[@]}" bench decode --backend webgpu --runs 200 --json | tee "$results/bench-decode.json"
  echo "gpu-bench: done; figures in $results"
}

case "${1:-}" in
pack) pack ;;
run) run ;;
*)
  echo "usage: scripts/gpu-bench.sh pack|run (see the top of this file)" >&2
  exit 2
  ;;
esac
