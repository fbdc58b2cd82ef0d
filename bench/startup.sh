#!/usr/bin/env bash
# Start-up: from exec until the DNS server answers its first query, for the published release binary (self-contained,
# ReadyToRun, as deploy/package.sh builds it), the same code run by `dotnet` without ReadyToRun, and Unbound and
# BIND's named serving the same zone. Each round polls with dig (a refused UDP port answers at once) and takes the
# time of the first NOERROR answer. Median of ROUNDS. Usage: bench/startup.sh [rounds]. Needs root for missing tools.
set -euo pipefail
ROUNDS=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need named:bind9 unbound:unbound dig:bind9-dnsutils

echo "building the release binary (x64) and a plain build..."
DIST="$work/dist" "$root/deploy/package.sh" 0.0.0-bench x64 >/dev/null
tar -C "$work" -xJf "$work/dist/endpoints-0.0.0-bench-linux-x64.tar.xz"
release="$work/endpoints-0.0.0-bench/bin/dns/Endpoints.DnsOverride"
dotnet build "$root/src/DnsOverride" -c Release -o "$work/plain" -v quiet -nologo >/dev/null

zone="$root/zones/s3.amazonaws.com.zone"
mkdir -p "$work/zones" && cp "$zone" "$work/zones/"
cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: {{P}}
  do-daemonize: no
  use-syslog: no
  chroot: ""
  username: ""
  directory: "$work"
  pidfile: ""
  num-threads: 1
  access-control: 127.0.0.0/8 allow
auth-zone:
  name: "s3.amazonaws.com"
  zonefile: "$zone"
  for-upstream: no
  for-downstream: yes
CONF
cat > "$work/named.conf" <<CONF
options { directory "$work"; pid-file none; listen-on port {{P}} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; };
controls { };
zone "s3.amazonaws.com" { type primary; file "$zone"; };
CONF

# once NAME COMMAND...: ms from exec to the first answer; PORT in the command is replaced by a free port.
once() {
  local name=$1 port start now
  shift
  port=$(free_port)
  start=$(date +%s%N)
  "${@//PORT/$port}" >"$work/$name.log" 2>&1 &
  pid=$!
  until dig @127.0.0.1 -p "$port" +tries=1 +time=1 s3.amazonaws.com SOA 2>/dev/null | grep -q "status: NOERROR"; do
    kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
  done
  now=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo $(((now - start) / 1000000))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

run() { # name command...
  local name=$1 times=()
  shift
  for _ in $(seq "$ROUNDS"); do times+=("$(once "$name" "$@")"); done
  printf '%-42s %6s ms   (min %s, max %s)\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${times[@]}" | sort -n | tail -1)"
}

echo "first answer after exec, median of $ROUNDS:"
run "ours, release (self-contained R2R)" "$release" --listen 127.0.0.1:PORT --http none --metrics none --zones "$work/zones" --upstream 127.0.0.1:9
run "ours, dotnet Endpoints.DnsOverride.dll" dotnet "$work/plain/Endpoints.DnsOverride.dll" --listen 127.0.0.1:PORT --http none --metrics none --zones "$work/zones" --upstream 127.0.0.1:9
# The peers' configurations get the port by sed (a few ms of bash and sed counted in).
run "unbound (auth-zone)" bash -c "sed 's#{{P}}#PORT#' $work/unbound.conf > $work/unbound.PORT.conf && exec unbound -d -c $work/unbound.PORT.conf"
run "named (primary zone)" bash -c "sed 's#{{P}}#PORT#' $work/named.conf > $work/named.PORT.conf && exec named -g -n 1 -c $work/named.PORT.conf"
