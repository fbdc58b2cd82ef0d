#!/usr/bin/env bash
# Runs every test: installs the Debian packages the integration tests drive when they are missing (as root),
# checks formatting, builds in Release, runs xunit, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(bind9 bind9-utils bind9-dnsutils haproxy curl unbound git prometheus systemd gcc pdns-recursor knot-resolver dnsmasq krb5-kdc krb5-admin-server krb5-user)
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
e2e_log=$(mktemp)
boot_log=$(mktemp)
trap 'rm -f "$log" "$e2e_log" "$boot_log"' EXIT
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
set +e
tests/e2e/run.sh 2>&1 | tee "$e2e_log"
e2e_status=${PIPESTATUS[0]}
set -e
read -r e2e_passed e2e_failed < <(awk '/^e2e: [0-9]+ passed, [0-9]+ failed$/ { print $2, $4 }' "$e2e_log")
passed=$((passed + ${e2e_passed:-0}))
failed=$((failed + ${e2e_failed:-1}))

# The stack's instances booted under a real systemd (systemd-nspawn), also in network namespaces of its own.
set +e
tests/boot/run.sh 2>&1 | tee "$boot_log"
boot_status=${PIPESTATUS[0]}
set -e
read -r boot_passed boot_failed < <(awk '/^boot: [0-9]+ passed, [0-9]+ failed$/ { print $2, $4 }' "$boot_log")
passed=$((passed + ${boot_passed:-0}))
failed=$((failed + ${boot_failed:-1}))
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$boot_status" -eq 0 ]
