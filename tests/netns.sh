# What tests/e2e/run.sh and tests/boot/run.sh share: PASS/FAIL counting, processes started in the network namespaces
# they create (named NS_PREFIX-HOST, on the bridge BRIDGE), and the removal of all of it. Sourced once the script has
# set NS_PREFIX, BRIDGE, HOSTS and work.
declare -A PID
passed=0
failed=0

log() { echo "[$(date +%T)] $*"; }
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
in_ns() { local ns=$1; shift; ip netns exec "$NS_PREFIX-$ns" "$@"; }

start() { # name ns command...: nsenter execs the command, so the PID recorded is the server's own; output in $work/name.log
  local name=$1 ns=$2; shift 2
  nsenter --net="/var/run/netns/$NS_PREFIX-$ns" "$@" >"$work/$name.log" 2>&1 &
  PID[$name]=$!
}

wait_for() { # description seconds command...: polls until the command succeeds
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $what" >&2
  return 1
}

netns_remove() { # every process this test started, then its namespaces and bridge
  local name host inode task
  for name in "${!PID[@]}"; do kill -9 "${PID[$name]}" 2>/dev/null; wait "${PID[$name]}" 2>/dev/null; unset "PID[$name]"; done
  # Anything else still inside our namespaces was started by this test too (ip netns pids sees nothing here).
  for host in "${HOSTS[@]}"; do
    inode=$(stat -L -c %i "/var/run/netns/$NS_PREFIX-$host" 2>/dev/null) || continue
    for task in /proc/[0-9]*; do
      [ "$(stat -L -c %i "$task/ns/net" 2>/dev/null)" = "$inode" ] && kill -9 "${task#/proc/}" 2>/dev/null
    done
  done
  sleep 0.3
  for host in "${HOSTS[@]}"; do
    ip netns del "$NS_PREFIX-$host" 2>/dev/null || true
    rm -rf "/etc/netns/$NS_PREFIX-$host"
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}
