#!/usr/bin/env bash
# package.sh VERSION [ARCH...]: the release artifacts, one per architecture (default: x64 arm64, i.e. Graviton too).
#
#   dist/endpoints-VERSION-linux-ARCH.tar.xz (xz: 37 MB where gzip made 50), holding endpoints-VERSION/ with
#     bin/dns/, bin/proxy/         both services, self-contained (no .NET on the host) and ReadyToRun (fast start);
#                                  the runtime files they share are hard links, stored once
#     systemd/, sysusers.d/        the units and the service users
#     config/dns.json, proxy.json  default settings, installed to /etc/endpoints once (never over an edited copy)
#     policy.json, zones/          the shipped policy and zones
#     zones-sync, install.sh, docs/, VERSION
#
# Builds under its own artifacts folder, so the source tree's bin/ and obj/ (and tests running from them) are untouched.
set -euo pipefail

version=${1:-}
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]] || { echo "usage: deploy/package.sh VERSION [x64|arm64]..." >&2; exit 2; }
shift
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x64 arm64)

root=$(cd "$(dirname "$0")/.." && pwd)
out=${DIST:-$root/dist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for arch in "${arches[@]}"; do
  case "$arch" in x64|arm64) ;; *) echo "package.sh: unknown architecture '$arch' (x64 or arm64)" >&2; exit 2 ;; esac
  name="endpoints-$version"
  stage="$work/$arch/$name"
  mkdir -p "$stage"
  for service in dns:DnsOverride proxy:Proxy; do
    dotnet publish "$root/src/${service#*:}" -c Release -r "linux-$arch" --self-contained \
      -p:PublishReadyToRun=true -p:Version="${version%%[-+]*}" -p:InformationalVersion="$version" \
      --artifacts-path "$work/artifacts" -o "$stage/bin/${service%%:*}" -nologo -v quiet
  done
  # Both services carry the same runtime: the files they share byte for byte become hard links, which tar stores
  # once (the artifact is half the size; unpacked, install.sh copies each service whole as before).
  for file in "$stage"/bin/dns/*; do
    twin=$stage/bin/proxy/${file##*/}
    if [ -f "$twin" ] && cmp -s "$file" "$twin"; then ln -f "$file" "$twin"; fi
  done
  mkdir -p "$stage/systemd" "$stage/sysusers.d" "$stage/config" "$stage/zones" "$stage/docs"
  cp "$root"/deploy/systemd/* "$stage/systemd/"
  cp "$root"/deploy/sysusers.d/* "$stage/sysusers.d/"
  cp "$root"/deploy/config/* "$stage/config/"
  cp "$root"/deploy/policy.json "$stage/"
  cp "$root"/zones/*.zone "$stage/zones/"
  cp "$root"/deploy/zones-sync "$root"/deploy/install.sh "$stage/"
  cp "$root"/docs/*.md "$stage/docs/"
  echo "$version" > "$stage/VERSION"
  XZ_OPT=-T0 tar -C "$work/$arch" --owner=0 --group=0 --numeric-owner -cJf "$out/$name-linux-$arch.tar.xz" "$name"
  echo "$out/$name-linux-$arch.tar.xz"
done
