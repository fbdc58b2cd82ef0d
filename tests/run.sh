#!/usr/bin/env bash
# Runs every test: installs the Debian packages the integration tests drive when they are missing (as root),
# checks formatting, builds in Release, runs xunit, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(bind9 bind9-utils bind9-dnsutils haproxy curl unbound git prometheus systemd gcc pdns-recursor knot-resolver dnsmasq krb5-kdc krb5-admin-server krb5-user
          systemd-container mmdebstrap afl++)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# named and haproxy are started by the tests themselves on loopback ports; the packaged services are not needed.
for service in named haproxy unbound prometheus prometheus-node-exporter; do pidof "$service" >/dev/null && [ -x "/etc/init.d/$service" ] && "/etc/init.d/$service" stop >/dev/null 2>&1; done || true

# The CDK CLI the deployment tests drive, and cdk-nag that lints its template, at the versions their lock files pin.
[ -x deploy/aws/node_modules/.bin/cdk ] || npm ci --prefix deploy/aws --no-audit --no-fund >/dev/null
[ -d deploy/aws/nag/node_modules/cdk-nag ] || npm ci --prefix deploy/aws/nag --no-audit --no-fund >/dev/null

dotnet format Endpoints.sln --verify-no-changes
dotnet build Endpoints.sln -c Release -nologo -v quiet

log=$(mktemp)
suite_log=$(mktemp)
trap 'rm -f "$log" "$suite_log"' EXIT
set +e
# A test that hangs fails after 5 minutes, named, instead of holding the run until CI gives up.
dotnet test Endpoints.sln -c Release --no-build -nologo --blame-hang-timeout 5m --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
read -r passed failed < <(awk '/^(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) }
  } END { print p + 0, f + 0 }' "$log")
echo "unit and integration: $passed passed, $failed failed"

# The end-to-end test and the boot simulation build their own network namespaces, so they need root.
if [ "$(id -u)" -ne 0 ]; then
  echo "tests/e2e/run.sh needs root (network namespaces): run tests/run.sh as root" >&2
  exit 1
fi

suite() { # NAME COMMAND...: runs a suite that ends with "NAME: N passed, N failed" and adds its counts (1 failure if it has none)
  local name=$1 suite_status suite_passed suite_failed
  shift
  set +e
  "$@" 2>&1 | tee "$suite_log"
  suite_status=${PIPESTATUS[0]}
  set -e
  read -r suite_passed suite_failed < <(awk -v n="$name:" '$1 == n && $3 == "passed," && $5 == "failed" { print $2, $4 }' "$suite_log")
  passed=$((passed + ${suite_passed:-0}))
  failed=$((failed + ${suite_failed:-1}))
  [ "$suite_status" -eq 0 ] || status=1
}
suite e2e tests/e2e/run.sh
# The stack's instances booted under a real systemd (systemd-nspawn), also in network namespaces of its own.
suite boot tests/boot/run.sh
# Every parser under AFL++ for about 20,000 executions each (bench/fuzz.sh runs them for minutes or hours).
suite fuzz bench/fuzz.sh --execs 20000
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ]
