#!/usr/bin/env bash
# DNS benchmark: our server against Unbound on the same zones, dnsperf pinned to CPU 0, servers to CPU 1.
#   (a) override names: queries/s, full load
#   (b) forwarded names, warm: 50,000 names both caches hold, full load
#   (b') forwarded names, cold: every name new, through the same upstream (BIND on loopback), full load
#   (c) fixed 20k queries/s on override names: server CPU and latency p50/p99
#   (d) memory per cached entry: RSS growth of a fresh instance of each after 100,000 new names
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

# Unbound with the same answers: redirect zones where ours has a wildcard, static where it has none. Its caches
# are sized to hold every name of the runs (defaults are 4 MB each), as ours is with --cache-size.
unbound_conf() { # port
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
  echo "  msg-cache-size: 256m"
  echo "  rrset-cache-size: 256m"
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

ours_port=$(free_port); unbound_port=$(free_port)
unbound_conf "$unbound_port" > "$work/unbound.conf"
taskset -c 1 unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
pids+=($!); unbound_pid=$!
start_ours() { # port -> runs our server on CPU 1 (pid in $!)
  (cd "$root" && DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 exec taskset -c 1 "$work/ours/Endpoints.DnsOverride" \
    --listen "127.0.0.1:$1" --zones zones --upstream "127.0.0.1:$up_port" --cache-size 256 --http none --metrics none --log-level Warning >>"$work/ours.log" 2>&1) &
}
start_ours "$ours_port"
pids+=($!); ours_pid=$!
wait_dns "$up_port" x.example.net; wait_dns "$unbound_port" s3.amazonaws.com; wait_dns "$ours_port" s3.amazonaws.com

# Query mixes: (a) apex, bucket (wildcard) and AAAA (NODATA) names across the shipped zones; (b) distinct forwarded names.
python3 - "$work" "$ROUNDS" <<'PY'
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
# Cold: names no server has seen, a file per run, more than a run can ask.
for run in ("ours", "unbound"):
    for r in range(int(sys.argv[2])):
        with open("%s/cold-%s-%d.txt" % (sys.argv[1], run, r), "w") as f:
            for i in range(600000):
                f.write("cold-%s-%d-%d.example.net A\n" % (run, r, i))
with open(sys.argv[1] + "/memory.txt", "w") as f:
    for i in range(100000):
        f.write("mem-%d.example.net A\n" % i)
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

# memory PORT PID: RSS growth (KiB) of a server after one pass over 100,000 new names, with every name answered.
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
memory() {
  local before after answered
  before=$(rss_kib "$2")
  answered=$(taskset -c 0 dnsperf -s 127.0.0.1 -p "$1" -d "$work/memory.txt" -n 1 -c 8 -q 200 2>&1 | awk '/Queries completed/ {print $3}')
  sleep 1
  after=$(rss_kib "$2")
  [ "$answered" = 100000 ] || echo "memory run: only $answered of 100000 answered" >&2
  awk -v b="$before" -v a="$after" 'BEGIN {printf "%.0f", (a - b) * 1024 / 100000}'
}

echo "warming up..."
for port in "$ours_port" "$unbound_port"; do
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/override.txt" -l 3 -c 8 -q 500 >/dev/null 2>&1
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/forward.txt" -n 1 -c 8 -q 500 >/dev/null 2>&1
done
declare -A A B C
for round in $(seq "$ROUNDS"); do
  echo "round $round..."
  A[ours]+="$(qps "$ours_port" "$work/override.txt" "$ours_pid") "
  A[unbound]+="$(qps "$unbound_port" "$work/override.txt" "$unbound_pid") "
  B[ours]+="$(qps "$ours_port" "$work/forward.txt" "$ours_pid") "
  B[unbound]+="$(qps "$unbound_port" "$work/forward.txt" "$unbound_pid") "
  C[ours]+="$(qps "$ours_port" "$work/cold-ours-$((round - 1)).txt" "$ours_pid") "
  C[unbound]+="$(qps "$unbound_port" "$work/cold-unbound-$((round - 1)).txt" "$unbound_pid") "
done
# Best round by queries/s, with the server CPU per query measured in that round.
pick() { tr ' ' '\n' | grep . | sort -t: -k1,1n | tail -1; }
IFS=: read -r a_ours a_ours_cpu <<<"$(echo ${A[ours]} | pick)"; IFS=: read -r a_unb a_unb_cpu <<<"$(echo ${A[unbound]} | pick)"
IFS=: read -r b_ours b_ours_cpu <<<"$(echo ${B[ours]} | pick)"; IFS=: read -r b_unb b_unb_cpu <<<"$(echo ${B[unbound]} | pick)"
IFS=: read -r c2_ours c2_ours_cpu <<<"$(echo ${C[ours]} | pick)"; IFS=: read -r c2_unb c2_unb_cpu <<<"$(echo ${C[unbound]} | pick)"
read -r c_ours_cpu c_ours_p50 c_ours_p99 c_ours_lost <<<"$(fixed_rate "$ours_port" "$ours_pid")"
read -r c_unb_cpu c_unb_p50 c_unb_p99 c_unb_lost <<<"$(fixed_rate "$unbound_port" "$unbound_pid")"

# (d) on fresh instances: the ones above hold the runs' names.
kill "$ours_pid" "$unbound_pid"; wait "$ours_pid" "$unbound_pid" 2>/dev/null || true
mem_ours_port=$(free_port); mem_unbound_port=$(free_port)
unbound_conf "$mem_unbound_port" > "$work/unbound-memory.conf"
taskset -c 1 unbound -d -c "$work/unbound-memory.conf" >"$work/unbound-memory.log" 2>&1 &
pids+=($!); mem_unbound_pid=$!
start_ours "$mem_ours_port"
pids+=($!); mem_ours_pid=$!
wait_dns "$mem_unbound_port" s3.amazonaws.com; wait_dns "$mem_ours_port" s3.amazonaws.com
# Warm both up on other names first, so the runtime's own start-up growth is not counted as cache.
for port in "$mem_ours_port" "$mem_unbound_port"; do
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/forward.txt" -n 1 -c 8 -q 200 >/dev/null 2>&1
done
d_ours=$(memory "$mem_ours_port" "$mem_ours_pid"); d_unb=$(memory "$mem_unbound_port" "$mem_unbound_pid")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo
echo "DNS benchmark: ${DURATION}s per run, best of $ROUNDS rounds, dnsperf on CPU 0, servers on CPU 1 (Unbound $(unbound -V | awk 'NR==1{print $2}'), one thread)"
printf "%-46s %12s %12s %8s\n" "measure" "ours" "unbound" "ours/unb"
printf "%-46s %12s %12s %8s\n" "(a) override names, queries/s" "$a_ours" "$a_unb" "$(ratio "$a_ours" "$a_unb")"
printf "%-46s %12s %12s %8s\n" "(a) server CPU per query at full load, us" "$a_ours_cpu" "$a_unb_cpu" "$(ratio "$a_ours_cpu" "$a_unb_cpu")"
printf "%-46s %12s %12s %8s\n" "(b) forwarded names, warm, queries/s" "$b_ours" "$b_unb" "$(ratio "$b_ours" "$b_unb")"
printf "%-46s %12s %12s %8s\n" "(b) server CPU per query, warm, us" "$b_ours_cpu" "$b_unb_cpu" "$(ratio "$b_ours_cpu" "$b_unb_cpu")"
printf "%-46s %12s %12s %8s\n" "(b') forwarded names, cold, queries/s" "$c2_ours" "$c2_unb" "$(ratio "$c2_ours" "$c2_unb")"
printf "%-46s %12s %12s %8s\n" "(b') server CPU per query, cold, us" "$c2_ours_cpu" "$c2_unb_cpu" "$(ratio "$c2_ours_cpu" "$c2_unb_cpu")"
printf "%-46s %12s %12s %8s\n" "(c) CPU % of one core at $RATE q/s" "$c_ours_cpu" "$c_unb_cpu" "$(ratio "$c_ours_cpu" "$c_unb_cpu")"
printf "%-46s %12s %12s %8s\n" "(c) latency p50 at $RATE q/s, us" "$c_ours_p50" "$c_unb_p50" "$(ratio "$c_ours_p50" "$c_unb_p50")"
printf "%-46s %12s %12s %8s\n" "(c) latency p99 at $RATE q/s, us" "$c_ours_p99" "$c_unb_p99" "$(ratio "$c_ours_p99" "$c_unb_p99")"
printf "%-46s %12s %12s\n" "(c) queries lost" "$c_ours_lost" "$c_unb_lost"
printf "%-46s %12s %12s %8s\n" "(d) memory per cached entry, bytes (RSS)" "$d_ours" "$d_unb" "$(ratio "$d_ours" "$d_unb")"
