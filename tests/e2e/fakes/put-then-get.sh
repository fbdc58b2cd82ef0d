#!/usr/bin/env bash
# Shows that the installed s3rver answers a PUT only once its object is on disk (patches/): with every object write
# held back 300 ms, each object is read back at once and must come back whole. s3rver 3.7.1 as published fails this
# (every GET returns 0 bytes with the PUT's ETag, the AWS SDK's MD5 check refuses it). Usage: put-then-get.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d)
node -r "$here/slow-object-writes.js" "$here/node_modules/.bin/s3rver" -d "$data" -a 127.0.0.1 -p 0 > "$data.log" 2>&1 &
pid=$!
trap 'rc=$?; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$data" "$data.log"; exit $rc' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$data.log")
  [ -n "$port" ] && break
  kill -0 "$pid" || { cat "$data.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "s3rver did not start" >&2; exit 1; }
curl -sf -X PUT "http://127.0.0.1:$port/put-then-get" -o /dev/null
python3 "$here/put-then-get.py" "$port" 5 2 4096
