#!/usr/bin/env bash
# End-to-end acceptance test: the whole architecture in network namespaces, driven by the AWS SDK for .NET.
#   client, guest -> corp-dns (BIND, conditional forwarders) -> dns-a, dns-b (our DNS override)
#   client -> lb (HAProxy, PROXY v2, /readyz checks) -> proxy-a, proxy-b (our proxy) -> aws (TLS -> s3rver, dynalite)
#   corp-dns also runs the corporate KDC (MIT krb5kdc standing in for Active Directory) for the proxy's users
#   a second region (eu-west-1): its zones from `generate`, its own load balancer lb-eu and proxy proxy-eu
# Needs root. Creates namespaces ep-* and the bridge epbr0 on 10.99.0.0/24 (this test's own hosts), and removes
# them and every process it started on exit, also on failure. Ends with one "N passed, N failed" line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/krb5-realm.sh"
work=$(mktemp -d /tmp/endpoints-e2e.XXXXXX)
chmod 755 "$work"
NET=10.99.0
HOSTS=(client guest corpdns dnsa dnsb lb proxya proxyb aws lbeu proxyeu)
declare -A IP=([client]=$NET.10 [guest]=$NET.11 [corpdns]=$NET.2 [dnsa]=$NET.53 [dnsb]=$NET.54 [lb]=$NET.100 [proxya]=$NET.21 [proxyb]=$NET.22 [aws]=$NET.200
               [lbeu]=$NET.110 [proxyeu]=$NET.23)
NS_PREFIX=ep BRIDGE=epbr0
. "$root/tests/netns.sh"

stop() { # name signal: signals a process this test started, by its PID, and reaps it quietly
  local pid=${PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill "-$2" "$pid" 2>/dev/null
  [ "$2" = "KILL" ] && { wait "$pid" 2>/dev/null; unset "PID[$1]"; }
  return 0
}

cleanup() {
  netns_remove
  if [ "${KEEP_E2E:-}" = "" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

install() {
  local missing=()
  for tool in named:bind9 dig:bind9-dnsutils haproxy:haproxy ip:iproute2 ss:iproute2 openssl:openssl node:nodejs npm:npm curl:curl git:git patch:patch \
              krb5kdc:krb5-kdc kinit:krb5-user; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  (cd "$here/fakes" && npm ci --no-audit --no-fund --silent >/dev/null)
  dotnet build "$root/src/DnsOverride" -c Release -o "$work/bin/dns" -v quiet -nologo >/dev/null
  dotnet build "$root/src/Proxy" -c Release -o "$work/bin/proxy" -v quiet -nologo >/dev/null
  dotnet build "$here/AwsClient" -c Release -o "$work/bin/client" -v quiet -nologo >/dev/null
}

network() {
  ip link add epbr0 type bridge && ip link set epbr0 up
  for host in "${HOSTS[@]}"; do
    ip netns add "ep-$host"
    ip link add "epv-$host" type veth peer name eth0 netns "ep-$host"
    ip link set "epv-$host" master epbr0 up
    in_ns "$host" ip link set lo up
    in_ns "$host" ip addr add "${IP[$host]}/24" dev eth0
    in_ns "$host" ip link set eth0 up
    mkdir -p "/etc/netns/ep-$host"
    echo "nameserver ${IP[corpdns]}" > "/etc/netns/ep-$host/resolv.conf"
  done
  # A second load balancer address, for the zone change of scenario 7.
  in_ns lb ip addr add "$NET.101/24" dev eth0
  # The guest names the load balancer as corporate users do: the host part of HTTPS_PROXY picks the Kerberos service.
  printf '127.0.0.1 localhost\n%s proxy.corp.example\n' "${IP[lb]}" > /etc/netns/ep-guest/hosts
  echo "nameserver ${IP[aws]}" > /etc/netns/ep-proxya/resolv.conf
  cp /etc/netns/ep-proxya/resolv.conf /etc/netns/ep-proxyb/resolv.conf
  cp /etc/netns/ep-proxya/resolv.conf /etc/netns/ep-proxyeu/resolv.conf
}

certificates() {
  local c="$work/tls"
  mkdir -p "$c"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=Endpoints E2E CA" \
    -keyout "$c/ca.key" -out "$c/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=s3.amazonaws.com" \
    -keyout "$c/aws.key" -out "$c/aws.csr" 2>/dev/null
  printf 'subjectAltName=DNS:s3.amazonaws.com,DNS:*.s3.amazonaws.com,DNS:s3.us-east-1.amazonaws.com,DNS:*.s3.us-east-1.amazonaws.com,DNS:dynamodb.us-east-1.amazonaws.com,DNS:*.ddb.us-east-1.amazonaws.com,DNS:s3.eu-west-1.amazonaws.com,DNS:*.s3.eu-west-1.amazonaws.com\nextendedKeyUsage=serverAuth\n' > "$c/ext"
  openssl x509 -req -in "$c/aws.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" -CAcreateserial -days 2 -extfile "$c/ext" -out "$c/aws.crt" 2>/dev/null
  cat "$c/aws.crt" "$c/aws.key" > "$c/aws.pem"
}

aws_side() {
  mkdir -p "$work/s3data" "$work/vpc"
  start s3rver aws node "$here/fakes/node_modules/.bin/s3rver" -d "$work/s3data" -a 127.0.0.1 -p 4568 --silent --allow-mismatched-signatures
  start dynalite aws node "$here/fakes/node_modules/.bin/dynalite" --host 127.0.0.1 --port 4567
  cat > "$work/aws-haproxy.cfg" <<CFG
global
    maxconn 2000
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
frontend endpoint
    bind ${IP[aws]}:443 ssl crt $work/tls/aws.pem
    use_backend dynamodb if { ssl_fc_sni -m end dynamodb.us-east-1.amazonaws.com } || { ssl_fc_sni -m end ddb.us-east-1.amazonaws.com }
    default_backend s3
backend s3
    server s3rver 127.0.0.1:4568
backend dynamodb
    server dynalite 127.0.0.1:4567
CFG
  start aws-haproxy aws haproxy -db -f "$work/aws-haproxy.cfg"
  # The VPC resolver: with private DNS on the endpoints, the AWS names resolve to the endpoint's address.
  local zones=""
  for zone in s3.amazonaws.com s3.us-east-1.amazonaws.com dynamodb.us-east-1.amazonaws.com ddb.us-east-1.amazonaws.com s3.eu-west-1.amazonaws.com; do
    printf '$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A %s\n@ A %s\n* A %s\n' "${IP[aws]}" "${IP[aws]}" "${IP[aws]}" > "$work/vpc/$zone.zone"
    zones+="zone \"$zone\" { type primary; file \"$work/vpc/$zone.zone\"; };"$'\n'
  done
  cat > "$work/vpc/named.conf" <<CONF
options { directory "$work/vpc"; pid-file none; listen-on { ${IP[aws]}; }; listen-on-v6 { none; }; recursion no; };
controls { };
$zones
CONF
  start vpc-resolver aws named -g -n 1 -c "$work/vpc/named.conf"
}

# Zones as code: a bare repository is the origin; each DNS host serves what its zones-sync last swapped in.
git_e2e() { git -c user.email=e2e@example.test -c user.name=e2e "$@"; }
sync_zones() { # host: one run of deploy/zones-sync, as the systemd timer does
  "$root/deploy/zones-sync" --repo "$work/zones-origin.git" --root "$work/sync-$1" --timeout 20 \
    --check "$work/bin/dns/Endpoints.DnsOverride check" >>"$work/sync-$1.log" 2>&1
}
start_dns() {
  start "$1" "$1" "$work/bin/dns/Endpoints.DnsOverride" --listen "${IP[$1]}:53" --zones "$work/sync-$1/zones" \
    --upstream "${IP[aws]}" --allow-recursion "$NET.0/24" --log-level Debug
}
serial_on() { # host serial: the DNS instance answers the s3 zone's SOA with this serial
  [ "$(in_ns client dig +short +time=1 +tries=1 @"${IP[$1]}" s3.amazonaws.com SOA | awk '{print $3}')" = "$2" ]
}

dns_side() {
  local seed="$work/zones-seed"
  mkdir -p "$seed/zones"
  for file in "$root"/zones/*.zone; do
    sed -e "s/10\.200\.0\.10/${IP[lb]}/; s/10\.200\.1\.10/${IP[lb]}/" -e "s/10\.200\.0\.53/${IP[dnsa]}/; s/10\.200\.1\.53/${IP[dnsb]}/" "$file" \
      | awk '!seen[$0]++ || !/IN A/' > "$seed/zones/$(basename "$file")"
  done
  cp "$root/zones/transparent.json" "$seed/zones/"
  # The second region's zones, as an operator adds them: generate, pointing at that region's load balancer.
  "$work/bin/dns/Endpoints.DnsOverride" generate --region eu-west-1 --address "${IP[lbeu]}" \
    --ns-address "${IP[dnsa]}" --ns-address "${IP[dnsb]}" --out "$seed/zones" --force >/dev/null || exit 1
  git init -q --bare -b main "$work/zones-origin.git"
  git -C "$seed" init -q -b main && git -C "$seed" add -A && git_e2e -C "$seed" commit -qm "zones" &&
    git -C "$seed" push -q "$work/zones-origin.git" main || exit 1
  for host in dnsa dnsb; do
    sync_zones "$host" || { cat "$work/sync-$host.log"; exit 1; }
    start_dns "$host"
  done
  local forwards=""
  for file in "$seed"/zones/*.zone; do
    forwards+="zone \"$(basename "$file" .zone)\" { type forward; forward only; forwarders { ${IP[dnsa]}; ${IP[dnsb]}; }; };"$'\n'
  done
  mkdir -p "$work/corp"
  cat > "$work/corp/named.conf" <<CONF
options { directory "$work/corp"; pid-file none; listen-on { ${IP[corpdns]}; }; listen-on-v6 { none; };
  recursion yes; allow-recursion { $NET.0/24; }; dnssec-validation no; qname-minimization off; };
controls { };
$forwards
CONF
  start corp-dns corpdns named -g -n 1 -c "$work/corp/named.conf"
}

# The corporate realm: alice may use the proxy from any host, bob may not; the proxies hold HTTP/proxy.corp.example.
realm() {
  local krb="$work/krb"
  krb5_realm "$krb" "${IP[corpdns]}" 88 alice:alice-password bob:bob-password HTTP/proxy.corp.example || return 1
  chmod 644 "$krb/service.keytab"
  start kdc corpdns krb5kdc -n -P "$krb/kdc.pid"
}
login() { # user: a ticket cache for the user in $work/krb/USER.cc, as a domain logon leaves one
  echo "$1-password" | in_ns guest env KRB5CCNAME="FILE:$work/krb/$1.cc" kinit "$1@CORP.EXAMPLE" >/dev/null
}

proxy_side() {
  cat > "$work/policy.json" <<JSON
{ "rules": [
  { "name": "corp-to-aws", "action": "allow", "sources": ["${IP[client]}/32"],
    "destinations": ["*.s3.amazonaws.com", "s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "*.s3.us-east-1.amazonaws.com",
                     "dynamodb.us-east-1.amazonaws.com", "*.ddb.us-east-1.amazonaws.com"], "ports": [443] },
  { "name": "named-users", "action": "allow", "sources": ["$NET.0/24"], "users": ["alice@CORP.EXAMPLE"],
    "destinations": ["*.s3.amazonaws.com", "s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "*.s3.us-east-1.amazonaws.com"], "ports": [443] } ] }
JSON
  for host in proxya proxyb; do start_proxy "$host"; done
  # The second region's proxy allows that region's names, behind its own load balancer.
  sed -e 's/us-east-1/eu-west-1/g' "$work/policy.json" > "$work/policy-eu.json"
  start_proxy proxyeu "$work/policy-eu.json"
  cat > "$work/lb-eu.cfg" <<CFG
defaults
    mode tcp
    timeout connect 2s
    timeout client 300s
    timeout server 300s
frontend tls
    bind ${IP[lbeu]}:443
    default_backend proxies_tls
backend proxies_tls
    option httpchk GET /readyz
    server proxyeu ${IP[proxyeu]}:443 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
CFG
  start lbeu lbeu haproxy -db -f "$work/lb-eu.cfg"
  cat > "$work/lb.cfg" <<CFG
global
    maxconn 4000
    stats socket ipv4@127.0.0.1:9999 level user
defaults
    mode tcp
    timeout connect 2s
    timeout client 300s
    timeout server 300s
    retries 3
    option redispatch
frontend tls
    bind ${IP[lb]}:443
    bind $NET.101:443
    default_backend proxies_tls
frontend connect
    bind ${IP[lb]}:3128
    default_backend proxies_connect
backend proxies_tls
    option httpchk GET /readyz
    server proxya ${IP[proxya]}:443 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
    server proxyb ${IP[proxyb]}:443 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
backend proxies_connect
    option httpchk GET /readyz
    server proxya ${IP[proxya]}:3128 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
    server proxyb ${IP[proxyb]}:3128 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
CFG
  start lb lb haproxy -db -f "$work/lb.cfg"
}

start_proxy() { # host [policy]
  start "$1" "$1" env KRB5RCACHEDIR="$work/krb" "$work/bin/proxy/Endpoints.Proxy" --tls 0.0.0.0:443 --connect 0.0.0.0:3128 --health 0.0.0.0:8080 \
    --policy "${2:-$work/policy.json}" --resolver "${IP[aws]}" --allow-range "${IP[aws]}/32" --proxy-protocol-from "$NET.100/31" --proxy-protocol-from "${IP[lbeu]}/32" \
    --keytab "$work/krb/service.keytab"
}

client() { # ns args... (the SDK trusts the test CA through SSL_CERT_FILE, nothing else is set)
  local ns=$1; shift
  in_ns "$ns" env SSL_CERT_FILE="$work/tls/ca.pem" DOTNET_CLI_TELEMETRY_OPTOUT=1 "$work/bin/client/AwsClient" "$@"
}

resolves_to() { # ns name address
  [ "$(in_ns "$1" dig +short +time=2 +tries=1 "$2" | sort | tr '\n' ' ')" = "$3 " ]
}

ready() { in_ns lb curl -sf "http://${IP[$1]}:8080/readyz" >/dev/null; }

# HAProxy's own view: every server UP after a passed HTTP check, which carries a PROXY header (check-send-proxy),
# as an AWS NLB's does once proxy protocol is on.
lb_checks_pass() {
  local stat
  stat=$(in_ns lb bash -c 'exec 3<>/dev/tcp/127.0.0.1/9999; echo "show stat" >&3; cat <&3') || return 1
  [ "$(awk -F, '$1 ~ /^proxies_/ && $2 ~ /^proxy[ab]$/ && $18 == "UP" && $37 == "L7OK"' <<<"$stat" | wc -l)" = 4 ]
}

# A proxy logs a connection when it ends; clients' pooled connections close a moment after the client exits.
logged() { wait_for "proxy log: $1" 10 grep -q "$1" "$work/proxya.log" "$work/proxyb.log"; }

main() {
  log "installing and building"; install || exit 1
  log "network"; network
  certificates
  log "starting the aws side, the DNS tier, the proxies and the load balancer"
  realm || { echo "no Kerberos realm" >&2; exit 1; }
  aws_side; dns_side; proxy_side
  wait_for "vpc resolver" 30 in_ns proxya dig +short +time=1 +tries=1 @"${IP[aws]}" s3.amazonaws.com || exit 1
  wait_for "corp dns" 30 resolves_to client mybucket.s3.amazonaws.com "${IP[lb]}" || { tail -5 "$work"/dns*.log "$work/corp-dns.log"; exit 1; }
  wait_for "proxies" 30 ready proxya || exit 1
  wait_for "proxies" 30 ready proxyb || exit 1
  wait_for "proxies" 30 ready proxyeu || exit 1
  wait_for "endpoint" 30 in_ns client curl -s --cacert "$work/tls/ca.pem" --resolve "s3.amazonaws.com:443:${IP[aws]}" https://s3.amazonaws.com/ -o /dev/null || exit 1
  wait_for "load balancer checks" 30 lb_checks_pass || { tail -5 "$work/lb.log"; exit 1; }
  check "0 HAProxy's health checks with PROXY headers pass on every proxy" lb_checks_pass
  # S3 reads after writes; s3rver as published answers a PUT before the object is written (fakes/patches).
  check "0 the S3 stand-in returns an object whole right after its PUT, with object writes held back" "$here/fakes/put-then-get.sh"

  log "1. transparent: DNS override and SNI mode"
  out=$(client client all e2e-bucket 2>&1); echo "$out" | sed 's/^/    /'
  check "1 s3 and dynamodb through DNS override and SNI" grep -q "OK dynamodb-query" <<<"$out"
  check "1 proxies saw the client's own address" logged "client=${IP[client]}:"
  check "1 DynamoDB Streams keeps its VPC answer through corporate DNS (transparent zone)" \
    resolves_to client streams.dynamodb.us-east-1.amazonaws.com "${IP[aws]}"
  check "1 the DynamoDB endpoint itself is overridden" resolves_to client dynamodb.us-east-1.amazonaws.com "${IP[lb]}"

  log "1b. a second region: zones from generate, its own load balancer and proxy"
  check "1b eu-west-1 names resolve to that region's load balancer" resolves_to client e2e-eu-bucket.s3.eu-west-1.amazonaws.com "${IP[lbeu]}"
  check "1b us-east-1 names still resolve to their own" resolves_to client e2e-bucket.s3.us-east-1.amazonaws.com "${IP[lb]}"
  out=$(AWS_REGION=eu-west-1 client client s3 e2e-eu-bucket 2>&1); echo "$out" | tail -2 | sed 's/^/    /'
  check "1b the SDK in eu-west-1 reaches a bucket through that region's proxy" grep -q "OK delete-object" <<<"$out"
  check "1b the eu-west-1 proxy carried it" wait_for "proxy-eu log" 10 grep -q "mode=tls dest=e2e-eu-bucket.s3.eu-west-1.amazonaws.com:443 .*decision=allow" "$work/proxyeu.log"
  check "1b the us-east-1 proxies did not" bash -c "! grep -q 'e2e-eu-bucket' '$work/proxya.log' '$work/proxyb.log'"

  log "2. explicit proxy: HTTPS_PROXY through the load balancer"
  out=$(in_ns client env HTTPS_PROXY="http://${IP[lb]}:3128" SSL_CERT_FILE="$work/tls/ca.pem" "$work/bin/client/AwsClient" all e2e-proxied 2>&1); echo "$out" | sed 's/^/    /'
  check "2 s3 and dynamodb through CONNECT" grep -q "OK dynamodb-query" <<<"$out"
  check "2 proxies logged CONNECT tunnels" logged "mode=connect dest=e2e-proxied.s3.us-east-1.amazonaws.com:443"

  log "3. policy: guest is refused"
  out=$(timeout 120 bash -c "$(declare -f client in_ns); NS_PREFIX=$NS_PREFIX; work=$work; client guest s3 guest-bucket" 2>&1); echo "$out" | tail -2 | sed 's/^/    /'
  check "3 guest S3 requests fail" grep -q "FAILED" <<<"$out"
  out=$(timeout 120 bash -c "$(declare -f client in_ns); NS_PREFIX=$NS_PREFIX; work=$work; client guest dynamodb" 2>&1); echo "$out" | tail -1 | sed 's/^/    /'
  check "3 guest DynamoDB requests fail" grep -q "FAILED" <<<"$out"
  check "3 proxies logged the DynamoDB denial" logged "client=${IP[guest]}:[0-9]* mode=tls dest=dynamodb.us-east-1.amazonaws.com:443 decision=deny"
  check "3 proxies logged the denial" logged "client=${IP[guest]}:[0-9]* mode=tls dest=guest-bucket.s3.us-east-1.amazonaws.com:443 decision=deny"
  check "3 nothing reached aws" test ! -e "$work/s3data/guest-bucket"

  log "3b. doctor, from the corporate hosts"
  local doctor="$work/bin/proxy/Endpoints.Proxy"
  out=$(in_ns client "$doctor" doctor e2e-bucket.s3.us-east-1.amazonaws.com --dns "${IP[dnsa]}" --via "${IP[lb]}:3128" 2>&1); status=$?
  echo "$out" | sed 's/^/    /'
  check "3b doctor walks the allowed path ok at every step" test "$status" -eq 0
  out=$(in_ns guest "$doctor" doctor e2e-bucket.s3.us-east-1.amazonaws.com --dns "${IP[dnsa]}" --via "${IP[lb]}:3128" 2>&1)
  echo "$out" | grep '^3 ' | sed 's/^/    /'
  check "3b doctor finds the guest's refusal at the proxy (step 3)" grep -q "^3 proxy     fail" <<<"$out"
  out=$(in_ns client "$doctor" doctor bucket.s3.ap-south-1.amazonaws.com --dns "${IP[dnsa]}" --via "${IP[lb]}:3128" 2>&1)
  echo "$out" | grep '^[12] ' | sed 's/^/    /'
  check "3b doctor says a name outside our zones is not overridden (step 2)" grep -q "^2 our-dns   warn" <<<"$out"

  log "4. a proxy dies during 300 requests"
  client client loop e2e-bucket 300 > "$work/loop4.out" 2>&1 &
  local loop=$!
  sleep 2
  stop proxya KILL
  wait "$loop"; local status=$?
  tail -1 "$work/loop4.out" | sed 's/^/    /'
  check "4 loop of 300 finished with zero failed operations" test "$status" -eq 0
  check "4 load balancer stopped sending to proxy-a" wait_for "proxy-a down" 10 grep -q "proxya.*is DOWN" "$work/lb.log"
  start_proxy proxya
  wait_for "proxy-a back" 30 grep -q "proxya.*is UP" "$work/lb.log"

  log "5. a proxy drains during a 50 MB download"
  client client put-big e2e-bucket | sed 's/^/    /'
  client client get-big e2e-bucket > "$work/get5.out" 2>&1 &
  loop=$!
  local serving=""
  for _ in $(seq 50); do
    for host in proxya proxyb; do
      in_ns "$host" ss -tn state established "( dport = :443 )" | grep -q "${IP[aws]}" && serving=$host
    done
    [ -n "$serving" ] && break
    sleep 0.1
  done
  if [ -n "$serving" ]; then
    stop "$serving" TERM
    wait "$loop"; status=$?
    cat "$work/get5.out" | sed 's/^/    /'
    check "5 the download completed whole" grep -q "OK get-50mb-sha256" "$work/get5.out"
    check "5 $serving exited after its last tunnel" wait_for "$serving exit" 20 bash -c "! kill -0 ${PID[$serving]} 2>/dev/null"
    check "5 $serving drained without cutting tunnels" grep -q "Stopped; 0 tunnels were cut" "$work/$serving.log"
    out=$(client client s3 e2e-after-drain 2>&1)
    check "5 new requests go to the other proxy" grep -q "OK delete-object" <<<"$out"
    wait "${PID[$serving]}" 2>/dev/null; unset "PID[$serving]"
    start_proxy "$serving"; wait_for "$serving back" 30 ready "$serving"
  else
    wait "$loop"; fail "5 found the proxy carrying the download"
  fi

  log "6. a DNS instance dies during a stream of queries"
  # 80 names never asked before (no cache helps), one after another through corporate DNS; dns-a is killed after the
  # 20th. The corporate resolver retries the other forwarder, as it would behind the NLB when a target fails.
  local stream="$work/dns-stream.out"
  : > "$stream"
  in_ns client bash -c "for i in \$(seq 80); do a=\$(dig +short +time=2 +tries=2 s\$i.s3.us-east-1.amazonaws.com | head -1); echo \"\$i \${a:-none}\" >> '$stream'; done" &
  local streaming=$!
  wait_for "20 answers" 30 bash -c "[ \$(wc -l < '$stream') -ge 20 ]"
  stop dnsa KILL
  wait "$streaming"
  local lost
  lost=$(grep -cv " ${IP[lb]}\$" "$stream")
  echo "    $(wc -l < "$stream") queries, $lost without the load balancer's address"
  check "6 no query of the stream is lost when dns-a dies mid-stream (80 of 80)" test "$lost" -eq 0 -a "$(wc -l < "$stream")" -eq 80
  local ok=0
  for i in $(seq 10); do resolves_to client "b$i.s3.us-east-1.amazonaws.com" "${IP[lb]}" && ok=$((ok + 1)); done
  check "6 resolution keeps working through dns-b (10 of 10 names)" test "$ok" -eq 10

  log "7. a zone change goes from a pull request to every DNS server"
  start_dns dnsa
  wait_for "dns-a back" 30 serial_on dnsa 2026120400
  local pr="$work/zones-pr" dns="$work/bin/dns/Endpoints.DnsOverride"
  git clone -q "$work/zones-origin.git" "$pr"
  git -C "$pr" checkout -q -b public-address
  sed -i -e "s/${IP[lb]}\$/52.216.8.1/" -e "s/2026120400/2026120401/" "$pr/zones/s3.amazonaws.com.zone"
  git_e2e -C "$pr" commit -qam "a public address"
  out=$(cd "$pr" && "$dns" check zones 2>&1); status=$?
  echo "$out" | grep "52.216.8.1" | head -1 | sed 's/^/    /'
  refused_at_line() { [ "$1" -eq 1 ] && grep -q 'zones/s3.amazonaws.com.zone:[0-9]*: .* 52.216.8.1 is not a private address' <<<"$2"; }
  check "7 a PR with a public address fails the workflow's check at FILE:LINE" refused_at_line "$status" "$out"
  git -C "$pr" checkout -q -b lb-change main
  for file in "$pr"/zones/*.zone; do sed -i -e "s/${IP[lb]}\$/$NET.101/" -e "s/2026120400/2026120401/" "$file"; done
  git_e2e -C "$pr" commit -qam "move to the second load balancer address"
  out=$(cd "$pr" && "$dns" check zones >/dev/null && "$dns" diff --against origin/main zones --format markdown 2>&1); status=$?
  echo "$out" | grep -m1 "s3.amazonaws.com" | sed 's/^/    /'
  check "7 the load balancer change passes check and diff" test "$status" -eq 0
  check "7 its diff names the changed RRset" grep -qF "| ~ | \`@\` | A | 60 | \`${IP[lb]} → $NET.101\` |" <<<"$out"

  client client loop e2e-bucket 200 > "$work/loop7.out" 2>&1 &
  loop=$!
  git -C "$pr" push -q origin lb-change:main
  # The timer, every 5 s here (30 s in deploy/systemd).
  for host in dnsa dnsb; do
    bash -c "while true; do $(declare -f sync_zones); root=$root work=$work sync_zones $host; sleep 5; done" &
    PID[sync-$host]=$!
  done
  check "7 both DNS instances serve the new serial within the sync interval + 2 s" \
    wait_for "new serial" 7 bash -c "$(declare -f serial_on in_ns); NS_PREFIX=$NS_PREFIX; declare -A IP=([dnsa]=${IP[dnsa]} [dnsb]=${IP[dnsb]}); serial_on dnsa 2026120401 && serial_on dnsb 2026120401"
  check "7 corporate DNS serves the new address after the TTL" wait_for "new address" 90 resolves_to client mybucket.s3.amazonaws.com "$NET.101"
  wait "$loop"; status=$?
  grep "^request " "$work/loop7.out" | head -5 | sed 's/^/    /'
  tail -1 "$work/loop7.out" | sed 's/^/    /'
  check "7 no failed request during the change" test "$status" -eq 0
  out=$(client client s3 e2e-after-change 2>&1)
  check "7 clients work on the new address" grep -q "OK delete-object" <<<"$out"

  git -C "$pr" push -q -f origin public-address:main
  check "7 a force-pushed bad revision is refused by every sync" wait_for "refusal" 15 \
    bash -c "grep -q 'refused: check failed' '$work/sync-dnsa.log' && grep -q 'refused: check failed' '$work/sync-dnsb.log'"
  check "7 the last good zones stay in service" bash -c "$(declare -f serial_on in_ns); NS_PREFIX=$NS_PREFIX; declare -A IP=([dnsa]=${IP[dnsa]} [dnsb]=${IP[dnsb]}); serial_on dnsa 2026120401 && serial_on dnsb 2026120401"
  stop sync-dnsa KILL; stop sync-dnsb KILL

  log "8. a bad zone change lands"
  # Written straight into the revision dnsb serves, as a hand edit on the server would be (a sync would refuse it).
  printf 'this is not a record\n' >> "$work/sync-dnsb/zones/s3.amazonaws.com.zone"
  wait_for "error logged" 10 grep -q "s3.amazonaws.com.zone:[0-9]*:" "$work/dnsb.log"
  check "8 the server logged FILE:LINE" grep -q "s3.amazonaws.com.zone:[0-9]*:" "$work/dnsb.log"
  check "8 servers keep answering from the last good zone" resolves_to client other.s3.amazonaws.com "$NET.101"
  out=$("$work/bin/dns/Endpoints.DnsOverride" check "$work/sync-dnsb/zones" 2>&1); status=$?
  echo "$out" | grep "zone:" | head -2 | sed 's/^/    /'
  check "8 check fails on it with FILE:LINE" bash -c "[ $status -eq 1 ] && grep -q 's3.amazonaws.com.zone:[0-9]*: ' <<<'$out'"

  log "9. who: the guest host, refused as anonymous in 3, with alice's and bob's Kerberos tickets"
  login alice && login bob || fail "9 kinit"
  sdk_as() { # user bucket: the SDK through HTTPS_PROXY, offering the user's ticket to the proxy
    in_ns guest env KRB5_CONFIG="$work/krb/krb5.conf" KRB5CCNAME="FILE:$work/krb/$1.cc" HTTPS_PROXY=http://proxy.corp.example:3128 \
      PROXY_NEGOTIATE=1 SSL_CERT_FILE="$work/tls/ca.pem" DOTNET_CLI_TELEMETRY_OPTOUT=1 timeout 120 "$work/bin/client/AwsClient" s3 "$2" 2>&1
  }
  out=$(sdk_as alice e2e-alice); echo "$out" | tail -1 | sed 's/^/    /'
  check "9 alice's SDK reaches S3 through the proxy" grep -q "OK delete-object" <<<"$out"
  check "9 proxies logged alice's tunnels" logged "mode=connect dest=e2e-alice.s3.us-east-1.amazonaws.com:443 .* decision=allow rule=named-users .* user=alice@CORP.EXAMPLE"
  out=$(sdk_as bob e2e-bob); echo "$out" | tail -1 | sed 's/^/    /'
  check "9 bob's SDK requests fail" grep -q "FAILED" <<<"$out"
  check "9 proxies logged bob's denial" logged "client=${IP[guest]}:[0-9]* mode=connect dest=e2e-bob.s3.us-east-1.amazonaws.com:443 decision=deny .* user=bob@CORP.EXAMPLE"
  check "9 nothing of bob's reached aws" test ! -e "$work/s3data/e2e-bob"

  log "10. chaos under SDK load: instances killed and frozen, reloads and a zone change, with the SDK's default retries"
  # Four SDK clients put and get S3 objects and DynamoDB items for 75 s while the faults below follow one another
  # on a fixed schedule (the schedule is the experiment; nothing here waits for readiness by sleeping).
  local chaos="$work/chaos.csv" faults="$work/chaos-faults"
  : > "$faults"
  client client chaos 75 4 "$chaos" > "$work/chaos.out" 2>&1 &
  local load=$!
  fault() { echo "$(date +%s%3N) $1" >> "$faults"; }
  sleep 10; fault "kill -9 dns-a (restarted 5 s later)"; stop dnsa KILL
  sleep 5; start_dns dnsa
  sleep 5; fault "kill -9 proxy-a (restarted 5 s later)"; stop proxya KILL
  sleep 5; start_proxy proxya
  sleep 5; fault "SIGSTOP proxy-b for 10 s"; stop proxyb STOP
  sleep 10; stop proxyb CONT
  sleep 5; fault "zones and policy reloaded (SIGHUP to all four)"; for host in dnsa dnsb proxya proxyb; do stop "$host" HUP; done
  sleep 5; fault "a zone change through zones-sync"
  git -C "$pr" checkout -q lb-change
  sed -i "s/2026120401/2026120402/" "$pr"/zones/*.zone
  git_e2e -C "$pr" commit -qam "serial 2026120402"
  git -C "$pr" push -q -f origin lb-change:main
  sync_zones dnsa; sync_zones dnsb
  wait "$load"; status=$?
  sed 's/^/    /' "$work/chaos.out" | tail -12
  python3 - "$chaos" "$faults" <<'PY' | sed 's/^/    /'
import sys
calls = [tuple(map(float, line.split(','))) for line in open(sys.argv[1])]
faults = [(int(line.split(' ', 1)[0]), line.split(' ', 1)[1].strip()) for line in open(sys.argv[2])]
def p99(window):
    values = sorted(ms for _, ms, _ in window)
    return values[min(len(values) - 1, int(len(values) * 0.99))] if values else float('nan')
base = [c for c in calls if c[0] < faults[0][0]]
print(f"{'window':48} {'calls':>6} {'failed':>6} {'p99 ms':>8} {'added':>8}")
print(f"{'before the first fault':48} {len(base):6} {sum(1 for c in base if not c[2]):6} {p99(base):8.0f} {'':>8}")
for at, what in faults:
    # Every call in flight during the 10 s after the fault, including those it held up.
    window = [c for c in calls if c[0] < at + 10000 and c[0] + c[1] >= at]
    print(f"{what + ' (10 s)':48} {len(window):6} {sum(1 for c in window if not c[2]):6} {p99(window):8.0f} {p99(window) - p99(base):+8.0f}")
PY
  check "10 no SDK call failed after the SDK's own retries (4 clients, 75 s, 5 faults)" test "$status" -eq 0
  check "10 both DNS instances serve the zone change" \
    wait_for "serial 2026120402" 15 bash -c "$(declare -f serial_on in_ns); NS_PREFIX=$NS_PREFIX; declare -A IP=([dnsa]=${IP[dnsa]} [dnsb]=${IP[dnsb]}); serial_on dnsa 2026120402 && serial_on dnsb 2026120402"
}

SECONDS=0
main
log "done in ${SECONDS}s"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
