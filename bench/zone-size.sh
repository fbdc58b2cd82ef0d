#!/usr/bin/env bash
# Zone size: load time and memory of a 1,000,000-record zone, ours against BIND's named on the same file.
#   load time: from process start until the zone's SOA answers with its serial (both polled the same way);
#   memory: peak (VmHWM) and steady (VmRSS one second after the zone answers), in MB.
# Both servers run on CPU 1. Usage: bench/zone-size.sh [records] [rounds]. Needs root for apt-get when tools are missing.
set -euo pipefail
RECORDS=${1:-1000000}
ROUNDS=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need named:bind9 dig:bind9-dnsutils

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

# A zone like a big real one: mostly A, some AAAA, TXT and CNAME, one name per record.
mkdir -p "$work/zones"
python3 - "$RECORDS" "$work/zones/big.test.zone" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("$TTL 300\n@ IN SOA ns1 hostmaster 2026112601 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 10.0.0.1\n")
    for i in range(n - 3):
        kind = i % 10
        if kind < 6:
            f.write(f"h{i} IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
        elif kind < 8:
            f.write(f"h{i} IN AAAA fd00::{(i >> 16) & 0xffff:x}:{i & 0xffff:x}\n")
        elif kind == 8:
            f.write(f'h{i} IN TXT "v=spf1 host {i}"\n')
        else:
            f.write(f"h{i} IN CNAME h{i - 1}\n")
PY
echo "zone: $RECORDS records, $(( $(stat -c %s "$work/zones/big.test.zone") / 1048576 )) MB"

# measure NAME PORT COMMAND...: prints "seconds peak_mb steady_mb"
measure() {
  local port=$1; shift
  local start end
  start=$(date +%s.%N)
  taskset -c 1 "$@" >"$work/server.log" 2>&1 &
  pid=$!
  until dig @127.0.0.1 -p "$port" +time=1 +tries=1 +short SOA big.test 2>/dev/null | grep -q 2026112601; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  sleep 1
  local peak steady
  peak=$(awk '/VmHWM/{print int($2/1024)}' "/proc/$pid/status")
  steady=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$(echo "$end - $start" | bc) $peak $steady"
}

ours=(); bind=()
for round in $(seq "$ROUNDS"); do
  port=$(free_port)
  cat > "$work/named.conf" <<CONF
options { directory "$work"; pid-file none; listen-on port $port { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; notify no; };
controls { };
zone "big.test" { type primary; file "$work/zones/big.test.zone"; };
CONF
  bind+=("$(measure "$port" named -g -n 1 -c "$work/named.conf")")
  port=$(free_port)
  ours+=("$(measure "$port" env DOTNET_gcServer=0 dotnet "$work/ours/Endpoints.DnsOverride.dll" --listen "127.0.0.1:$port" --zones "$work/zones" --upstream 127.0.0.1:9)")
  echo "round $round: named ${bind[-1]} | ours ${ours[-1]}   (seconds peak-MB steady-MB)"
done

median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
column() { printf '%s\n' "$@" | awk -v c="$COL" '{print $c}' | median; }
echo
printf '%-16s %10s %10s %10s\n' "" "load s" "peak MB" "steady MB"
for who in named ours; do
  if [ $who = named ]; then set -- "${bind[@]}"; else set -- "${ours[@]}"; fi
  COL=1 l=$(column "$@"); COL=2 p=$(column "$@"); COL=3 s=$(column "$@")
  printf '%-16s %10s %10s %10s\n' "$who (median)" "$l" "$p" "$s"
  eval "${who}_l=$l ${who}_p=$p ${who}_s=$s"
done
printf '%-16s %10.2f %10.2f %10.2f\n' "ours/named" "$(echo "$ours_l / $named_l" | bc -l)" "$(echo "$ours_p / $named_p" | bc -l)" "$(echo "$ours_s / $named_s" | bc -l)"
