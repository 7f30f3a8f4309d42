#!/usr/bin/env bash
# Builds kubemu's test workload image (no registry needed). Idempotent: an image whose input hash matches is kept.
# Contents: the host's `node` binary and its shared libraries, the compiled testapp (dist/images/testapp/testapp.js,
# from testapp.ts: run `npx tsc -p .` first) and the host's static busybox with its applets (sh, tar, ls, … for
# kubectl exec and kubectl cp).
# Usage: images/testapp/build.sh [tag]   (default tag: kubemu/testapp:local)
# The default image is also tagged kubemu/testapp:v2, so the README's tour can roll out an image change and undo it.
set -euo pipefail
tag="${1:-kubemu/testapp:local}"
second_tag() { if [ "$tag" = kubemu/testapp:local ]; then docker tag "$tag" kubemu/testapp:v2; fi; }
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
app="$repo/dist/images/testapp/testapp.js"
if [ ! -f "$app" ]; then
  echo "$app is missing: compile first (cd $repo && npx tsc -p .)" >&2
  exit 1
fi
node_bin="$(command -v node || true)"
bb="$(command -v busybox || true)"
if [ -z "$node_bin" ]; then echo "node not found on PATH" >&2; exit 1; fi
if [ -z "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  echo "a static busybox is needed for sh/tar in the image (apt-get install -y busybox-static)" >&2
  exit 1
fi
hash="$( (cat "$app" "$here/build.sh"; "$node_bin" --version; sha256sum "$bb") | sha256sum | cut -c1-16)"
if [ "$(docker image inspect -f '{{index .Config.Labels "io.kubemu.image.hash"}}' "$tag" 2>/dev/null || true)" = "$hash" ]; then
  second_tag
  echo "$tag is up to date (hash $hash)"
  exit 0
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/bin" "$root/app" "$root/tmp" "$root/etc"
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
cp "$app" "$root/app/testapp.mjs"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
tar -C "$root" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/local/bin/node", "/app/testapp.mjs"]' \
  -c 'CMD ["serve"]' \
  -c 'ENV PATH=/usr/local/bin:/bin' \
  -c 'EXPOSE 8080' \
  -c 'LABEL io.kubemu.image=testapp' \
  -c "LABEL io.kubemu.image.hash=$hash" \
  - "$tag" >/dev/null
second_tag
echo "built $tag: host node $("$node_bin" --version) ($node_bin + shared libraries) and static busybox ($bb)"
