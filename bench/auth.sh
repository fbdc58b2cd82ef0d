#!/usr/bin/env bash
# What authentication costs per CONNECT: the proxy's CPU time per handshake, anonymous against Kerberos (Negotiate,
# a fresh token per connection, as real clients send) and Basic from the cache (the same account again and again),
# in the same run. A realm of its own (MIT krb5kdc on a loopback port), the proxy on CPU 1, hsload and the sink on
# CPU 0, 16 handshakes in flight. Tokens are made beforehand by tests/NegotiateClient, so the client's Kerberos
# work is not timed. Squid 5.7 runs on the same realm in the same rounds, anonymous and with its
# negotiate_kerberos_auth helper (4 children) on the same keytab; its CPU counts its helpers. Ours runs as shipped
# (a line per connection, to a file), and again with --log-level Warning, as Squid runs with access_log none; Basic
# has an instance of its own, as it needs a bench-only setting (below).
# Usage: bench/auth.sh [seconds] [rounds]. Needs root for apt-get when tools are missing.
set -euo pipefail
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
CONCURRENCY=16
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
need gcc:gcc python3:python3 krb5kdc:krb5-kdc kinit:krb5-user bc:bc squid:squid
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
tokens=$((3 * ROUNDS * 20000 + 6000))
KRB5CCNAME="FILE:$krb/alice.cc" dotnet "$work/client/NegotiateClient.dll" token HTTP/localhost "$tokens" | sed 's/^/Negotiate /' > "$work/negotiate.all"
echo "svc-bench:x" | cut -d: -f2 | "$work/ours/Endpoints.Proxy" hash-password svc-bench > "$work/users"
printf 'Basic %s\n' "$(printf 'svc-bench:x' | base64)" > "$work/basic.one"
for i in $(seq 200000); do echo; done | sed "s|^|$(cat "$work/basic.one")|" > "$work/basic"

sink=$(free_port); ours_port=$(free_port)
taskset -c 0 "$work/hsload" sink 127.0.0.1 "$sink" >/dev/null & pids+=($!)
cat > "$work/policy.json" <<JSON
{ "rules": [ { "name": "bench", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["127.0.0.1/32"] } ] }
JSON
ours() {
  local port=$1 log=$2
  shift 2
  Proxy__MaxConnectionsPerSource=100000 taskset -c 1 "$work/ours/Endpoints.Proxy" \
    --connect "127.0.0.1:$port" --policy "$work/policy.json" --resolver 127.0.0.1:9 --allow-range 127.0.0.1/32 "$@" >"$work/$log" 2>&1 &
  pids+=($!)
}
ours "$ours_port" ours.log --keytab "$krb/service.keytab"; ours_pid=$!
quiet_port=$(free_port); ours "$quiet_port" quiet.log --keytab "$krb/service.keytab" --log-level Warning; quiet_pid=$!
# Basic over the plain CONNECT listener, as Squid's basic_ncsa_auth bench does: the shipped default refuses it
# (--connect-tls carries it), so this instance allows it; the hash, not TLS, is what this row measures.
basic_port=$(free_port); ours "$basic_port" basic.log --users "$work/users" --allow-basic-over-plaintext; basic_pid=$!
# Squid: the helper runs as Squid's user, so the keytab is readable to it and its replay cache is its own.
squid_port=$(free_port); squid_krb_port=$(free_port)
squid_conf "$squid_port" > "$work/squid.conf"
mkdir -p "$work/squid-rcache" && chown proxy "$work/squid-rcache" && chmod 755 "$krb" && chmod 644 "$krb/service.keytab"
squid_conf "$squid_krb_port" squid-krb | sed "s|^http_access allow local|auth_param negotiate program /usr/bin/env KRB5RCACHEDIR=$work/squid-rcache \
/usr/lib/squid/negotiate_kerberos_auth -s HTTP/localhost@CORP.EXAMPLE -k $krb/service.keytab\nauth_param negotiate children 4 startup=4\n\
acl authed proxy_auth REQUIRED\nhttp_access allow local authed|" > "$work/squid-krb.conf"
taskset -c 1 squid -N -f "$work/squid.conf" >"$work/squid.log" 2>&1 & pids+=($!); squid_pid=$!
taskset -c 1 squid -N -n squidkrb -f "$work/squid-krb.conf" >"$work/squid-krb.log" 2>&1 & pids+=($!); squid_krb_pid=$!
wait_port "$sink"; wait_port "$ours_port"; wait_port "$quiet_port"; wait_port "$basic_port"; wait_port "$squid_port"; wait_port "$squid_krb_port"

hz=$(getconf CLK_TCK)
# run KIND [AUTH-FILE]: prints "cpu_us_per_handshake:rate" for the proxy in $port and $pid (ours unless set)
run() {
  local before after out ok rate
  before=$(cpu_ticks "${pid_of:-$ours_pid}")
  out=$(taskset -c 0 "$work/hsload" hs 127.0.0.1 "${port:-$ours_port}" "127.0.0.1:$sink" "$CONCURRENCY" "$SECONDS_PER_RUN" ${2:+"$2"})
  after=$(cpu_ticks "${pid_of:-$ours_pid}")
  ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$out"); rate=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' <<<"$out")
  fail=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' <<<"$out")
  [ "$fail" -le $((CONCURRENCY * 2)) ] || { echo "$1: $fail failed handshakes: $out" >&2; tail -3 "$work/ours.log" "$work"/squid*/cache.log >&2; exit 1; }
  echo "$(echo "scale=1; ($after - $before) * 1000000 / $hz / $ok" | bc):$rate"
}
# A token is good once (replay cache): slices of 20,000, ours as shipped first, then ours quiet, then Squid; the
# warm-ups take theirs from the end.
slice() { sed -n "$(($1 * 20000 + 1)),$((($1 + 1) * 20000))p" "$work/negotiate.all" > "$work/negotiate"; }
warm() { sed -n "$((3 * ROUNDS * 20000 + $1 * 2000 + 1)),$((3 * ROUNDS * 20000 + ($1 + 1) * 2000))p" "$work/negotiate.all" > "$work/negotiate"; }

echo "warming up..."
run anonymous >/dev/null
warm 0; run negotiate "$work/negotiate" >/dev/null
port=$quiet_port pid_of=$quiet_pid run quiet-anonymous >/dev/null
warm 1; port=$quiet_port pid_of=$quiet_pid run quiet-negotiate "$work/negotiate" >/dev/null
head -1 "$work/basic" > "$work/basic.warm"; port=$basic_port pid_of=$basic_pid run basic "$work/basic.warm" >/dev/null
port=$squid_port pid_of=$squid_pid run squid-anonymous >/dev/null
warm 2; port=$squid_krb_port pid_of=$squid_krb_pid run squid-negotiate "$work/negotiate" >/dev/null
declare -A R
for round in $(seq "$ROUNDS"); do
  R[anonymous]+="$(run anonymous) "
  slice $((round - 1)); R[negotiate]+="$(run negotiate "$work/negotiate") "
  R[quiet]+="$(port=$quiet_port pid_of=$quiet_pid run quiet-anonymous) "
  slice $((round - 1 + ROUNDS)); R[quiet_negotiate]+="$(port=$quiet_port pid_of=$quiet_pid run quiet-negotiate "$work/negotiate") "
  R[basic]+="$(port=$basic_port pid_of=$basic_pid run basic "$work/basic") "
  R[squid]+="$(port=$squid_port pid_of=$squid_pid run squid-anonymous) "
  slice $((round - 1 + 2 * ROUNDS)); R[squid_negotiate]+="$(port=$squid_krb_port pid_of=$squid_krb_pid run squid-negotiate "$work/negotiate") "
done
median() { printf '%s\n' $1 | cut -d: -f"$2" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
row() { printf '%-40s %8s %8s\n' "$1" "$(median "${R[$2]}" 1)" "$(median "${R[$2]}" 2)"; }
ratio() { echo "scale=2; $(median "${R[$1]}" 1) / $(median "${R[$2]}" 1)" | bc; }
echo
echo "proxy CPU per CONNECT handshake (us) and handshakes/s, $CONCURRENCY in flight, median of $ROUNDS x ${SECONDS_PER_RUN}s (proxy on CPU 1)"
row "anonymous, as shipped" anonymous; row "negotiate (Kerberos), as shipped" negotiate
row "anonymous, --log-level Warning" quiet; row "negotiate, --log-level Warning" quiet_negotiate
row "basic (cached), --allow-basic-over-plaintext" basic
echo "negotiate/anonymous: as shipped $(ratio negotiate anonymous), --log-level Warning $(ratio quiet_negotiate quiet)   basic/anonymous $(ratio basic anonymous)   (goals: <= 2.0 and <= 1.2)"
row "squid anonymous (access_log none)" squid; row "squid negotiate" squid_negotiate
echo "squid: negotiate/anonymous $(ratio squid_negotiate squid)   ours (--log-level Warning)/squid: negotiate $(ratio quiet_negotiate squid_negotiate), anonymous $(ratio quiet squid)"
