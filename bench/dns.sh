#!/usr/bin/env bash
# DNS benchmark: our server (as shipped: defaults but the addresses) against Unbound on the same zones, and for
# authoritative answers against NSD and Knot DNS serving the same zone files; dnsperf pinned to CPU 0, servers to CPU 1.
#   (a) override names: queries/s, full load (ours, Unbound, NSD, Knot)
#   (b) forwarded names, warm: 50,000 names both caches hold, full load
#   (b') forwarded names, cold: every name new, through the same upstream (BIND on loopback), full load
#   (c) fixed 20k queries/s on override names: server CPU and latency p50/p99 (ours, Unbound, NSD, Knot)
#   (d) memory per cached entry: RSS growth of a fresh instance of each after 100,000 new names
#   (e) the query log on, to a file: ours at --log-level Debug (a line per query), Unbound with log-replies (a line
#       per reply), full load on override names, against (a)
# Usage: bench/dns.sh [seconds-per-run] [rounds]. Needs root for apt-get when tools are missing.
set -euo pipefail
DURATION=${1:-10}
ROUNDS=${2:-2}
RATE=20000
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"

need dnsperf:dnsperf unbound:unbound named:bind9 dig:bind9-dnsutils nsd:nsd knotd:knot
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

# wait_children PID DEPTH: the descendants once the process has forked DEPTH levels (NSD: its main and server
# processes, which outlive a TERM to the one started), so the exit trap stops them too.
wait_children() {
  for _ in $(seq 100); do [ "$(tree "$1" | wc -l)" -gt "$2" ] && { tree "$1" | tail -n +2; return; }; sleep 0.1; done
  echo "process $1 did not start its children" >&2; exit 1
}
# NSD and Knot DNS: authoritative only, the shipped zone files as they are, one server process or worker each.
nsd_conf() { # port
  echo "server:"
  echo "  ip-address: 127.0.0.1@$1"
  echo "  server-count: 1"
  echo "  username: \"\""
  echo "  database: \"\""
  echo "  pidfile: \"\""
  echo "  zonelistfile: \"$work/nsd/zone.list\""
  echo "  xfrdfile: \"$work/nsd/xfrd.state\""
  echo "  xfrdir: \"$work/nsd\""
  echo "  verbosity: 0"
  echo "  minimal-responses: yes"
  echo "  rrl-ratelimit: 0"
  echo "remote-control:"
  echo "  control-enable: no"
  for file in "$root"/zones/*.zone; do
    echo "zone:"
    echo "  name: $(basename "$file" .zone)"
    echo "  zonefile: \"$file\""
  done
}
knot_conf() { # port
  echo "server:"
  echo "  listen: 127.0.0.1@$1"
  echo "  rundir: \"$work/knot\""
  echo "  udp-workers: 1"
  echo "  tcp-workers: 1"
  echo "  background-workers: 1"
  echo "log:"
  echo "  - target: stderr"
  echo "    any: warning"
  echo "database:"
  echo "  storage: \"$work/knot\""
  echo "template:"
  echo "  - id: default"
  echo "    storage: \"$root/zones\""
  echo "    zonefile-sync: -1"
  echo "    journal-content: none"
  echo "zone:"
  for file in "$root"/zones/*.zone; do
    echo "  - domain: $(basename "$file" .zone)"
    echo "    file: \"$file\""
  done
}

ours_port=$(free_port); unbound_port=$(free_port); nsd_port=$(free_port); knot_port=$(free_port)
unbound_conf "$unbound_port" > "$work/unbound.conf"
taskset -c 1 unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
pids+=($!); unbound_pid=$!
mkdir -p "$work/nsd" "$work/knot"
nsd_conf "$nsd_port" > "$work/nsd.conf"
taskset -c 1 nsd -d -c "$work/nsd.conf" >"$work/nsd.log" 2>&1 &
pids+=($!); nsd_pid=$!
pids+=($(wait_children "$nsd_pid" 2))
knot_conf "$knot_port" > "$work/knot.conf"
taskset -c 1 knotd -c "$work/knot.conf" >"$work/knot.log" 2>&1 &
pids+=($!); knot_pid=$!
# As shipped: only the addresses are set (the HTTP listener on a free port); cache, metrics and logging at defaults.
start_ours() { # port [log-file [flags...]] -> runs our server on CPU 1 (pid in $!)
  local port=$1 log=${2:-$work/ours.log}; shift $(($# < 2 ? $# : 2))
  (cd "$root" && exec taskset -c 1 "$work/ours/Endpoints.DnsOverride" \
    --listen "127.0.0.1:$port" --zones zones --upstream "127.0.0.1:$up_port" --http "127.0.0.1:$(free_port)" "$@" >>"$log" 2>&1) &
}
start_ours "$ours_port"
pids+=($!); ours_pid=$!
wait_dns "$up_port" x.example.net
for port in "$unbound_port" "$ours_port" "$nsd_port" "$knot_port"; do wait_dns "$port" s3.amazonaws.com; done

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

# Like for like: NSD and Knot must give the same rcode and answers as ours for the mix (same zone files, all
# three with minimal responses).
answers() { # port name type
  dig @127.0.0.1 -p "$1" +norec +time=2 +tries=1 +noall +comments +answer "$2" "$3" |
    awk '/status:/ {sub(",", "", $6); print $6} /^;; flags:/ {print "answer, authority, additional:", $(NF-4), $(NF-2), $NF} /^[^;]/ && NF {print $1, $4, $5}' | sort
}
while read -r name type; do
  want=$(answers "$ours_port" "$name" "$type")
  for peer in "$nsd_port" "$knot_port"; do
    [ "$(answers "$peer" "$name" "$type")" = "$want" ] || { echo "port $peer answers $name $type otherwise than ours" >&2; exit 1; }
  done
done < <(head -40 "$work/override.txt")

for server in "$ours_pid" "$unbound_pid" "$nsd_pid" "$knot_pid"; do pinned "$server" 1; done
echo "warming up..."
for port in "$ours_port" "$unbound_port" "$nsd_port" "$knot_port"; do
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/override.txt" -l 3 -c 8 -q 500 >/dev/null 2>&1
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/forward.txt" -n 1 -c 8 -q 500 >/dev/null 2>&1
done
declare -A A B C
for round in $(seq "$ROUNDS"); do
  echo "round $round..."
  A[ours]+="$(qps "$ours_port" "$work/override.txt" "$ours_pid") "
  A[unbound]+="$(qps "$unbound_port" "$work/override.txt" "$unbound_pid") "
  A[nsd]+="$(qps "$nsd_port" "$work/override.txt" "$nsd_pid") "
  A[knot]+="$(qps "$knot_port" "$work/override.txt" "$knot_pid") "
  B[ours]+="$(qps "$ours_port" "$work/forward.txt" "$ours_pid") "
  B[unbound]+="$(qps "$unbound_port" "$work/forward.txt" "$unbound_pid") "
  C[ours]+="$(qps "$ours_port" "$work/cold-ours-$((round - 1)).txt" "$ours_pid") "
  C[unbound]+="$(qps "$unbound_port" "$work/cold-unbound-$((round - 1)).txt" "$unbound_pid") "
done
# Best round by queries/s, with the server CPU per query measured in that round.
pick() { tr ' ' '\n' | grep . | sort -t: -k1,1n | tail -1; }
IFS=: read -r a_ours a_ours_cpu <<<"$(echo ${A[ours]} | pick)"; IFS=: read -r a_unb a_unb_cpu <<<"$(echo ${A[unbound]} | pick)"
IFS=: read -r a_nsd a_nsd_cpu <<<"$(echo ${A[nsd]} | pick)"; IFS=: read -r a_knot a_knot_cpu <<<"$(echo ${A[knot]} | pick)"
IFS=: read -r b_ours b_ours_cpu <<<"$(echo ${B[ours]} | pick)"; IFS=: read -r b_unb b_unb_cpu <<<"$(echo ${B[unbound]} | pick)"
IFS=: read -r c2_ours c2_ours_cpu <<<"$(echo ${C[ours]} | pick)"; IFS=: read -r c2_unb c2_unb_cpu <<<"$(echo ${C[unbound]} | pick)"
read -r c_ours_cpu c_ours_p50 c_ours_p99 c_ours_lost <<<"$(fixed_rate "$ours_port" "$ours_pid")"
read -r c_unb_cpu c_unb_p50 c_unb_p99 c_unb_lost <<<"$(fixed_rate "$unbound_port" "$unbound_pid")"
read -r c_nsd_cpu c_nsd_p50 c_nsd_p99 c_nsd_lost <<<"$(fixed_rate "$nsd_port" "$nsd_pid")"
read -r c_knot_cpu c_knot_p50 c_knot_p99 c_knot_lost <<<"$(fixed_rate "$knot_port" "$knot_pid")"

# (d) on fresh instances: the ones above hold the runs' names.
kill "$ours_pid" "$unbound_pid" $(tree "$nsd_pid") "$knot_pid"; wait "$ours_pid" "$unbound_pid" "$nsd_pid" "$knot_pid" 2>/dev/null || true
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
pinned "$mem_ours_pid" 1; pinned "$mem_unbound_pid" 1
d_ours=$(memory "$mem_ours_port" "$mem_ours_pid"); d_unb=$(memory "$mem_unbound_port" "$mem_unbound_pid")

# (e) the query log to a file; the files are emptied between rounds (appended to, so they can be).
log_ours_port=$(free_port); log_unbound_port=$(free_port)
unbound_conf "$log_unbound_port" | sed "/^server:/a\\  log-replies: yes\\n  logfile: \"$work/unbound-replies.log\"" > "$work/unbound-log.conf"
taskset -c 1 unbound -d -c "$work/unbound-log.conf" >"$work/unbound-log.log" 2>&1 &
pids+=($!); log_unbound_pid=$!
start_ours "$log_ours_port" "$work/ours-queries.log" --log-level Debug
pids+=($!); log_ours_pid=$!
wait_dns "$log_unbound_port" s3.amazonaws.com; wait_dns "$log_ours_port" s3.amazonaws.com
pinned "$log_ours_pid" 1; pinned "$log_unbound_pid" 1
declare -A E
for round in $(seq "$ROUNDS"); do
  : > "$work/ours-queries.log"; : > "$work/unbound-replies.log"
  E[ours]+="$(qps "$log_ours_port" "$work/override.txt" "$log_ours_pid") "
  E[unbound]+="$(qps "$log_unbound_port" "$work/override.txt" "$log_unbound_pid") "
done
grep -q "bucket-" "$work/ours-queries.log" && grep -q "bucket-" "$work/unbound-replies.log" || { echo "(e): a query log is empty" >&2; exit 1; }
IFS=: read -r e_ours e_ours_cpu <<<"$(echo ${E[ours]} | pick)"; IFS=: read -r e_unb e_unb_cpu <<<"$(echo ${E[unbound]} | pick)"
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
printf "%-46s %12s %12s %8s\n" "(e) override names, query log to a file, q/s" "$e_ours" "$e_unb" "$(ratio "$e_ours" "$e_unb")"
printf "%-46s %12s %12s %8s\n" "(e) server CPU per query, query log on, us" "$e_ours_cpu" "$e_unb_cpu" "$(ratio "$e_ours_cpu" "$e_unb_cpu")"
printf "%-46s %12s %12s\n" "(e) the log's cost: rate with / without" "$(ratio "$e_ours" "$a_ours")" "$(ratio "$e_unb" "$a_unb")"

echo
echo "Authoritative answers, override names (same run; NSD $(nsd -v 2>&1 | awk 'NR==1{print $3}') and Knot DNS $(knotd -V | awk '{print $NF}'), one server process or UDP worker each)"
printf "%-46s %10s %10s %10s %10s %8s %8s %8s\n" "measure" "ours" "unbound" "nsd" "knot" "ours/unb" "ours/nsd" "ours/knot"
row() { printf "%-46s %10s %10s %10s %10s %8s %8s %8s\n" "$1" "$2" "$3" "$4" "$5" "$(ratio "$2" "$3")" "$(ratio "$2" "$4")" "$(ratio "$2" "$5")"; }
row "(a) queries/s" "$a_ours" "$a_unb" "$a_nsd" "$a_knot"
row "(a) server CPU per query at full load, us" "$a_ours_cpu" "$a_unb_cpu" "$a_nsd_cpu" "$a_knot_cpu"
row "(c) CPU % of one core at $RATE q/s" "$c_ours_cpu" "$c_unb_cpu" "$c_nsd_cpu" "$c_knot_cpu"
row "(c) latency p50 at $RATE q/s, us" "$c_ours_p50" "$c_unb_p50" "$c_nsd_p50" "$c_knot_p50"
row "(c) latency p99 at $RATE q/s, us" "$c_ours_p99" "$c_unb_p99" "$c_nsd_p99" "$c_knot_p99"
printf "%-46s %10s %10s %10s %10s\n" "(c) queries lost" "$c_ours_lost" "$c_unb_lost" "$c_nsd_lost" "$c_knot_lost"
