# What the bench scripts share; sourced right after they set $root. It makes $work (removed on exit) and kills on
# exit what the script started: every PID in $pids, and $pid (the one process a round runs).
work=$(mktemp -d)
pids=()
pid=
cleanup() {
  for started in "${pids[@]}" $pid; do kill "$started" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# need TOOL:PACKAGE...: installs the Debian packages of the tools that are missing (as root).
need() {
  local missing=()
  for tool in "$@"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# tree PID: the process and its descendants.
tree() { echo "$1"; local child; for child in $(pgrep -P "$1" || true); do tree "$child"; done; }

# cpu_ticks PID: user and system ticks of the process and its descendants (NSD answers in a grandchild, Squid's
# helpers are its children); /proc/PID/stat is read past the command name, which may hold spaces.
cpu_ticks() {
  local total=0 p
  for p in $(tree "$1"); do total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done
  echo "$total"
}

# pinned PID CPU: pins every thread of the process and its descendants to CPU, and fails the run if any thread did
# not take it (a thread a peer re-pins later is not caught). `taskset -c` at start is not enough for every peer: Knot DNS pins its UDP workers itself (worker i to
# CPU i), which put its one worker on dnsperf's CPU until 2026-12-05.
pinned() {
  local p t
  for p in $(tree "$1"); do taskset -a -p -c "$2" "$p" >/dev/null; done
  for p in $(tree "$1"); do
    for t in /proc/"$p"/task/*; do
      [ "$(awk '/^Cpus_allowed_list/ {print $2}' "$t/status")" = "$2" ] || { echo "thread $(basename "$t") of $p ($(cat "$t/comm")) is not on CPU $2" >&2; exit 1; }
    done
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT: until something accepts on it (20 s), else the logs and exit.
wait_port() {
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $1)).close()" 2>/dev/null && return 0; sleep 0.2; done
  echo "nothing on port $1" >&2; tail -n 5 "$work"/*.log >&2; exit 1
}

# squid_conf PORT [NAME] [ACCESS_LOG]: a CONNECT proxy for 127.0.0.1 on PORT, caching nothing, its files in
# $work/NAME (squid); ACCESS_LOG "none" (the default here) or "default": Squid's own default, a line per request
# through its log daemon, here to $work/NAME/access.log.
squid_conf() {
  local dir="$work/${2:-squid}" access="none"
  [ "${3:-none}" = default ] && access="daemon:$dir/access.log squid"
  # Squid drops to its own user: its log files live in a folder it may write, in $work it may pass through.
  chmod 711 "$work"
  mkdir -p "$dir" && chown proxy "$dir" 2>/dev/null || chmod 777 "$dir"
  cat <<CFG
http_port 127.0.0.1:$1
acl local src 127.0.0.1/32
http_access allow local
http_access deny all
cache deny all
access_log $access
cache_log $dir/cache.log
pid_filename $dir/squid.pid
coredump_dir $dir
max_filedescriptors 20000
shutdown_lifetime 1 seconds
CFG
}
