#!/usr/bin/env bash
# Packs the SLO filter as the Wasm OCI image Istio's WasmPlugin and Envoy Gateway's
# EnvoyExtensionPolicy pull: the Wasm image spec's "compat" variant, one gzipped tar layer
# holding plugin.wasm. Writes an OCI image layout tagged with the crates' version and prints
# its skopeo name (oci:DIR:VERSION) on stdout; docs/filter.md ("The OCI image") shows the push.
#   scripts/oci-image.sh [--wasm FILE] [--out DIR]
#   --wasm  the filter to pack; without it the filter is built first (tests/envoy/build.sh),
#           so the image holds the same optimized .wasm the end-to-end tests run
#   --out   the layout directory (default target/slo-filter/oci), replaced as a whole
# The same .wasm always gives the same digests: tar and gzip get fixed times and owners.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "oci-image: $*" >&2; exit 1; }

wasm=""
dest=""
while (($#)); do
  case $1 in
    --wasm) (($# >= 2)) || fail "--wasm needs a file"; wasm=$2; shift 2 ;;
    --out) (($# >= 2)) || fail "--out needs a directory"; dest=$2; shift 2 ;;
    *) fail "unknown argument '$1' (usage: scripts/oci-image.sh [--wasm FILE] [--out DIR])" ;;
  esac
done
# Relative paths are the caller's; resolve them before moving to the repository.
[ -z "$wasm" ] || wasm=$(realpath -e -- "$wasm" 2>/dev/null) || fail "--wasm: no such file: $wasm"
dest=$(realpath -m -- "${dest:-$root/target/slo-filter/oci}")
cd "$root"

for tool in tar gzip sha256sum; do
  command -v "$tool" >/dev/null || fail "missing $tool (Debian packages tar, gzip, coreutils)"
done
if [ -z "$wasm" ]; then
  # In a subshell: build.sh sets variables of its own.
  wasm=$(. tests/envoy/build.sh >&2 && echo "$SLO_FILTER_WASM")
fi
[ "$(head -c 4 "$wasm" | od -An -tx1 | tr -d ' \n')" = 0061736d ] || fail "$wasm is not a WebAssembly module"

# The image carries the version and the licence every crate inherits from the workspace.
workspace_field() {
  awk -v field="$1" '/^\[/ { section = $0 }
    section == "[workspace.package]" && $1 == field { gsub(/"/, "", $3); print $3; exit }' Cargo.toml
}
version=$(workspace_field version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "no version under [workspace.package] in Cargo.toml"
license=$(workspace_field license)
[ -n "$license" ] || fail "no license under [workspace.package] in Cargo.toml"

# Never delete a directory that is not an image layout this script would have written.
if [ -e "$dest" ] && ! [ -f "$dest/oci-layout" ]; then
  fail "$dest exists and is not an OCI image layout; give another --out or remove it"
fi
mkdir -p "$(dirname "$dest")"
work=$(mktemp -d "$(dirname "$dest")/.oci-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout=$work/layout
mkdir -p "$work/stage" "$layout/blobs/sha256"
cp "$wasm" "$work/stage/plugin.wasm"

# blob FILE: moves FILE into the layout under its digest and prints the digest.
blob() {
  local digest
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$layout/blobs/sha256/$digest"
  echo "$digest"
}
# descriptor MEDIA_TYPE DIGEST [MORE_FIELDS]: the JSON that points at a blob.
descriptor() {
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%d%s}' \
    "$1" "$2" "$(stat -c %s "$layout/blobs/sha256/$2")" "${3:+,$3}"
}

tar --create --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  --mode=0644 --directory="$work/stage" --file="$work/layer.tar" plugin.wasm
# The config's diff_id is the digest of the uncompressed tar, the layer's of the gzip.
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -9 -n -c "$work/layer.tar" > "$work/layer.tar.gz"
layer=$(blob "$work/layer.tar.gz")

printf '{"architecture":"wasm","os":"wasip1","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$diff_id" > "$work/config.json"
config=$(blob "$work/config.json")

# Istio reads a one-layer OCI image with this annotation as the compat variant.
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s],"annotations":{"module.wasm.image/variant":"compat","org.opencontainers.image.title":"slo-filter","org.opencontainers.image.version":"%s","org.opencontainers.image.licenses":"%s"}}' \
  "$(descriptor application/vnd.oci.image.config.v1+json "$config")" \
  "$(descriptor application/vnd.oci.image.layer.v1.tar+gzip "$layer")" "$version" "$license" > "$work/manifest.json"
manifest=$(blob "$work/manifest.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' \
  "$(descriptor application/vnd.oci.image.manifest.v1+json "$manifest" \
    '"annotations":{"org.opencontainers.image.ref.name":"'"$version"'"}')" > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

rm -rf "$dest"
mv "$layout" "$dest"
echo "oci-image: $(stat -c %s "$wasm") bytes of Wasm in $dest, tag $version, manifest sha256:$manifest" >&2
echo "oci:$dest:$version"
