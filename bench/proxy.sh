#!/usr/bin/env bash
# Proxy benchmark: ours against HAProxy (TCP mode), Squid (CONNECT) and a direct connection, on loopback.
# Proxies pinned to CPU 1; the load generator and the sink to CPU 0. Prints figures and ratios.
# Usage: bench/proxy.sh [seconds-per-run]. Needs root for apt-get when tools are missing.
set -euo pipefail
SECONDS_PER_RUN=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
chmod 755 "$work"
ulimit -n 20000

need haproxy:haproxy squid:squid python3:python3
bench() { taskset -c 0 python3 "$root/bench/proxybench.py" "$@"; }

echo "building (Release)..."
dotnet build "$root/src/Proxy" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

# Tens of thousands of short connections a minute run out of ephemeral ports in TIME_WAIT otherwise.
tw_reuse=$(sysctl -n net.ipv4.tcp_tw_reuse)
sysctl -qw net.ipv4.tcp_tw_reuse=1 || true
trap 'cleanup; sysctl -qw net.ipv4.tcp_tw_reuse="$tw_reuse" || true' EXIT

sink_port=$(free_port); haproxy_port=$(free_port); squid_port=$(free_port); ours_port=$(free_port)
taskset -c 0 python3 "$root/bench/proxybench.py" sink --port "$sink_port" &
pids+=($!)
# Handshakes need a faster client and sink than Python's (it tops out near 3,000/s on one core).

cat > "$work/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 9000
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
frontend bench
    bind 127.0.0.1:$haproxy_port
    default_backend sink
backend sink
    server sink 127.0.0.1:$sink_port
CFG
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!); haproxy_pid=$!

squid_conf "$squid_port" > "$work/squid.conf"
taskset -c 1 squid -N -f "$work/squid.conf" >"$work/squid.log" 2>&1 &
pids+=($!); squid_pid=$!

cat > "$work/policy.json" <<JSON
{ "rules": [ { "name": "bench", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32"] } ] }
JSON
# Ours as shipped (runtime settings and its line per connection, to a file). Every bench client comes from
# 127.0.0.1, so the per-source limit (512 by default) is lifted as for one big NAT.
Proxy__MaxConnectionsPerSource=100000 taskset -c 1 "$work/ours/Endpoints.Proxy" \
  --connect "127.0.0.1:$ours_port" --policy "$work/policy.json" --resolver 127.0.0.1:9 --allow-range 127.0.0.1/32 \
  >"$work/ours.log" 2>&1 &
pids+=($!); ours_pid=$!
for port in "$sink_port" "$haproxy_port" "$squid_port" "$ours_port"; do wait_port "$port"; done

declare -A R
run() { # name mode port
  local name=$1 mode=$2 port=$3
  for streams in 1 8; do
    for direction in up down; do
      R[$name,$streams,$direction]=$(bench throughput --mode "$mode" --port "$port" --target-port "$sink_port" \
        --streams "$streams" --direction "$direction" --seconds "$SECONDS_PER_RUN")
    done
  done
}
# Idle tunnels first, on fresh processes: a heap already grown by the bulk runs would hide the cost.
echo "idle tunnels..."
idle_haproxy=$(bench idle --mode tcp --port "$haproxy_port" --target-port "$sink_port" --tunnels 1000 --pids "$haproxy_pid")
squid_pids=$(pgrep -d, -f "squid -N -f $work/squid.conf" || echo "$squid_pid")
idle_squid=$(bench idle --mode connect --port "$squid_port" --target-port "$sink_port" --tunnels 1000 --pids "$squid_pids")
idle_ours=$(bench idle --mode connect --port "$ours_port" --target-port "$sink_port" --tunnels 1000 --pids "$ours_pid")

echo "warming up..."
bench throughput --mode connect --port "$ours_port" --target-port "$sink_port" --seconds 2 >/dev/null
echo "throughput..."
run direct direct "$sink_port"
run haproxy tcp "$haproxy_port"
run squid connect "$squid_port"
run ours connect "$ours_port"
# Handshakes: bench/handshakes.sh (hsload, a C epoll client that is not the ceiling), on processes of its own.
echo "handshakes..."
# Its first table is CONNECT; the TLS (SNI) table after it is reported by handshakes.sh itself.
hs=$("$root/bench/handshakes.sh" "$SECONDS_PER_RUN" 3 | awk '/^TLS/ { tls = 1 } !tls && ($1 == "ours" || $1 == "ours-defaults" || $1 == "squid" || $1 == "haproxy*") { print $1, $2 }')
hs_ours=$(awk '$1 == "ours" { print $2 }' <<<"$hs"); hs_shipped=$(awk '$1 == "ours-defaults" { print $2 }' <<<"$hs")
hs_squid=$(awk '$1 == "squid" { print $2 }' <<<"$hs"); hs_haproxy=$(awk '$1 == "haproxy*" { print $2 }' <<<"$hs")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
echo
echo "Proxy benchmark: ${SECONDS_PER_RUN}s per run; proxies on CPU 1, load and sink on CPU 0 ($(haproxy -v | awk 'NR==1{print "HAProxy " $3}'), $(squid -v | awk 'NR==1{print "Squid " $4}'))"
printf "%-36s %10s %10s %10s %10s %9s %9s\n" "throughput, MB/s" "direct" "haproxy" "squid" "ours" "/haproxy" "/squid"
for streams in 1 8; do
  for direction in up down; do
    o=${R[ours,$streams,$direction]}; h=${R[haproxy,$streams,$direction]}; s=${R[squid,$streams,$direction]}
    printf "%-36s %10s %10s %10s %10s %9s %9s\n" "$streams tunnel(s), $direction" "${R[direct,$streams,$direction]}" "$h" "$s" "$o" "$(ratio "$o" "$h")" "$(ratio "$o" "$s")"
  done
done
printf "%-36s %10s %10s %10s %10s %9s %9s\n" "CONNECT handshakes/s, as shipped" "-" "$hs_haproxy" "$hs_squid" "$hs_shipped" "$(ratio "$hs_shipped" "$hs_haproxy")" "$(ratio "$hs_shipped" "$hs_squid")"
printf "%-36s %10s %10s %10s %10s %9s %9s\n" "CONNECT handshakes/s, no log" "-" "$hs_haproxy" "$hs_squid" "$hs_ours" "$(ratio "$hs_ours" "$hs_haproxy")" "$(ratio "$hs_ours" "$hs_squid")"
printf "%-36s %10s %10s %10s %10s %9s %9s\n" "memory per idle tunnel, bytes" "-" "$idle_haproxy" "$idle_squid" "$idle_ours" "$(ratio "$idle_ours" "$idle_haproxy")" "$(ratio "$idle_ours" "$idle_squid")"
