#!/usr/bin/env bash
# CONNECT handshakes/s against Squid and HAProxy, with a client that is not the ceiling: bench/hsload.c, a
# single-threaded epoll client in C (built here with gcc). Proxies on CPU 1, client and sinks on CPU 0; 64
# handshakes in flight; each handshake connects, sends CONNECT, reads the status head and resets. HAProxy in TCP mode
# relays the same request to a sink that answers it, so it does the same kernel work as a CONNECT proxy.
# The "defaults" rows run ours as shipped (its log line per connection, to a file) and Squid with its default
# access log (a line per request through its log daemon, to a file); the other rows log nothing.
# The fixed-rate rows time CONNECT handshakes opened at FIXED_RATE per second (default 5,000, under both proxies'
# ceilings here), each from when it was due: latency without the queue that 64 in flight builds.
# Usage: bench/handshakes.sh [seconds] [rounds] [fixed-rate]. Needs root for apt-get when tools are missing.
set -euo pipefail
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
FIXED_RATE=${3:-5000}
CONCURRENCY=64
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need haproxy:haproxy squid:squid gcc:gcc python3:python3

echo "building..."
gcc -O2 -o "$work/hsload" "$root/bench/hsload.c"
dotnet build "$root/src/Proxy" -c Release -o "$work/ours" -v quiet -nologo >/dev/null
dotnet build "$root/src/DnsOverride" -c Release -o "$work/dns" -v quiet -nologo >/dev/null

sink=$(free_port); reply_sink=$(free_port); haproxy_port=$(free_port); squid_port=$(free_port); ours_port=$(free_port); health=$(free_port)
ours_tls_port=$(free_port); dns_port=$(free_port); ours_log_port=$(free_port); squid_log_port=$(free_port); health_log=$(free_port)
ours_log_tls_port=$(free_port)
taskset -c 0 "$work/hsload" sink 127.0.0.1 "$sink" >/dev/null & pids+=($!)
taskset -c 0 "$work/hsload" sink 127.0.0.1 "$reply_sink" reply >/dev/null & pids+=($!)
cat > "$work/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 9000
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend bench
    bind 127.0.0.1:$haproxy_port
    default_backend sink
backend sink
    server sink 127.0.0.1:$reply_sink
CFG
taskset -c 1 haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 & pids+=($!)
squid_conf "$squid_port" > "$work/squid.conf"
taskset -c 1 squid -N -f "$work/squid.conf" >"$work/squid.log" 2>&1 & pids+=($!)
squid_conf "$squid_log_port" squid-log default > "$work/squid-log.conf"
taskset -c 1 squid -N -n squidlog -f "$work/squid-log.conf" >"$work/squid-log.log" 2>&1 & pids+=($!)
cat > "$work/policy.json" <<JSON
{ "rules": [ { "name": "bench", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32", "*.bench.test"] } ] }
JSON
# TLS mode resolves the ClientHello's name: our DNS server answers it (DnsClient caches it after the first query).
mkdir -p "$work/zones"
printf '$TTL 3600\n@ SOA ns h 1 3600 900 604800 60\n@ NS ns\nns A 127.0.0.1\nsink A 127.0.0.1\n' > "$work/zones/bench.test.zone"
taskset -c 0 "$work/dns/Endpoints.DnsOverride" --listen "127.0.0.1:$dns_port" --http none --metrics none --zones "$work/zones" \
  --upstream 127.0.0.1:9 >"$work/dns.log" 2>&1 & pids+=($!)
Proxy__MaxConnectionsPerSource=100000 Proxy__TlsUpstreamPort="$reply_sink" taskset -c 1 "$work/ours/Endpoints.Proxy" \
  --connect "127.0.0.1:$ours_port" --tls "127.0.0.1:$ours_tls_port" --health "127.0.0.1:$health" --policy "$work/policy.json" --resolver "127.0.0.1:$dns_port" \
  --allow-range 127.0.0.1/32 --log-level Warning ${OURS_ARGS:-} >"$work/ours.log" 2>&1 & pids+=($!)
# As shipped but for the per-source limit (all load comes from one address) and the TLS upstream port (the sink's,
# not 443): its default log to a file.
Proxy__MaxConnectionsPerSource=100000 Proxy__TlsUpstreamPort="$reply_sink" taskset -c 1 "$work/ours/Endpoints.Proxy" \
  --connect "127.0.0.1:$ours_log_port" --tls "127.0.0.1:$ours_log_tls_port" --health "127.0.0.1:$health_log" \
  --policy "$work/policy.json" --resolver "127.0.0.1:$dns_port" --allow-range 127.0.0.1/32 >"$work/ours-log.log" 2>&1 & pids+=($!)
for port in "$sink" "$reply_sink" "$haproxy_port" "$squid_port" "$ours_port" "$ours_tls_port" "$ours_log_port" "$squid_log_port" "$ours_log_tls_port"; do wait_port "$port"; done

# Each run prints rate:p99 (handshakes/s, and the 99th percentile of the handshake time in microseconds).
hs() { taskset -c 0 "$work/hsload" hs 127.0.0.1 "$1" "127.0.0.1:$sink" "$CONCURRENCY" "$SECONDS_PER_RUN" | sed -n 's/.*rate=\([0-9]*\).*p99_us=\([0-9]*\).*/\1:\2/p'; }
echo "warming up..."; for port in "$ours_port" "$squid_port" "$haproxy_port" "$ours_log_port" "$squid_log_port"; do hs "$port" >/dev/null; done
declare -A R
for round in $(seq "$ROUNDS"); do
  for who in ours squid haproxy ours_log squid_log; do
    port_var="${who}_port"
    R[$who]+="$(hs "${!port_var}") "
  done
  last() { local v=${1% }; v=${v##* }; echo "${v%%:*}/s p99 ${v##*:}us"; }
  echo "round $round: ours $(last "${R[ours]}") squid $(last "${R[squid]}") haproxy $(last "${R[haproxy]}")" \
    "ours-defaults $(last "${R[ours_log]}") squid-defaults $(last "${R[squid_log]}")"
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
rates() { printf '%s\n' $1 | cut -d: -f1; }
p99s() { printf '%s\n' $1 | cut -d: -f2; }
o=$(median "$(rates "${R[ours]}")"); s=$(median "$(rates "${R[squid]}")"); h=$(median "$(rates "${R[haproxy]}")")
op=$(median "$(p99s "${R[ours]}")"); sp=$(median "$(p99s "${R[squid]}")"); hp=$(median "$(p99s "${R[haproxy]}")")
echo
echo "CONNECT handshakes/s and p99 handshake time (us), $CONCURRENCY in flight, median of $ROUNDS x ${SECONDS_PER_RUN}s (hsload; proxies on CPU 1)"
printf '%-26s %10s %10s\n' "ours, --log-level Warning" "$o" "$op" "squid, access_log none" "$s" "$sp" "haproxy*" "$h" "$hp"
echo "ours/squid $(echo "scale=2; $o / $s" | bc)   ours/haproxy $(echo "scale=2; $o / $h" | bc)   p99 ours/haproxy $(echo "scale=2; $op / $hp" | bc)   (* TCP mode relaying the request to a sink that answers it)"
ol=$(median "$(rates "${R[ours_log]}")"); sl=$(median "$(rates "${R[squid_log]}")")
olp=$(median "$(p99s "${R[ours_log]}")"); slp=$(median "$(p99s "${R[squid_log]}")")
echo
echo "Defaults: each with its log line per connection to a file (same runs)"
printf '%-16s %10s %10s\n' ours-defaults "$ol" "$olp" squid-defaults "$sl" "$slp"
echo "ours/squid with logs $(echo "scale=2; $ol / $sl" | bc)   without $(echo "scale=2; $o / $s" | bc)   (goal: with >= without)" \
  "  the log's cost: ours $(echo "scale=2; $ol / $o" | bc)x, squid $(echo "scale=2; $sl / $s" | bc)x of the rate without"

# Transparent (SNI) mode: a ClientHello naming sink.bench.test instead of CONNECT. HAProxy relays the same bytes to
# the reply sink, which answers them; ours reads the SNI, applies the policy, resolves the name and relays.
tls() { taskset -c 0 "$work/hsload" tls 127.0.0.1 "$1" sink.bench.test "$CONCURRENCY" "$SECONDS_PER_RUN" | sed -n 's/.*rate=\([0-9]*\).*p99_us=\([0-9]*\).*/\1:\2/p'; }
tls "$ours_tls_port" >/dev/null; tls "$haproxy_port" >/dev/null; tls "$ours_log_tls_port" >/dev/null
declare -A T
for round in $(seq "$ROUNDS"); do
  T[ours]+="$(tls "$ours_tls_port") "; T[haproxy]+="$(tls "$haproxy_port") "; T[ours_log]+="$(tls "$ours_log_tls_port") "
done
to=$(median "$(rates "${T[ours]}")"); th=$(median "$(rates "${T[haproxy]}")")
top=$(median "$(p99s "${T[ours]}")"); thp=$(median "$(p99s "${T[haproxy]}")")
echo
echo "TLS (SNI) handshakes/s and p99 handshake time (us), same conditions"
tl=$(median "$(rates "${T[ours_log]}")"); tlp=$(median "$(p99s "${T[ours_log]}")")
printf '%-26s %10s %10s\n' "ours, --log-level Warning" "$to" "$top" ours-defaults "$tl" "$tlp" "haproxy*" "$th" "$thp"
echo "ours/haproxy $(echo "scale=2; $to / $th" | bc)   p99 ours/haproxy $(echo "scale=2; $top / $thp" | bc)" \
  "  as shipped (its log line): ours/haproxy $(echo "scale=2; $tl / $th" | bc)   p99 $(echo "scale=2; $tlp / $thp" | bc)"

# CONNECT at a fixed rate (hsload rate: open loop, each handshake timed from when it was due), same proxies.
fixed() { taskset -c 0 "$work/hsload" rate 127.0.0.1 "$1" "127.0.0.1:$sink" "$FIXED_RATE" "$SECONDS_PER_RUN" | sed -n 's/.*rate=\([0-9]*\).*fail=\([0-9]*\).*p50_us=\([0-9]*\).*p99_us=\([0-9]*\).*/\3:\4:\2/p'; }
declare -A F
for round in $(seq "$ROUNDS"); do
  F[ours]+="$(fixed "$ours_port") "; F[haproxy]+="$(fixed "$haproxy_port") "; F[ours_log]+="$(fixed "$ours_log_port") "
done
p50s() { printf '%s\n' $1 | cut -d: -f1; }
fails() { printf '%s\n' $1 | cut -d: -f3 | awk '{s += $1} END {print s + 0}'; }
echo
echo "CONNECT at a fixed $FIXED_RATE/s: p50 and p99 handshake time (us) from when each was due, median of $ROUNDS x ${SECONDS_PER_RUN}s"
declare -A LABEL=([ours]="ours, --log-level Warning" [ours_log]=ours-defaults [haproxy]="haproxy*")
for who in ours ours_log haproxy; do
  printf '%-26s %10s %10s   failed %s\n' "${LABEL[$who]}" "$(median "$(p50s "${F[$who]}")")" "$(median "$(p99s "${F[$who]}")")" "$(fails "${F[$who]}")"
done
fp=$(median "$(p99s "${F[ours]}")"); flp=$(median "$(p99s "${F[ours_log]}")"); fhp=$(median "$(p99s "${F[haproxy]}")")
echo "p99 ours/haproxy $(echo "scale=2; $fp / $fhp" | bc)   as shipped (its log line) $(echo "scale=2; $flp / $fhp" | bc)"

# Journald: ours as the unit ships it, its standard output a stream to journald (what StandardOutput=journal gives:
# the host sees JOURNAL_STREAM and writes systemd's "<N>" level prefixes instead of stamping lines itself), against
# Squid's default access log in the same rounds. Journald runs on the proxies' CPU, as Squid's log daemon does: one
# this script starts (none runs here outside the boot simulation), keeping its journal in /run; one already running
# is used as it is. Journald rate-limits per unit, so none applies here; the units raise their limit (deploy/systemd).
journal_rounds() { # the journald rows, and how many connection lines the journal kept of those written
  local port jpid kept suppressed since
  port=$(free_port); since=$(date '+%Y-%m-%d %H:%M:%S')
  Proxy__MaxConnectionsPerSource=100000 systemd-cat -t endpoints-bench-proxy bash -c \
    'export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/1); exec "$@"' _ taskset -c 1 "$work/ours/Endpoints.Proxy" \
    --connect "127.0.0.1:$port" --policy "$work/policy.json" --resolver "127.0.0.1:$dns_port" --allow-range 127.0.0.1/32 &
  jpid=$!; pids+=($jpid)
  wait_port "$port"; hs "$port" >/dev/null
  for round in $(seq "$ROUNDS"); do J[ours]+="$(hs "$port") "; J[squid]+="$(hs "$squid_log_port") "; done
  kill "$jpid"; wait "$jpid" 2>/dev/null || true
  kept=$(journalctl -q -o cat --since "$since" -t endpoints-bench-proxy | grep -c 'conn client=' || true)
  suppressed=$(journalctl -q -o cat --since "$since" | sed -n 's/^Suppressed \([0-9]*\) messages from .*/\1/p' | awk '{s += $1} END {print s + 0}')
  J[kept]="$kept of $((kept + suppressed))"
}
declare -A J
if pgrep -x systemd-journal >/dev/null; then
  journal_rounds
else
  mkdir -p /run/systemd/journald.conf.d
  printf '[Journal]\nStorage=volatile\n' > /run/systemd/journald.conf.d/endpoints-bench.conf
  taskset -c 1 /lib/systemd/systemd-journald >"$work/journald.log" 2>&1 & journald_pid=$!; pids+=($journald_pid)
  for _ in $(seq 100); do systemd-cat -t endpoints-bench-ping true 2>/dev/null && break; sleep 0.1; done
  rm -f /run/systemd/journald.conf.d/endpoints-bench.conf
  journal_rounds
  kill "$journald_pid"; wait "$journald_pid" 2>/dev/null || true
fi
jr=$(median "$(rates "${J[ours]}")"); jp=$(median "$(p99s "${J[ours]}")"); js=$(median "$(rates "${J[squid]}")")
echo
echo "Journald: ours as the unit ships it (standard output to journald) against Squid's default access log, same rounds"
printf '%-16s %10s %10s   squid-defaults %10s   lines kept %s\n' ours-journald "$jr" "$jp" "$js" "${J[kept]}"
echo "ours/squid with logs $(echo "scale=2; $jr / $js" | bc)   without $(echo "scale=2; $o / $s" | bc)   the journal's cost: ours $(echo "scale=2; $jr / $o" | bc)x of the rate without"
