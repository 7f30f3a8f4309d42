#!/usr/bin/env bash
# Builds the pod sandbox image (no registry needed). Idempotent: an image whose input hash matches is kept.
# Path 1: a static /pause compiled from pause.c with the host's gcc (as upstream's pause image).
# Path 2 (no gcc/static libc): the host's static busybox running a tiny sh init that sleeps until TERM/INT.
# Usage: images/pause/build.sh [tag]   (default tag: kubemu/pause:local)
set -euo pipefail
tag="${1:-kubemu/pause:local}"
here="$(cd "$(dirname "$0")" && pwd)"
hash="$(cat "$here/pause.c" "$here/build.sh" | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "io.kubemu.image.hash"}}' "$tag" 2>/dev/null || true)" = "$hash" ]; then
  echo "$tag is up to date (hash $hash)"
  exit 0
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
path=""
if command -v gcc >/dev/null 2>&1 && gcc -Os -static -o "$root/pause" "$here/pause.c" 2>/dev/null; then
  strip "$root/pause" 2>/dev/null || true
  entry='["/pause"]'
  path="static pause compiled from pause.c with $(gcc --version | head -1)"
else
  bb="$(command -v busybox || true)"
  if [ -z "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
    echo "need gcc with a static libc, or a static busybox (apt-get install -y busybox-static)" >&2
    exit 1
  fi
  mkdir -p "$root/bin"
  cp "$bb" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  ln -s busybox "$root/bin/sleep"
  cat >"$root/pause" <<'SH'
#!/bin/sh
trap 'echo "Shutting down, got signal" >&2; exit 0' TERM INT
while :; do sleep 86400 & wait $!; done
SH
  chmod 755 "$root/pause"
  entry='["/bin/sh","/pause"]'
  path="busybox sh init from $bb"
fi
tar -C "$root" -c . | docker import \
  -c "ENTRYPOINT $entry" \
  -c 'LABEL io.kubemu.image=pause' \
  -c "LABEL io.kubemu.image.hash=$hash" \
  - "$tag" >/dev/null
echo "built $tag: $path"
