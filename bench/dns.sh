#!/usr/bin/env bash
# DNS benchmark: our server against Unbound on the same zones, dnsperf pinned to CPU 0, servers to CPU 1.
#   (a) override names: queries/s, full load
#   (b) forwarded names: queries/s, full load, through the same upstream (BIND on loopback)
#   (c) fixed 20k queries/s on override names: server CPU and latency p50/p99
# Usage: bench/dns.sh [seconds-per-run] [rounds]. Needs root for apt-get when tools are missing.
set -euo pipefail
DURATION=${1:-10}
ROUNDS=${2:-2}
RATE=20000
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"

need dnsperf:dnsperf unbound:unbound named:bind9 dig:bind9-dnsutils
wait_dns() { for _ in $(seq 100); do dig @127.0.0.1 -p "$1" +time=1 +tries=1 "$2" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "server on $1 did not answer" >&2; exit 1; }

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

# The upstream: BIND, authoritative for example.net (every name answers), shared by both servers.
up_port=$(free_port)
mkdir -p "$work/named"
cat > "$work/named/example.net.zone" <<ZONE
\$TTL 300
@ SOA ns h 1 3600 600 86400 60
@ NS ns
ns A 192.0.2.53
* A 203.0.113.10
ZONE
cat > "$work/named/named.conf" <<CONF
options { directory "$work/named"; pid-file none; listen-on port $up_port { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; minimal-responses yes; rate-limit { responses-per-second 0; }; };
controls { };
zone "example.net" { type primary; file "$work/named/example.net.zone"; };
CONF
taskset -c 0 named -g -n 1 -c "$work/named/named.conf" >"$work/named.log" 2>&1 &
pids+=($!)

# Unbound with the same answers: redirect zones where ours has a wildcard, static where it has none.
unbound_conf() { # port cache-max-ttl
  echo "server:"
  echo "  interface: 127.0.0.1@$1"
  echo "  num-threads: 1"
  echo "  so-rcvbuf: 4m"
  echo "  so-sndbuf: 4m"
  echo "  do-not-query-localhost: no"
  echo "  module-config: \"iterator\""
  echo "  access-control: 127.0.0.0/8 allow"
  echo "  username: \"\""
  echo "  chroot: \"\""
  echo "  pidfile: \"\""
  echo "  use-syslog: no"
  echo "  verbosity: 0"
  echo "  cache-max-ttl: $2"
  for file in "$root"/zones/*.zone; do
    zone=$(basename "$file" .zone)
    if grep -q '^\*' "$file"; then type=redirect; else type=static; fi
    echo "  local-zone: \"$zone.\" $type"
    echo "  local-data: \"$zone. 60 IN SOA ns.$zone. hostmaster.$zone. 2026112501 3600 900 604800 60\""
    for ip in 10.200.0.10 10.200.1.10; do echo "  local-data: \"$zone. 60 IN A $ip\""; done
  done
  echo "forward-zone:"
  echo "  name: \".\""
  echo "  forward-addr: 127.0.0.1@$up_port"
}

ours_port=$(free_port); unbound_port=$(free_port); nocache_port=$(free_port)
unbound_conf "$unbound_port" 86400 > "$work/unbound.conf"
unbound_conf "$nocache_port" 0 > "$work/unbound-nocache.conf"
taskset -c 1 unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
pids+=($!); unbound_pid=$!
taskset -c 1 unbound -d -c "$work/unbound-nocache.conf" >"$work/unbound-nocache.log" 2>&1 &
pids+=($!); nocache_pid=$!
(cd "$root" && DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 exec taskset -c 1 "$work/ours/Endpoints.DnsOverride" \
  --listen "127.0.0.1:$ours_port" --zones zones --upstream "127.0.0.1:$up_port" --log-level Warning >"$work/ours.log" 2>&1) &
pids+=($!)
wait_dns "$up_port" x.example.net; wait_dns "$unbound_port" s3.amazonaws.com; wait_dns "$nocache_port" s3.amazonaws.com; wait_dns "$ours_port" s3.amazonaws.com
ours_pid=${pids[-1]}

# Query mixes: (a) apex, bucket (wildcard) and AAAA (NODATA) names across the shipped zones; (b) distinct forwarded names.
python3 - "$work" <<'PY'
import random, sys
random.seed(1)
zones = ["s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "s3-external-1.amazonaws.com", "ddb.us-east-1.amazonaws.com"]
with open(sys.argv[1] + "/override.txt", "w") as f:
    for i in range(10000):
        r = random.random()
        if r < 0.2:
            f.write(random.choice(zones + ["dynamodb.us-east-1.amazonaws.com"]) + " A\n")
        elif r < 0.4:
            f.write("bucket-%d.%s AAAA\n" % (random.randrange(5000), random.choice(zones)))
        else:
            f.write("bucket-%d.%s A\n" % (random.randrange(5000), random.choice(zones)))
with open(sys.argv[1] + "/forward.txt", "w") as f:
    for i in range(50000):
        f.write("host-%d.example.net A\n" % i)
PY

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
qps() { # port file pid -> "queries/s:server-cpu-us-per-query"
  local before after q
  before=$(cpu_ticks "$3")
  q=$(taskset -c 0 dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$DURATION" -c 8 -q 500 2>&1 | awk '/Queries per second/ {printf "%.0f", $4}')
  after=$(cpu_ticks "$3")
  awk -v q="$q" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" 'BEGIN {printf "%d:%.2f", q, 1e6 * t / hz / (q * d)}'
}
fixed_rate() { # port pid -> "cpu_percent p50_us p99_us lost"
  local before after
  before=$(cpu_ticks "$2")
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$1" -d "$work/override.txt" -l "$DURATION" -Q "$RATE" -c 8 -v > "$work/fixed.out" 2>&1
  after=$(cpu_ticks "$2")
  local tck; tck=$(getconf CLK_TCK)
  local cpu; cpu=$(awk -v t=$((after - before)) -v hz="$tck" -v d="$DURATION" 'BEGIN {printf "%.1f", 100 * t / hz / d}')
  local lat; lat=$(awk '/^> / {print $NF * 1000000}' "$work/fixed.out" | sort -n | awk '{a[NR]=$1} END {printf "%.0f %.0f", a[int(NR*0.5)], a[int(NR*0.99)]}')
  local lost; lost=$(awk '/Queries lost/ {print $3}' "$work/fixed.out")
  echo "$cpu $lat $lost"
}

echo "warming up..."
for port in "$ours_port" "$unbound_port"; do
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/override.txt" -l 3 -c 8 -q 500 >/dev/null 2>&1
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/forward.txt" -l 2 -c 8 -q 500 >/dev/null 2>&1
done
declare -A A B
for round in $(seq "$ROUNDS"); do
  echo "round $round..."
  A[ours]+="$(qps "$ours_port" "$work/override.txt" "$ours_pid") "
  A[unbound]+="$(qps "$unbound_port" "$work/override.txt" "$unbound_pid") "
  B[ours]+="$(qps "$ours_port" "$work/forward.txt" "$ours_pid") "
  B[unbound_nocache]+="$(qps "$nocache_port" "$work/forward.txt" "$nocache_pid") "
  B[unbound_cache]+="$(qps "$unbound_port" "$work/forward.txt" "$unbound_pid") "
done
# Best round by queries/s, with the server CPU per query measured in that round.
pick() { tr ' ' '\n' | grep . | sort -t: -k1,1n | tail -1; }
IFS=: read -r a_ours a_ours_cpu <<<"$(echo ${A[ours]} | pick)"; IFS=: read -r a_unb a_unb_cpu <<<"$(echo ${A[unbound]} | pick)"
IFS=: read -r b_ours b_ours_cpu <<<"$(echo ${B[ours]} | pick)"; IFS=: read -r b_nc b_nc_cpu <<<"$(echo ${B[unbound_nocache]} | pick)"
IFS=: read -r b_c b_c_cpu <<<"$(echo ${B[unbound_cache]} | pick)"
read -r c_ours_cpu c_ours_p50 c_ours_p99 c_ours_lost <<<"$(fixed_rate "$ours_port" "$ours_pid")"
read -r c_unb_cpu c_unb_p50 c_unb_p99 c_unb_lost <<<"$(fixed_rate "$unbound_port" "$unbound_pid")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo
echo "DNS benchmark: ${DURATION}s per run, best of $ROUNDS rounds, dnsperf on CPU 0, servers on CPU 1 (Unbound $(unbound -V | awk 'NR==1{print $2}'), one thread)"
printf "%-44s %12s %12s %8s\n" "measure" "ours" "unbound" "ours/unb"
printf "%-44s %12s %12s %8s\n" "(a) override names, queries/s" "$a_ours" "$a_unb" "$(ratio "$a_ours" "$a_unb")"
printf "%-44s %12s %12s %8s\n" "(a) server CPU per query at full load, us" "$a_ours_cpu" "$a_unb_cpu" "$(ratio "$a_ours_cpu" "$a_unb_cpu")"
printf "%-44s %12s %12s %8s\n" "(b) forwarded names, queries/s (no cache)" "$b_ours" "$b_nc" "$(ratio "$b_ours" "$b_nc")"
printf "%-44s %12s %12s %8s\n" "(b) server CPU per query, us (no cache)" "$b_ours_cpu" "$b_nc_cpu" "$(ratio "$b_ours_cpu" "$b_nc_cpu")"
printf "%-44s %12s %12s %8s\n" "(b') forwarded, vs Unbound with its cache" "$b_ours" "$b_c" "$(ratio "$b_ours" "$b_c")"
printf "%-44s %12s %12s %8s\n" "(c) CPU % of one core at $RATE q/s" "$c_ours_cpu" "$c_unb_cpu" "$(ratio "$c_ours_cpu" "$c_unb_cpu")"
printf "%-44s %12s %12s %8s\n" "(c) latency p50 at $RATE q/s, us" "$c_ours_p50" "$c_unb_p50" "$(ratio "$c_ours_p50" "$c_unb_p50")"
printf "%-44s %12s %12s %8s\n" "(c) latency p99 at $RATE q/s, us" "$c_ours_p99" "$c_unb_p99" "$(ratio "$c_ours_p99" "$c_unb_p99")"
printf "%-44s %12s %12s\n" "(c) queries lost" "$c_ours_lost" "$c_unb_lost"
