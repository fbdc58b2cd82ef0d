#!/usr/bin/env bash
# Boot simulation: the AWS stack's instances booted with a real systemd as PID 1 (systemd-nspawn), each in a network
# namespace of its own on a simulated VPC (10.200.0.0/16, the shipped zones' addresses):
#   aws (10.200.0.2 the VPC resolver: dnsmasq; 10.200.1.200 S3: HAProxy TLS -> s3rver holding the release artifact)
#   dnsi (10.200.0.53) and proxyi (10.200.0.21): Debian with systemd, a fake IMDSv2 at 169.254.169.254 in each
#   lb (10.200.0.10 and 10.200.1.10: HAProxy as the NLB, PROXY v2 to the proxy, checks /readyz with check-send-proxy)
#   client (10.201.0.10, the corporate network): the AWS SDK for .NET, resolving through the DNS instance
# Each instance runs the user data of the stack's synthesized template, as cloud-init would at first boot. What
# stands in for Amazon Linux: `dnf` (the packages are in the image) and `cfn-signal` (it records the signal).
# Needs root. The Debian image is cached in $BOOT_CACHE (default /var/cache/endpoints-boot). Ends with one
# "boot: N passed, N failed" line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/endpoints-boot.XXXXXX)
chmod 755 "$work"
cache=${BOOT_CACHE:-/var/cache/endpoints-boot}
HOSTS=(aws lb client dnsi proxyi)
declare -A IP=([aws]=10.200.0.2 [s3]=10.200.1.200 [lb]=10.200.0.10 [lb2]=10.200.1.10 [client]=10.201.0.10 [dnsi]=10.200.0.53 [proxyi]=10.200.0.21)
BUCKET=boot-releases
ARTIFACT=endpoints-1.0.0-linux-x64.tar.xz
NS_PREFIX=eb BRIDGE=ebbr0
. "$root/tests/netns.sh"

cleanup() {
  for instance in dnsi proxyi; do halt "$instance"; done
  netns_remove
  if [ "${KEEP_BOOT:-}" = "" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

tools() {
  local missing=()
  for tool in systemd-nspawn:systemd-container mmdebstrap:mmdebstrap haproxy:haproxy dnsmasq:dnsmasq dig:bind9-dnsutils \
              ip:iproute2 openssl:openssl node:nodejs npm:npm curl:curl patch:patch; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ -d "$root/tests/e2e/fakes/node_modules/s3rver" ] || (cd "$root/tests/e2e/fakes" && npm ci --no-audit --no-fund --silent >/dev/null)
  dotnet build "$root/tests/e2e/AwsClient" -c Release -o "$work/bin/client" -v quiet -nologo >/dev/null
  dotnet build "$root/deploy/aws" -c Release -o "$work/bin/cdk" -v quiet -nologo >/dev/null
}

# The "AMI": Debian bookworm with systemd, and what the user data calls (the AWS CLI, curl, git), built once and cached.
PACKAGES=systemd,systemd-sysv,systemd-resolved,dbus,iproute2,procps,libicu72,ca-certificates,curl,git,awscli,xz-utils
image() {
  local key
  key=$(echo "bookworm $PACKAGES" | sha256sum | cut -c1-12)
  IMAGE=$cache/bookworm-$key.tar
  [ -s "$IMAGE" ] && return 0
  mkdir -p "$cache"
  log "building the instance image (Debian bookworm with systemd) into $IMAGE"
  mmdebstrap --quiet --variant=minbase --format=tar --include="$PACKAGES" bookworm "$IMAGE.new" >/dev/null 2>&1 || return 1
  mv "$IMAGE.new" "$IMAGE"
}

network() {
  ip link add ebbr0 type bridge && ip link set ebbr0 up
  for host in "${HOSTS[@]}"; do
    ip netns add "eb-$host"
    ip link add "ebv-$host" type veth peer name eth0 netns "eb-$host"
    ip link set "ebv-$host" master ebbr0 up
    in_ns "$host" ip link set lo up
    in_ns "$host" ip link set eth0 up
  done
  in_ns aws ip addr add "${IP[aws]}/16" dev eth0
  in_ns aws ip addr add "${IP[s3]}/16" dev eth0
  in_ns lb ip addr add "${IP[lb]}/16" dev eth0
  in_ns lb ip addr add "${IP[lb2]}/16" dev eth0
  in_ns dnsi ip addr add "${IP[dnsi]}/16" dev eth0
  in_ns proxyi ip addr add "${IP[proxyi]}/16" dev eth0
  in_ns client ip addr add "${IP[client]}/16" dev eth0
  # One segment: the corporate network and the VPC reach each other on-link, as through a VPN attachment.
  in_ns client ip route add 10.200.0.0/16 dev eth0
  for host in aws lb dnsi proxyi; do in_ns "$host" ip route add 10.201.0.0/16 dev eth0; done
  # The instance metadata service's link-local address, inside each instance's namespace only.
  for host in dnsi proxyi; do in_ns "$host" ip addr add 169.254.169.254/32 dev lo; done
}

certificates() {
  local c=$work/tls
  mkdir -p "$c"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=Endpoints boot simulation CA" \
    -keyout "$c/ca.key" -out "$c/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=s3.amazonaws.com" -keyout "$c/s3.key" -out "$c/s3.csr" 2>/dev/null
  printf 'subjectAltName=DNS:s3.amazonaws.com,DNS:*.s3.amazonaws.com,DNS:s3.us-east-1.amazonaws.com,DNS:*.s3.us-east-1.amazonaws.com\nextendedKeyUsage=serverAuth\n' > "$c/ext"
  openssl x509 -req -in "$c/s3.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" -CAcreateserial -days 2 -extfile "$c/ext" -out "$c/s3.crt" 2>/dev/null
  cat "$c/s3.crt" "$c/s3.key" > "$c/s3.pem"
}

# AWS's side: the VPC resolver answers every amazonaws.com name with the S3 stand-in (the gateway endpoint's route),
# and S3 is s3rver behind TLS.
aws_side() {
  start vpc-resolver aws dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address="${IP[aws]}" \
    --address=/amazonaws.com/"${IP[s3]}" --log-queries
  mkdir -p "$work/s3data"
  start s3rver aws node "$root/tests/e2e/fakes/node_modules/.bin/s3rver" -d "$work/s3data" -a 127.0.0.1 -p 4568 --silent --allow-mismatched-signatures
  cat > "$work/s3-haproxy.cfg" <<CFG
global
    log stdout format short local0 info
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
frontend s3
    bind ${IP[s3]}:443 ssl crt $work/tls/s3.pem
    default_backend s3rver
backend s3rver
    server s3rver 127.0.0.1:4568
CFG
  start s3-haproxy aws haproxy -db -f "$work/s3-haproxy.cfg"
  wait_for s3rver 30 in_ns aws curl -sf http://127.0.0.1:4568/ || return 1
  wait_for "S3 over TLS" 30 in_ns aws curl -sf --cacert "$work/tls/ca.pem" --resolve "s3.amazonaws.com:443:${IP[s3]}" https://s3.amazonaws.com/
}

# The release artifact in "S3", where the stack's input says it is.
upload() { # tarball
  in_ns aws curl -sf -X PUT "http://127.0.0.1:4568/$BUCKET" >/dev/null
  in_ns aws curl -sf -X PUT --data-binary "@$1" "http://127.0.0.1:4568/$BUCKET/$ARTIFACT" >/dev/null
}

# The stack as `cdk synth` makes it for this VPC; each instance's user data is read out of its launch template.
synthesize() {
  cat > "$work/context.json" <<JSON
{ "endpoints": {
    "stackName": "Endpoints", "region": "us-east-1", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "10.200.0.0/16",
    "subnets": [
      { "id": "subnet-0aaaaaaaaaaaaaaa1", "availabilityZone": "us-east-1a", "cidr": "10.200.0.0/24",
        "routeTableId": "rtb-0aaaaaaaaaaaaaaa1", "loadBalancerAddress": "${IP[lb]}" },
      { "id": "subnet-0bbbbbbbbbbbbbbb2", "availabilityZone": "us-east-1b", "cidr": "10.200.1.0/24",
        "routeTableId": "rtb-0bbbbbbbbbbbbbbb2", "loadBalancerAddress": "${IP[lb2]}" } ],
    "corporateCidrs": [ "10.201.0.0/16" ],
    "proxies": { "instanceType": "t3.small", "min": 2, "max": 4 },
    "dnsServers": { "instanceType": "t3.small", "min": 2, "max": 4 },
    "artifact": "s3://$BUCKET/$ARTIFACT",
    "prefixLists": { "s3": "pl-63a5400a", "dynamodb": "pl-02cd2c6b" },
    "s3InterfaceEndpoint": true } }
JSON
  # (jsii's banner about this machine's Node.js version is not this test's business.)
  CDK_OUTDIR="$work/cdk.out" CDK_CONTEXT_JSON="$(cat "$work/context.json")" dotnet "$work/bin/cdk/Endpoints.Aws.dll" 2> >(grep -v '^!!' >&2) >/dev/null ||
    return 1
  node -e '
    const template = require(process.argv[1]);
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== "AWS::EC2::LaunchTemplate") continue;
      const data = resource.Properties.LaunchTemplateData;
      const role = id.startsWith("Proxies") ? "proxyi" : id.startsWith("DnsServers") ? "dnsi" : null;
      if (!role || typeof data.UserData["Fn::Base64"] !== "string") throw new Error(`unexpected launch template ${id}`);
      require("fs").writeFileSync(`${process.argv[2]}/${role}.user-data`, data.UserData["Fn::Base64"], { mode: 0o755 });
      require("fs").writeFileSync(`${process.argv[2]}/${role}.imds`, JSON.stringify(data.MetadataOptions ?? {}));
    }' "$work/cdk.out/Endpoints.template.json" "$work"
}

# One instance's disk: the image, plus what EC2 and Amazon Linux would provide around the user data.
disk() { # instance
  local disk=$work/$1-root
  mkdir -p "$disk"
  tar -C "$disk" -xf "$IMAGE"
  echo "$1" > "$disk/etc/hostname"
  # DHCP's domain-name-servers option: the VPC resolver.
  mkdir -p "$disk/etc/systemd/resolved.conf.d"
  printf '[Resolve]\nDNS=%s\n' "${IP[aws]}" > "$disk/etc/systemd/resolved.conf.d/vpc.conf"
  ln -sf ../run/systemd/resolve/stub-resolv.conf "$disk/etc/resolv.conf"
  cp "$work/tls/ca.pem" "$disk/usr/local/share/ca-certificates/boot-simulation-ca.crt"
  chroot "$disk" update-ca-certificates >/dev/null 2>&1
  # Amazon Linux's package manager: what the user data installs is already in the image; anything else fails.
  cat > "$disk/usr/local/bin/dnf" <<'SH'
#!/bin/sh
# dnf install -y -q PACKAGE...: the boot simulation's image has these packages already.
shift
for package in "$@"; do
  case "$package" in -*) ;; aws-cfn-bootstrap) [ -x /opt/aws/bin/cfn-signal ] || exit 1 ;; git) command -v git >/dev/null || exit 1 ;;
    xz) command -v xz >/dev/null || exit 1 ;;
    *) echo "dnf: no package $package in the boot simulation's image" >&2; exit 1 ;; esac
done
SH
  mkdir -p "$disk/opt/aws/bin"
  # cfn-signal sends the signal to CloudFormation; here it writes it down for the test.
  printf '#!/bin/sh\necho "$*" >> /var/log/cfn-signal.log\n' > "$disk/opt/aws/bin/cfn-signal"
  chmod 755 "$disk/usr/local/bin/dnf" "$disk/opt/aws/bin/cfn-signal"
  # cloud-init's part: the user data runs once the network is up, as root, logged.
  mkdir -p "$disk/var/lib/cloud/instance"
  install -m 0700 "$work/$1.user-data" "$disk/var/lib/cloud/instance/user-data.txt"
  cat > "$disk/etc/systemd/system/user-data.service" <<'UNIT'
[Unit]
Description=The instance's user data (cloud-init's cloud-final stand-in)
Wants=network-online.target
After=network-online.target systemd-resolved.service
[Service]
Type=oneshot
RemainAfterExit=yes
# The AWS CLI trusts its own CA bundle, which has S3's real issuers; the S3 stand-in's CA is in the system's.
Environment=AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
ExecStart=/var/lib/cloud/instance/user-data.txt
[Install]
WantedBy=multi-user.target
UNIT
  ln -sf /etc/systemd/system/user-data.service "$disk/etc/systemd/system/multi-user.target.wants/user-data.service"
}

boot() { # instance: boots its disk with systemd as PID 1 in its namespace (its IMDS outlives a reboot)
  if [ -z "${PID[$1-imds]:-}" ]; then
    start "$1-imds" "$1" node "$here/imds.js" 169.254.169.254 "Endpoints-$1-role" S3RVER S3RVER
    wait_for "$1 IMDS" 10 grep -q "imds listening" "$work/$1-imds.log" || return 1
  fi
  systemd-nspawn --quiet --directory="$work/$1-root" --boot --machine="boot-$1" --register=no --keep-unit \
    --network-namespace-path="/var/run/netns/eb-$1" --resolv-conf=off --console=passive > "$work/$1-console.log" 2>&1 &
  PID[$1]=$!
  wait_for "$1 systemd" 60 leader "$1"
}

leader() { # instance: prints the host PID of the instance's PID 1, systemd-nspawn's child
  [ -n "${PID[$1]:-}" ] && pgrep -P "${PID[$1]}" -x systemd
}

on() { # instance command...: runs a command inside the instance, as its own root
  local pid
  pid=$(leader "$1") || return 1
  shift
  nsenter --target "$pid" --all -- "$@"
}

halt() { # instance: shuts the instance down cleanly if it runs
  local pid=${PID[$1]:-}
  [ -n "$pid" ] || return 0
  on "$1" systemctl poweroff --no-block >/dev/null 2>&1
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset "PID[$1]"
}

booted() { # instance: the user data ran to its end
  [ "$(on "$1" systemctl show -P ActiveState user-data.service)" = active ]
}

user_data_done() { # instance: the user data finished, one way or the other
  local state
  state=$(on "$1" systemctl show -P ActiveState user-data.service 2>/dev/null) || return 1
  [ "$state" = active ] || [ "$state" = failed ]
}

signalled_success() { on "$1" grep -q -- "--success true" /var/log/cfn-signal.log; }

main_pid() { on "$1" systemctl show -P MainPID "$2"; }

status_of() { # instance unit field: a field of the unit's main process's /proc status, as the kernel enforces it
  local pid
  pid=$(main_pid "$1" "$2") && [ "$pid" != 0 ] && on "$1" awk -v f="$3:" '$1 == f { print $2 }' "/proc/$pid/status"
}

hardened() { # instance unit capabilities: the running main process is confined as the unit says
  local pid unit=$2
  pid=$(main_pid "$1" "$unit") && [ "$pid" != 0 ] || return 1
  [ "$(status_of "$1" "$unit" NoNewPrivs)" = 1 ] || { echo "$unit: NoNewPrivs off" >&2; return 1; }
  [ "$(status_of "$1" "$unit" Seccomp)" = 2 ] || { echo "$unit: no seccomp filter" >&2; return 1; }
  [ "$(status_of "$1" "$unit" CapBnd)" = "$3" ] || { echo "$unit: bounding set $(status_of "$1" "$unit" CapBnd), not $3" >&2; return 1; }
  [ "$(on "$1" awk '$1 == "Uid:" { print $2 }' "/proc/$pid/status")" != 0 ] || { echo "$unit: runs as root" >&2; return 1; }
  # ProtectSystem=strict and PrivateTmp: its mount namespace has / read-only and a /tmp of its own (first, that the
  # test can enter that namespace at all, so that a failure to enter is not taken for a refusal).
  on "$1" nsenter --target "$pid" --mount -- test -x /bin/sh || { echo "$unit: cannot enter its mount namespace" >&2; return 1; }
  on "$1" nsenter --target "$pid" --mount -- sh -c 'touch /usr/boot-simulation 2>/dev/null' && { echo "$unit: /usr writable" >&2; return 1; }
  on "$1" nsenter --target "$pid" --mount -- sh -c 'touch /etc/boot-simulation 2>/dev/null' && { echo "$unit: /etc writable" >&2; return 1; }
  on "$1" touch /tmp/boot-simulation-host-tmp
  on "$1" nsenter --target "$pid" --mount -- test -e /tmp/boot-simulation-host-tmp && { echo "$unit: shares the host's /tmp" >&2; return 1; }
  return 0
}

journal_has() { on "$1" journalctl -q -o cat -u "$2" --grep "$3" >/dev/null; }

log "installing and building"
tools || exit 1
image || { echo "could not build the instance image" >&2; exit 1; }
log "packaging the release"
DIST="$work/dist" "$root/deploy/package.sh" 1.0.0 x64 >/dev/null || exit 1
network
certificates
aws_side || { tail -5 "$work"/s3*.log; exit 1; }
upload "$work/dist/$ARTIFACT" || exit 1
synthesize || { echo "cdk synth failed" >&2; exit 1; }
check "0 the launch templates require IMDSv2" grep -q '"HttpTokens":"required"' "$work/proxyi.imds"

log "booting the DNS instance and the proxy instance"
for instance in dnsi proxyi; do disk "$instance"; boot "$instance" || { tail -20 "$work/$instance-console.log"; exit 1; }; done
for instance in dnsi proxyi; do
  wait_for "$instance user data" 240 user_data_done "$instance"
  check "1 $instance: the user data ran to its end" booted "$instance" || on "$instance" tail -30 /var/log/endpoints-bootstrap.log
  check "1 $instance: it signalled CloudFormation success after /readyz" signalled_success "$instance"
  check "1 $instance: the AWS CLI took its credentials from IMDSv2 (token, then the role)" \
    grep -q "GET /latest/meta-data/iam/security-credentials/Endpoints-$instance-role 200" "$work/$instance-imds.log"
done
check "1 IMDSv1 (no token) is refused" [ "$(in_ns proxyi curl -s -o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/)" = 401 ]

log "the services under systemd, confined as their units say"
check "2 endpoints-dns is active under systemd" [ "$(on dnsi systemctl is-active endpoints-dns)" = active ]
check "2 endpoints-proxy is active under systemd" [ "$(on proxyi systemctl is-active endpoints-proxy)" = active ]
# CapBnd: CAP_NET_BIND_SERVICE (bit 10) alone for the DNS server, nothing for the proxy.
check "2 endpoints-dns runs confined (no new privileges, seccomp, port 53 its only capability, read-only system, own /tmp)" \
  hardened dnsi endpoints-dns 0000000000000400
check "2 endpoints-proxy runs confined (no new privileges, seccomp, no capability, read-only system, own /tmp)" \
  hardened proxyi endpoints-proxy 0000000000000000

log "the DNS instance answers the zones; the load balancer checks the proxy"
echo "nameserver ${IP[dnsi]}" > "$work/client-resolv.conf"
mkdir -p /etc/netns/eb-client && cp "$work/client-resolv.conf" /etc/netns/eb-client/resolv.conf
answers() { in_ns client dig +short +time=2 +tries=2 @"${IP[dnsi]}" "$1" | sort | tr '\n' ' '; }
check "3 the DNS instance answers an S3 name with the load balancer's addresses" \
  [ "$(answers "$BUCKET.s3.us-east-1.amazonaws.com")" = "${IP[lb]} ${IP[lb2]} " ]
check "3 and forwards other names to the VPC resolver" [ "$(answers sts.amazonaws.com)" = "${IP[s3]} " ]
cat > "$work/lb.cfg" <<CFG
global
    log stdout format short local0 info
    stats socket ipv4@127.0.0.1:9999 level operator
defaults
    log global
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
frontend tls
    bind ${IP[lb]}:443
    bind ${IP[lb2]}:443
    default_backend proxies
backend proxies
    option httpchk GET /readyz
    server proxyi ${IP[proxyi]}:8443 send-proxy-v2 check port 8080 check-send-proxy inter 500 fall 2 rise 2
CFG
start lb lb haproxy -db -f "$work/lb.cfg"
lb_up() { # HAProxy's view: the proxy UP after a passed HTTP check that carried a PROXY v2 header, as the NLB's does
  local stat
  stat=$(in_ns lb bash -c 'exec 3<>/dev/tcp/127.0.0.1/9999; echo "show stat" >&3; cat <&3') || return 1
  awk -F, '$1 == "proxies" && $2 == "proxyi" && $18 == "UP" && $37 == "L7OK"' <<<"$stat" | grep -q .
}
check "3 the load balancer's check (PROXY v2, GET /readyz) passes" wait_for "load balancer check" 30 lb_up

log "an AWS SDK call through the booted proxy"
sdk() { in_ns client env SSL_CERT_FILE="$work/tls/ca.pem" DOTNET_CLI_TELEMETRY_OPTOUT=1 timeout 120 "$work/bin/client/AwsClient" s3 "$1" 2>&1; }
out=$(sdk boot-sdk); echo "$out" | sed 's/^/    /'
check "4 the SDK's S3 calls through DNS instance -> load balancer -> proxy instance -> S3 succeed" grep -q "OK delete-object" <<<"$out"
check "4 the proxy logged the tunnel it relayed" \
  wait_for "tunnel line" 10 journal_has proxyi endpoints-proxy "mode=tls dest=boot-sdk.s3.us-east-1.amazonaws.com:443 .*decision=allow"
rate_limit() { on "$1" systemctl show -p LogRateLimitIntervalUSec -p LogRateLimitBurst --value "$2" | paste -sd/; }
check "4 systemd runs both services with journald's limit at a million lines a second (no line dropped)" \
  [ "$(rate_limit proxyi endpoints-proxy) $(rate_limit dnsi endpoints-dns)" = "1s/1000000 1s/1000000" ]

log "systemctl stop drains a download in flight"
download() { # the release artifact through the load balancer, at a bounded rate so that it is in flight for seconds
  in_ns client curl -sf --cacert "$work/tls/ca.pem" --limit-rate 8M -o "$work/download" \
    "https://$BUCKET.s3.us-east-1.amazonaws.com/$ARTIFACT"
}
download & downloading=$!
relaying() { in_ns proxyi ss -Htn state established dst "${IP[s3]}" | grep -q .; }
if wait_for "the download to start" 20 relaying; then
  stop_started=$SECONDS
  on proxyi systemctl stop endpoints-proxy
  stop_took=$((SECONDS - stop_started))
  wait "$downloading"; status=$?
  check "5 the download in flight finished whole during the stop" \
    [ "$status" -eq 0 ] && cmp -s "$work/download" "$work/dist/$ARTIFACT"
  check "5 the stop waited for it ($stop_took s) and ended cleanly within TimeoutStopSec" \
    [ "$(on proxyi systemctl show -P Result endpoints-proxy)" = success ] && [ "$stop_took" -lt 330 ] && [ "$stop_took" -ge 1 ]
  check "5 no tunnel was cut" journal_has proxyi endpoints-proxy "Stopped; 0 tunnels were cut"
else
  wait "$downloading"; fail "5 the download did not go through the proxy"
fi
on proxyi systemctl start endpoints-proxy

log "systemctl reload, and a crash"
node -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync(process.argv[1]));
  p.rules.push({ name: "boot-simulation-reload", action: "deny", sources: ["10.201.0.99/32"], destinations: ["*.amazonaws.com"], ports: [443] });
  fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2));' "$work/proxyi-root/etc/endpoints/policy.json"
before=$(main_pid proxyi endpoints-proxy)
on proxyi systemctl reload endpoints-proxy
check "6 reload re-reads the policy (2 rules now) in the same process" \
  wait_for "policy reload" 10 journal_has proxyi endpoints-proxy "Policy loaded from .*policy.json \(.*\): 2 rules"
check "6 and keeps the process" [ "$(main_pid proxyi endpoints-proxy)" = "$before" ]
on proxyi kill -9 "$before"
restarted() { local pid; pid=$(main_pid proxyi endpoints-proxy); [ "$pid" != 0 ] && [ "$pid" != "$before" ] && [ "$(on proxyi systemctl is-active endpoints-proxy)" = active ]; }
check "6 kill -9: systemd restarts it (Restart=always)" wait_for "restart" 30 restarted
check "6 and it serves again" wait_for "load balancer check" 30 lb_up
out=$(sdk boot-after-crash)
check "6 an SDK call after the restart succeeds" grep -q "OK delete-object" <<<"$out"

log "upgrade: the next boot installs a changed artifact and keeps edited settings"
# An operator's edit: the proxy's settings file gains a shorter handshake timeout.
node -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync(process.argv[1]));
  p.Proxy.HandshakeTimeout = "00:00:09"; fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2));' "$work/proxyi-root/etc/endpoints/proxy.json"
cp "$work/proxyi-root/etc/endpoints/proxy.json" "$work/edited-proxy.json"
mkdir -p "$work/v2" && tar -C "$work/v2" -xJf "$work/dist/$ARTIFACT"
mv "$work/v2/endpoints-1.0.0" "$work/v2/endpoints-1.0.1" && echo 1.0.1 > "$work/v2/endpoints-1.0.1/VERSION"
tar -C "$work/v2" -cJf "$work/v2.tar.xz" endpoints-1.0.1
upload "$work/v2.tar.xz"
halt proxyi
boot proxyi || exit 1
wait_for "proxyi user data" 240 user_data_done proxyi
check "7 the second boot's user data ran to its end" booted proxyi
check "7 it installed the changed artifact" [ "$(on proxyi cat /opt/endpoints/VERSION)" = 1.0.1 ]
check "7 the edited settings file was kept" cmp -s "$work/edited-proxy.json" "$work/proxyi-root/etc/endpoints/proxy.json"
check "7 the shipped one put beside it" test -s "$work/proxyi-root/etc/endpoints/proxy.json.dist"
check "7 endpoints-proxy runs the new release, with no restart loop" \
  [ "$(on proxyi systemctl is-active endpoints-proxy)" = active ] && [ "$(on proxyi systemctl show -P NRestarts endpoints-proxy)" = 0 ]
check "7 the load balancer's check passes again" wait_for "load balancer check" 60 lb_up
out=$(sdk boot-after-upgrade)
check "7 an SDK call through the upgraded proxy succeeds" grep -q "OK delete-object" <<<"$out"

echo "boot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
