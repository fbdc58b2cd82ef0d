#!/usr/bin/env bash
# Forwarder source ports, ours against Unbound in the same run (RFC 5452 9.2; SAD DNS, CVE-2020-25705): COUNT new
# names forwarded to a recording upstream on loopback, at low load (one at a time, GAP seconds apart) and at high load
# (IN_FLIGHT at once). Per server and load: sockets used (a port seen again after 100 ms is a new socket), most
# queries on one socket, the longest run of consecutive queries on one port, and how long a socket was seen in use
# (first to last query from it: a lower bound of how long it was open).
# Usage: bench/ports.sh [COUNT] [GAP] [IN_FLIGHT]. Needs root for apt-get when Unbound is missing.
set -euo pipefail
COUNT=${1:-2000}
GAP=${2:-0.005}
IN_FLIGHT=${3:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need unbound:unbound python3:python3
py() { python3 "$root/bench/portsbench.py" "$@"; }

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

ours_up=$(free_port); unbound_up=$(free_port); ours_port=$(free_port); unbound_port=$(free_port); ours_http=$(free_port)
# Started directly, not through py(): $! must be python's own PID for the exit trap to stop it.
python3 "$root/bench/portsbench.py" upstream --port "$ours_up" --log "$work/ours.ports" & pids+=($!)
python3 "$root/bench/portsbench.py" upstream --port "$unbound_up" --log "$work/unbound.ports" & pids+=($!)
mkdir -p "$work/zones"
"$work/ours/Endpoints.DnsOverride" --listen "127.0.0.1:$ours_port" --zones "$work/zones" --upstream "127.0.0.1:$ours_up" \
  --http "127.0.0.1:$ours_http" >"$work/ours.log" 2>&1 &
pids+=($!)
cat > "$work/unbound.conf" <<CFG
server:
  interface: 127.0.0.1@$unbound_port
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  qname-minimisation: no
  use-caps-for-id: yes
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$unbound_up
CFG
unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
pids+=($!)
answers() { dig @127.0.0.1 -p "$1" +time=1 +tries=1 +short "$2.ports.example" 2>/dev/null | grep -qx 192.0.2.1; }
for server_port in "$ours_port" "$unbound_port"; do
  for try in $(seq 100); do answers "$server_port" "warm$try" && break; sleep 0.2; done
  answers "$server_port" warm || { echo "port $server_port does not forward" >&2; tail -n 5 "$work"/*.log >&2; exit 1; }
done

printf "%-8s %-5s %s\n" server load figures
for load in low high; do
  for server in ours unbound; do
    port_var="${server}_port"
    skip=$(wc -l < "$work/$server.ports")
    if [ "$load" = low ]; then
      py client --port "${!port_var}" --count "$COUNT" --gap "$GAP" --in-flight 1 --prefix "$load"
    else
      py client --port "${!port_var}" --count "$COUNT" --in-flight "$IN_FLIGHT" --prefix "$load"
    fi
    printf "%-8s %-5s %s\n" "$server" "$load" "$(py summary --log "$work/$server.ports" --skip "$skip")"
  done
done
