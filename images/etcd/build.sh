#!/usr/bin/env bash
# Builds the local etcd image (no registry needed) from the host's Debian etcd-server binary.
# Usage: images/etcd/build.sh [tag]   (default tag: kubemu/etcd:local)
set -euo pipefail
tag="${1:-kubemu/etcd:local}"
etcd_bin="$(command -v etcd || true)"
if [ -z "$etcd_bin" ]; then
  echo "etcd binary not found: install Debian's etcd-server (apt-get install -y etcd-server)" >&2
  exit 1
fi
bb="$(command -v busybox || true)"
here="$(cd "$(dirname "$0")" && pwd)"
hash="$(cat "$etcd_bin" ${bb:+"$bb"} "$here/build.sh" | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "io.kubemu.image.hash"}}' "$tag" 2>/dev/null || true)" = "$hash" ]; then
  echo "$tag is up to date (hash $hash)"
  exit 0
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/var/lib/etcd" "$root/tmp"
cp "$etcd_bin" "$root/usr/local/bin/etcd"
# copy the dynamic libraries etcd needs (usually just libc and the loader)
for lib in $(ldd "$etcd_bin" | grep -oE '/[^ ]+' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
if [ -n "$bb" ]; then
  if ! ldd "$bb" >/dev/null 2>&1; then   # static busybox gives the image a shell for health checks
    mkdir -p "$root/bin"
    cp "$bb" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
  fi
fi
tar -C "$root" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/local/bin/etcd"]' \
  -c 'ENV ETCD_DATA_DIR=/var/lib/etcd' \
  -c 'EXPOSE 2379' \
  -c "LABEL io.kubemu.image=etcd" \
  -c "LABEL io.kubemu.image.hash=$hash" \
  - "$tag" >/dev/null
echo "built $tag from $etcd_bin ($("$etcd_bin" --version | head -1))"
