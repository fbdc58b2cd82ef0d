#!/usr/bin/env bash
# diff on a large zone: a 100,000-record zone in a scratch git repository, one record and the serial changed,
# `diff --against main` timed from process start to exit (git export and both loads included), median of N runs.
# No peer diffs two git revisions offline, so the figure stands alone. Usage: bench/zone-diff.sh [records] [runs].
set -euo pipefail
RECORDS=${1:-100000}
RUNS=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/ours" -v quiet -nologo >/dev/null
repo="$work/repo"
mkdir -p "$repo/zones"
python3 - "$RECORDS" "$repo/zones/big.amazonaws.com.zone" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("$TTL 300\n@ IN SOA ns1 hostmaster 2026112601 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 10.0.0.1\n@ IN A 10.0.0.2\n")
    for i in range(n):
        f.write(f"h{i} IN A 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
PY
git -C "$repo" init -q -b main && git -C "$repo" add -A && git -C "$repo" -c user.email=b@b -c user.name=b commit -qm base
sed -i 's/2026112601/2026112602/; s/^h500 IN A .*/h500 IN A 10.9.9.9/' "$repo/zones/big.amazonaws.com.zone"

times=()
for run in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  (cd "$repo" && dotnet "$work/ours/Endpoints.DnsOverride.dll" diff --against main zones >"$work/out.txt")
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
  echo "run $run: ${times[-1]} s ($(tail -1 "$work/out.txt"))"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{printf "median of %d: %.2f s for %s records\n", NR, a[int((NR+1)/2)], '"$RECORDS"'}'
