#!/usr/bin/env bash
# Zone transfer benchmark: AXFR of one 100,000-record zone from our server and from BIND 9 serving the same file,
# each on CPU 1, dig on CPU 0; time from dig's start to its end, median of N runs, unsigned and TSIG-signed.
# Usage: bench/transfer.sh [records] [runs]. Needs root for apt-get when tools are missing.
set -euo pipefail
RECORDS=${1:-100000}
RUNS=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"

need named:bind9 dig:bind9-dnsutils
echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null

mkdir -p "$work/zones"
python3 - "$work/zones/large.test.zone" "$RECORDS" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.0.0.53\n")
    for i in range(int(sys.argv[2]) - 3):
        f.write("host-%d A 10.%d.%d.%d\n" % (i, (i >> 16) & 255, (i >> 8) & 255, i & 255))
PY
secret=$(head -c 32 /dev/urandom | base64)
printf 'key "bench" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$secret" > "$work/keys.conf"

named_port=$(free_port); ours_port=$(free_port); signed_port=$(free_port)
cat > "$work/named.conf" <<CONF
include "$work/keys.conf";
options { directory "$work"; pid-file none; listen-on port $named_port { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; allow-transfer { any; }; notify no; };
controls { };
zone "large.test" { type primary; file "$work/zones/large.test.zone"; };
CONF
taskset -c 1 named -g -n 1 -c "$work/named.conf" >"$work/named.log" 2>&1 &
pids+=($!)
# Ours twice: keys configured make a signature required, so the unsigned runs go to an instance without them. As
# shipped (log level, metrics, runtime settings), but each on a free HTTP port instead of the default 8053.
start_ours() { # port [options]
  (cd "$root" && exec taskset -c 1 "$work/ours/Endpoints.DnsOverride" --listen "127.0.0.1:$1" --zones "$work/zones" \
    --upstream 127.0.0.1:9 --allow-transfer 127.0.0.1/32 --http "127.0.0.1:$(free_port)" "${@:2}" >>"$work/ours.log" 2>&1) &
  pids+=($!)
}
start_ours "$ours_port"
start_ours "$signed_port" --tsig-keys "$work/keys.conf"
for port in "$named_port" "$ours_port" "$signed_port"; do
  for _ in $(seq 150); do dig @127.0.0.1 -p "$port" +time=1 +tries=1 large.test SOA 2>/dev/null | grep -q "status: NOERROR" && break; sleep 0.2; done
done

axfr() { # port [dig options] -> seconds for one transfer, after checking its record count
  local start end out
  start=$(date +%s.%N)
  out=$(taskset -c 0 dig @127.0.0.1 -p "$1" "${@:2}" large.test AXFR +onesoa 2>&1 | tail -3)
  end=$(date +%s.%N)
  echo "$out" | grep -q "XFR size: $((RECORDS + 1)) records" || { echo "transfer from $1 incomplete: $out" >&2; exit 1; }
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

declare -A T
for _ in $(seq "$RUNS"); do
  T[ours]+="$(axfr "$ours_port") "; T[named]+="$(axfr "$named_port") "
  T[ours_tsig]+="$(axfr "$signed_port" -y "hmac-sha256:bench:$secret") "; T[named_tsig]+="$(axfr "$named_port" -y "hmac-sha256:bench:$secret") "
done
ours=$(echo ${T[ours]} | median); named=$(echo ${T[named]} | median)
ours_tsig=$(echo ${T[ours_tsig]} | median); named_tsig=$(echo ${T[named_tsig]} | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "AXFR of a $RECORDS-record zone, median of $RUNS, seconds from dig's start to its end (BIND $(named -v | awk '{print $2}'))"
printf "%-22s %8s %8s %10s\n" "" "ours" "named" "ours/named"
printf "%-22s %8s %8s %10s\n" "unsigned" "$ours" "$named" "$(ratio "$ours" "$named")"
printf "%-22s %8s %8s %10s\n" "TSIG hmac-sha256" "$ours_tsig" "$named_tsig" "$(ratio "$ours_tsig" "$named_tsig")"
