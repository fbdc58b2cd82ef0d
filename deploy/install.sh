#!/usr/bin/env bash
# install.sh [--prefix DIR] [--role dns|proxy|both] [--no-start]: installs this unpacked release.
#
#   /opt/endpoints/{dns,proxy}/   the binaries (replaced whole on every run)
#   /opt/endpoints/zones-sync, /opt/endpoints/docs/
#   /etc/endpoints/               dns.json, proxy.json, policy.json, zones/: written only when missing; an edited
#                                 file is kept and the shipped one put beside it as FILE.dist
#   /etc/systemd/system/          the role's units, enabled; started (or restarted) when systemd runs the host
#   the users endpoints-dns and endpoints-proxy (systemd-sysusers)
#
# --prefix installs into another root (an image being built, a test): nothing outside it is touched, and units are
# enabled there with `systemctl --root`. --no-start enables without starting. Running it again is safe.
set -euo pipefail

prefix=/ role=both start=yes
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --role) role=${2:?--role needs dns, proxy or both}; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown option '$1'" >&2; usage ;;
  esac
done
case "$role" in dns) services=(dns) ;; proxy) services=(proxy) ;; both) services=(dns proxy) ;;
  *) echo "install.sh: --role must be dns, proxy or both, not '$role'" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
root=${prefix%/}
log() { echo "install.sh: $*"; }

for service in "${services[@]}"; do
  [ -x "$here/bin/$service/Endpoints.$([ "$service" = dns ] && echo DnsOverride || echo Proxy)" ] ||
    { echo "install.sh: $here/bin/$service is missing: run this from an unpacked release" >&2; exit 1; }
done

# Users first: the files below are owned by root and only read by the services.
install -d -m 0755 "$root/usr/lib/sysusers.d" "$root/etc"
install -m 0644 "$here/sysusers.d/endpoints.conf" "$root/usr/lib/sysusers.d/endpoints.conf"
if command -v systemd-sysusers >/dev/null; then
  if [ "$prefix" = / ]; then systemd-sysusers "$root/usr/lib/sysusers.d/endpoints.conf"
  else systemd-sysusers --root="$prefix" "$root/usr/lib/sysusers.d/endpoints.conf"; fi
elif [ "$prefix" = / ]; then
  for user in endpoints-dns endpoints-proxy; do
    id "$user" >/dev/null 2>&1 || useradd --system --home-dir /var/lib/endpoints --no-create-home --shell /usr/sbin/nologin "$user"
  done
else
  log "no systemd-sysusers: the users are created on the target by usr/lib/sysusers.d/endpoints.conf"
fi

# Binaries: staged beside the old ones, then swapped, so a failed copy never leaves half a release.
install -d -m 0755 "$root/opt/endpoints"
for service in "${services[@]}"; do
  target="$root/opt/endpoints/$service"
  rm -rf "$target.new" "$target.old"
  cp -a "$here/bin/$service" "$target.new"
  [ -d "$target" ] && mv "$target" "$target.old"
  mv "$target.new" "$target"
  rm -rf "$target.old"
done
install -m 0755 "$here/zones-sync" "$root/opt/endpoints/zones-sync"
rm -rf "$root/opt/endpoints/docs" && cp -a "$here/docs" "$root/opt/endpoints/docs"
cp "$here/VERSION" "$root/opt/endpoints/VERSION"

# Configuration: never over an edited copy.
config() { # shipped-file target
  if [ ! -e "$2" ]; then
    install -m 0644 "$1" "$2"
  elif ! cmp -s "$1" "$2"; then
    install -m 0644 "$1" "$2.dist"
    log "kept your $2; the shipped version is $2.dist"
  fi
}
install -d -m 0755 "$root/etc/endpoints"
for service in "${services[@]}"; do config "$here/config/$service.json" "$root/etc/endpoints/$service.json"; done
if [[ " ${services[*]} " = *" proxy "* ]]; then config "$here/policy.json" "$root/etc/endpoints/policy.json"; fi
if [[ " ${services[*]} " = *" dns "* ]] && [ ! -d "$root/etc/endpoints/zones" ]; then
  install -d -m 0755 "$root/etc/endpoints/zones"
  install -m 0644 "$here"/zones/*.zone "$root/etc/endpoints/zones/"
fi

# Units.
units=()
install -d -m 0755 "$root/etc/systemd/system"
for service in "${services[@]}"; do
  install -m 0644 "$here/systemd/endpoints-$service.service" "$root/etc/systemd/system/"
  units+=("endpoints-$service.service")
done
if [[ " ${services[*]} " = *" dns "* ]]; then
  install -m 0644 "$here/systemd/endpoints-zones-sync.service" "$here/systemd/endpoints-zones-sync.timer" "$root/etc/systemd/system/"
  # The timer only makes sense once it knows the repository.
  [ -e "$root/etc/endpoints/zones-sync.env" ] && units+=(endpoints-zones-sync.timer)
fi

if [ "$prefix" != / ]; then
  systemctl --root="$prefix" enable "${units[@]}" >/dev/null 2>&1 || log "could not enable ${units[*]} under $prefix"
  log "installed $(cat "$here/VERSION") (${services[*]}) under $prefix; units enabled there"
elif [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable "${units[@]}"
  if [ "$start" = yes ]; then systemctl restart "${units[@]}"; fi
  log "installed $(cat "$here/VERSION") (${services[*]}); $([ "$start" = yes ] && echo started || echo "enabled, not started")"
else
  log "installed $(cat "$here/VERSION") (${services[*]}); systemd is not running here, so nothing was enabled or started"
fi
