#!/usr/bin/env bash
# Memory after a load spike: COUNT slow clients each send a 60 KiB CONNECT head that never ends, are held, then close
# together; RSS before, while held, and SETTLE seconds after, for ours (as shipped) and Squid, on loopback.
# Usage: bench/slowloris.sh [COUNT] [SETTLE-SECONDS]. Needs root for apt-get when Squid is missing.
set -euo pipefail
COUNT=${1:-2000}
SETTLE=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
chmod 755 "$work"
ulimit -n 20000

need squid:squid python3:python3

echo "building (Release)..."
dotnet build "$root/src/Proxy" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

squid_port=$(free_port); ours_port=$(free_port)
squid_conf "$squid_port" > "$work/squid.conf"
taskset -c 1 squid -N -f "$work/squid.conf" >"$work/squid.log" 2>&1 &
pids+=($!); squid_pid=$!

cat > "$work/policy.json" <<JSON
{ "rules": [ { "name": "bench", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32"] } ] }
JSON
# Every client comes from 127.0.0.1 and must stay until all are open: the per-source limit and the handshake timeout
# are lifted for the run (ours would otherwise close a slow head after 10 s, and take 512 from one address).
Proxy__MaxConnectionsPerSource=100000 Proxy__HandshakeTimeout=00:05:00 taskset -c 1 "$work/ours/Endpoints.Proxy" \
  --connect "127.0.0.1:$ours_port" --policy "$work/policy.json" --resolver 127.0.0.1:9 --allow-range 127.0.0.1/32 \
  >"$work/ours.log" 2>&1 &
pids+=($!); ours_pid=$!
for port in "$squid_port" "$ours_port"; do wait_port "$port"; done

run() { taskset -c 0 python3 "$root/bench/proxybench.py" slowloris --port "$1" --count "$COUNT" --settle "$SETTLE" --pids "$2"; }
figures() { awk -v name="$1" '/^before/ {b=$2} /^held/ {h=$2} /^after/ {a=$2} END {printf "%-6s before %6.1f MB  held %6.1f MB  %ss after %6.1f MB  (%.2fx before)\n", name, b/1024, h/1024, "'"$SETTLE"'", a/1024, a/b}'; }

squid_pids=$(pgrep -d, -P "$squid_pid" || true)
run "$ours_port" "$ours_pid" | figures ours
run "$squid_port" "$squid_pid${squid_pids:+,$squid_pids}" | figures squid
grep -h "load spike" "$work/ours.log" || echo "ours: no collection after the spike"
