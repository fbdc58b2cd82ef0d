#!/usr/bin/env bash
# What a Prometheus scrape every second costs the DNS server: override queries/s at full load (dnsperf on CPU 0,
# the server on CPU 1), alternating runs without and with a scraper fetching /metrics every second (on CPU 0, as a
# Prometheus on another host would cost the server only the serving). Usage: bench/scrape-cost.sh [seconds] [rounds].
set -euo pipefail
DURATION=${1:-10}
ROUNDS=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need dnsperf:dnsperf dig:bind9-dnsutils curl:curl

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null
port=$(free_port); http=$(free_port)
# As shipped: its default log level writes no line per query (the query log is Debug), and its runtime settings.
(cd "$root" && exec taskset -c 1 "$work/ours/Endpoints.DnsOverride" --listen "127.0.0.1:$port" --http "127.0.0.1:$http" \
  --zones zones --upstream 127.0.0.1:9 >"$work/ours.log" 2>&1) &
pids+=($!)
for _ in $(seq 100); do dig @127.0.0.1 -p "$port" +time=1 +tries=1 s3.amazonaws.com >/dev/null 2>&1 && break; sleep 0.2; done
python3 - "$work/override.txt" <<'PY'
import random, sys
random.seed(1)
zones = ["s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "s3-external-1.amazonaws.com", "ddb.us-east-1.amazonaws.com"]
with open(sys.argv[1], "w") as f:
    for i in range(10000):
        f.write("bucket-%d.%s %s\n" % (random.randrange(5000), random.choice(zones), random.choice(["A", "A", "AAAA"])))
PY
qps() { taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/override.txt" -l "$DURATION" -c 8 -q 500 2>&1 | awk '/Queries per second/ {printf "%.0f", $4}'; }

echo "warming up..."; qps >/dev/null
without=(); with=()
for round in $(seq "$ROUNDS"); do
  without+=("$(qps)")
  taskset -c 0 bash -c "while true; do curl -s -o /dev/null http://127.0.0.1:$http/metrics; sleep 1; done" &
  scraper=$!
  with+=("$(qps)")
  kill "$scraper"; wait "$scraper" 2>/dev/null || true
  echo "round $round: without ${without[-1]} q/s, with a scrape every second ${with[-1]} q/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
w=$(median "${without[@]}"); s=$(median "${with[@]}")
echo "median: without $w q/s, with $s q/s, ratio $(echo "scale=3; $s / $w" | bc) (cost $(echo "scale=1; 100 * ($w - $s) / $w" | bc) %)"
curl -s "http://127.0.0.1:$http/metrics" | grep -c -v '^#' | xargs echo "series on the page:"
