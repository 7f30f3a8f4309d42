#!/usr/bin/env bash
# Assembles a Node.js runtime base image from this machine (no registry needed): the host's `node` binary,
# its shared libraries, and the static busybox for a shell. Used when the public node image cannot be pulled.
# Idempotent: an image built from the same inputs is kept.
# Usage: images/node-base/build.sh [tag]   (default tag: kubemu/node-base:local)
set -euo pipefail
tag="${1:-kubemu/node-base:local}"
here="$(cd "$(dirname "$0")" && pwd)"
node_bin="$(command -v node || true)"
bb="$(command -v busybox || true)"
[ -n "$node_bin" ] || { echo "node not found on PATH" >&2; exit 1; }
if [ -z "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  echo "a static busybox is needed (apt-get install -y busybox-static)" >&2
  exit 1
fi
# size and mtime identify the host's binaries well enough (hashing 100 MB of node on every `up` costs a second)
hash="$( (cat "$here/build.sh"; "$node_bin" --version; stat -L -c '%n %s %Y' "$node_bin" "$bb") | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "io.kubemu.image.hash"}}' "$tag" 2>/dev/null || true)" = "$hash" ]; then
  echo "$tag is up to date (node $("$node_bin" --version) from the host)"
  exit 0
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/bin" "$root/tmp" "$root/etc" "$root/root"
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
tar -C "$root" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/bin' \
  -c 'CMD ["node"]' \
  -c 'LABEL io.kubemu.image=node-base' \
  -c "LABEL io.kubemu.image.hash=$hash" \
  - "$tag" >/dev/null
echo "built $tag from the host's node $("$node_bin" --version) and $bb"
