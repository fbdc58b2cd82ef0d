#!/usr/bin/env bash
# What authentication costs per CONNECT: the proxy's CPU time per handshake, anonymous against Kerberos (Negotiate,
# a fresh token per connection, as real clients send) and Basic from the cache (the same account again and again),
# in the same run. A realm of its own (MIT krb5kdc on a loopback port), the proxy on CPU 1, hsload and the sink on
# CPU 0, 16 handshakes in flight. Tokens are made beforehand by tests/NegotiateClient, so the client's Kerberos
# work is not timed. Usage: bench/auth.sh [seconds] [rounds]. Needs root for apt-get when tools are missing.
set -euo pipefail
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
CONCURRENCY=16
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need gcc:gcc python3:python3 krb5kdc:krb5-kdc kinit:krb5-user bc:bc
export PATH="$PATH:/usr/sbin"

echo "building..."
gcc -O2 -o "$work/hsload" "$root/bench/hsload.c"
dotnet build "$root/src/Proxy" -c Release -o "$work/ours" -v quiet -nologo >/dev/null
dotnet build "$root/tests/NegotiateClient" -c Release -o "$work/client" -v quiet -nologo >/dev/null

# The realm: files in $work/krb only, the KDC on loopback.
. "$root/tests/krb5-realm.sh"
krb="$work/krb"
kdc_port=$(free_port)
krb5_realm "$krb" 127.0.0.1 "$kdc_port" alice:alice-password HTTP/localhost
export KRB5RCACHEDIR="$krb"
krb5kdc -n -P "$krb/kdc.pid" >"$work/kdc.log" 2>&1 & pids+=($!)
wait_port "$kdc_port"
echo alice-password | KRB5CCNAME="FILE:$krb/alice.cc" kinit alice@CORP.EXAMPLE >/dev/null

echo "making Kerberos tokens..."
tokens=$((ROUNDS * 20000 + 2000))
KRB5CCNAME="FILE:$krb/alice.cc" dotnet "$work/client/NegotiateClient.dll" token HTTP/localhost "$tokens" | sed 's/^/Negotiate /' > "$work/negotiate.all"
echo "svc-bench:x" | cut -d: -f2 | "$work/ours/Endpoints.Proxy" hash-password svc-bench > "$work/users"
printf 'Basic %s\n' "$(printf 'svc-bench:x' | base64)" > "$work/basic.one"
for i in $(seq 200000); do echo; done | sed "s|^|$(cat "$work/basic.one")|" > "$work/basic"

sink=$(free_port); ours_port=$(free_port)
taskset -c 0 "$work/hsload" sink 127.0.0.1 "$sink" >/dev/null & pids+=($!)
cat > "$work/policy.json" <<JSON
{ "rules": [ { "name": "bench", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32"] } ] }
JSON
# Basic over the plain CONNECT listener, as Squid's basic_ncsa_auth bench does: the shipped default refuses it
# (--connect-tls carries it), so this run allows it; the hash, not TLS, is what this bench measures.
Proxy__MaxConnectionsPerSource=100000 DOTNET_gcServer=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 taskset -c 1 "$work/ours/Endpoints.Proxy" \
  --connect "127.0.0.1:$ours_port" --policy "$work/policy.json" --resolver 127.0.0.1:9 --allow-range 127.0.0.1/32 \
  --keytab "$krb/service.keytab" --users "$work/users" --allow-basic-over-plaintext --log-level Warning >"$work/ours.log" 2>&1 & pids+=($!); ours_pid=$!
wait_port "$sink"; wait_port "$ours_port"

ticks() { awk '{print $14 + $15}' "/proc/$ours_pid/stat"; }
hz=$(getconf CLK_TCK)
# run KIND [AUTH-FILE]: prints "cpu_us_per_handshake:rate"
run() {
  local before after out ok rate
  before=$(ticks)
  out=$(taskset -c 0 "$work/hsload" hs 127.0.0.1 "$ours_port" "127.0.0.1:$sink" "$CONCURRENCY" "$SECONDS_PER_RUN" ${2:+"$2"})
  after=$(ticks)
  ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$out"); rate=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' <<<"$out")
  fail=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' <<<"$out")
  [ "$fail" -le $((CONCURRENCY * 2)) ] || { echo "$1: $fail failed handshakes: $out" >&2; tail -3 "$work/ours.log" >&2; exit 1; }
  echo "$(echo "scale=1; ($after - $before) * 1000000 / $hz / $ok" | bc):$rate"
}
slice() { sed -n "$(($1 * 20000 + 1)),$((($1 + 1) * 20000))p" "$work/negotiate.all" > "$work/negotiate"; }

echo "warming up..."
run anonymous >/dev/null
head -1 "$work/basic" > "$work/basic.warm"; run basic "$work/basic.warm" >/dev/null
sed -n "$((ROUNDS * 20000 + 1)),\$p" "$work/negotiate.all" > "$work/negotiate"; run negotiate "$work/negotiate" >/dev/null
declare -A R
for round in $(seq "$ROUNDS"); do
  R[anonymous]+="$(run anonymous) "
  R[basic]+="$(run basic "$work/basic") "
  slice $((round - 1)); R[negotiate]+="$(run negotiate "$work/negotiate") "
  echo "round $round: anonymous ${R[anonymous]##*( )} basic ${R[basic]} negotiate ${R[negotiate]}" | awk '{print $1, $2, $3, $4, $(NF-2), $(NF-1), $NF}' >/dev/null
done
median() { printf '%s\n' $1 | cut -d: -f"$2" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
a=$(median "${R[anonymous]}" 1); b=$(median "${R[basic]}" 1); n=$(median "${R[negotiate]}" 1)
ar=$(median "${R[anonymous]}" 2); br=$(median "${R[basic]}" 2); nr=$(median "${R[negotiate]}" 2)
echo
echo "proxy CPU per CONNECT handshake (us) and handshakes/s, $CONCURRENCY in flight, median of $ROUNDS x ${SECONDS_PER_RUN}s (proxy on CPU 1)"
printf '%-24s %8s %8s\n' anonymous "$a" "$ar" "basic (cached)" "$b" "$br" "negotiate (Kerberos)" "$n" "$nr"
echo "basic/anonymous $(echo "scale=2; $b / $a" | bc)   negotiate/anonymous $(echo "scale=2; $n / $a" | bc)   (goals: <= 1.2 and <= 2.0)"
