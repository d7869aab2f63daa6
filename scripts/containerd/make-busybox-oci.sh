#!/usr/bin/env bash
# Build a minimal OCI image archive (OCI image layout in a tar) from Debian's
# busybox-static, with no registry and no docker/buildah/skopeo: only
# coreutils, tar, gzip, sha256sum. The result imports with
#   ctr -n NS images import OUT.tar
# and is named docker.io/library/busybox:latest (override with IMAGE_NAME).
#
#   usage: make-busybox-oci.sh OUT.tar
#   needs: apt-get install -y busybox-static
#
# The output is reproducible: same busybox binary -> same digests
# (sorted tar, uid/gid 0, mtime 0, gzip -n).
set -euo pipefail
OUT=$(realpath -m "${1:?usage: make-busybox-oci.sh OUT.tar}")
IMAGE_NAME=${IMAGE_NAME:-docker.io/library/busybox:latest}
BUSYBOX=${BUSYBOX:-/bin/busybox}
ARCH=${ARCH:-amd64}

case "$("$BUSYBOX" --help 2>&1 || true)" in *BusyBox*) ;; *) echo "no busybox at $BUSYBOX" >&2; exit 1;; esac
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
  if ldd "$BUSYBOX" >/dev/null 2>&1; then echo "$BUSYBOX is dynamic; install busybox-static" >&2; exit 1; fi
fi

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
R=$W/rootfs; L=$W/layout
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev,var/run} "$L/blobs/sha256"
chmod 1777 "$R/tmp"; chmod 700 "$R/root"
install -m 0755 "$BUSYBOX" "$R/bin/busybox"
# One symlink per applet at its canonical place (bin/sh, usr/bin/env, sbin/ip ...);
# perl (perl-base is Essential in Debian) makes all ~270 links in one process.
"$BUSYBOX" --list-full | grep -vx 'bin/busybox' > "$W/applets"
(cd "$R" && grep / "$W/applets" | sed 's|/[^/]*$||' | sort -u | xargs mkdir -p &&
 xargs perl -e 'for (@ARGV) { symlink("/bin/busybox", $_) or die "$_: $!\n" }' < "$W/applets")
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$R/etc/hosts"
: > "$R/etc/resolv.conf"

# Layer: deterministic tar, then gzip -n
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$R" -cf "$W/layer.tar" .
DIFF_ID=$(sha256sum "$W/layer.tar" | cut -d' ' -f1)
gzip -n -9 -c "$W/layer.tar" > "$W/layer.tar.gz"
LAYER_DGST=$(sha256sum "$W/layer.tar.gz" | cut -d' ' -f1)
LAYER_SIZE=$(stat -c %s "$W/layer.tar.gz")
mv "$W/layer.tar.gz" "$L/blobs/sha256/$LAYER_DGST"

blob() {  # blob FILE -> prints "digest size", moves file into blobs/
  local d s; d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$L/blobs/sha256/$d"; echo "$d $s"
}

# Image config (OCI image-spec config.json)
printf '%s' '{"created":"1970-01-01T00:00:00Z","architecture":"'"$ARCH"'","os":"linux",'\
'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$DIFF_ID"'"]},'\
'"history":[{"created":"1970-01-01T00:00:00Z","created_by":"make-busybox-oci.sh (Debian busybox-static)"}]}' > "$W/config.json"
read -r CFG_DGST CFG_SIZE < <(blob "$W/config.json")

# Manifest
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$CFG_DGST"'","size":'"$CFG_SIZE"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$LAYER_DGST"'","size":'"$LAYER_SIZE"'}]}' > "$W/manifest.json"
read -r MAN_DGST MAN_SIZE < <(blob "$W/manifest.json")

# index.json: io.containerd.image.name gives ctr import the full name;
# org.opencontainers.image.ref.name is the plain OCI tag.
TAG=${IMAGE_NAME##*:}
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{'\
'"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"$MAN_DGST"'","size":'"$MAN_SIZE"','\
'"platform":{"architecture":"'"$ARCH"'","os":"linux"},'\
'"annotations":{"io.containerd.image.name":"'"$IMAGE_NAME"'","org.opencontainers.image.ref.name":"'"$TAG"'"}}]}' > "$L/index.json"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$L/oci-layout"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$L" -cf "$OUT" oci-layout index.json blobs
echo "wrote $OUT"
echo "  name     $IMAGE_NAME"
echo "  manifest sha256:$MAN_DGST"
echo "  config   sha256:$CFG_DGST"
echo "  layer    sha256:$LAYER_DGST ($LAYER_SIZE bytes gz, diff_id sha256:$DIFF_ID)"
