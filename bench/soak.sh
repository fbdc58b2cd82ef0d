#!/usr/bin/env bash
# Soak: both services as shipped (default logging and runtime settings) under a steady mixed load for MINUTES,
# sampled every 10 s (bench/soakload.py): RSS, managed heap after GC, open fds, threads, p99 latency. Fails if any
# of them grows over the second half (least-squares slope, projected to an hour, against a stated tolerance).
#   DNS: override, cached and uncached forwarded names, NXDOMAIN, TCP, AXFR now and then; the zones reloaded every
#        minute (a new serial), against BIND on loopback as the upstream. Bench-only: --cache-size 16 (default 64
#        MiB), so that the cache reaches its cap within the first half; its designed growth up to the cap would
#        otherwise read as a leak (the cache's own bytes and entries are sampled too)
#   proxy: CONNECT, TLS (SNI) and Host mode tunnels to a loopback HTTPS/HTTP origin, Basic auth, idle tunnels held a
#        minute, slow clients; the policy reloaded every minute. Bench-only: --allow-basic-over-plaintext (Basic on
#        the plain CONNECT listener, so that the load needs no TLS to the proxy itself)
# Usage: bench/soak.sh MINUTES [OUT-DIR]. Writes OUT-DIR/soak.csv and, with gnuplot, OUT-DIR/soak-*.png
# (default OUT-DIR: bench/soak).
set -euo pipefail
MINUTES=${1:?usage: bench/soak.sh MINUTES [OUT-DIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${2:-$root/bench/soak}" && cd "${2:-$root/bench/soak}" && pwd)
. "$root/bench/lib.sh"
need named:bind9 gnuplot:gnuplot-nox openssl:openssl

echo "building (Release)..."
dotnet build "$root/src/DnsOverride" -c Release -o "$work/dns" -v quiet -nologo >/dev/null
dotnet build "$root/src/Proxy" -c Release -o "$work/proxy" -v quiet -nologo >/dev/null

# The upstream: BIND, example.net answers every name, example.org none (NXDOMAIN).
up=$(free_port)
mkdir -p "$work/named"
printf '$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n* A 203.0.113.10\n' > "$work/named/example.net.zone"
printf '$TTL 300\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.53\n' > "$work/named/example.org.zone"
cat > "$work/named/named.conf" <<CONF
options { directory "$work/named"; pid-file none; listen-on port $up { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; };
zone "example.net" { type primary; file "example.net.zone"; };
zone "example.org" { type primary; file "example.org.zone"; };
CONF
named -g -u root -c "$work/named/named.conf" > "$work/named.log" 2>&1 & pids+=($!)

# Our zones: the shipped ones and soak.test, whose names all point at the loopback origin.
mkdir -p "$work/zones"
cp "$root"/zones/*.zone "$work/zones/"
zone() { printf '$TTL 60\n@ SOA ns h %s 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n@ A 127.0.0.1\n* A 127.0.0.1\n' "$1" > "$work/zones/soak.test.zone"; }
zone 1
dns=$(free_port) dns_http=$(free_port)
dotnet "$work/dns/Endpoints.DnsOverride.dll" --listen "127.0.0.1:$dns" --http "127.0.0.1:$dns_http" --zones "$work/zones" \
  --upstream "127.0.0.1:$up" --allow-transfer 127.0.0.1/32 --cache-size 16 > "$work/dns.log" 2>&1 & dns_pid=$!; pids+=($dns_pid)

# The origin: HTTPS (names under soak.test) and HTTP, answering every GET with 16 KiB.
mkdir -p "$work/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=soak CA" \
  -keyout "$work/tls/ca.key" -out "$work/tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=soak.test" -keyout "$work/tls/origin.key" -out "$work/tls/origin.csr" 2>/dev/null
printf 'subjectAltName=DNS:soak.test,DNS:*.soak.test\n' > "$work/tls/ext"
openssl x509 -req -in "$work/tls/origin.csr" -CA "$work/tls/ca.pem" -CAkey "$work/tls/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/tls/ext" -out "$work/tls/origin.crt" 2>/dev/null
origin_tls=$(free_port) origin_http=$(free_port)
python3 - "$origin_tls" "$origin_http" "$work/tls/origin.crt" "$work/tls/origin.key" > "$work/origin.log" 2>&1 <<'PY' & pids+=($!)
import http.server, ssl, sys, threading
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):
        body = b'x' * 16384
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
tls = http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[3], sys.argv[4])
# The handshake in each connection's thread: an idle tunnel that never sends a ClientHello must not hold accept().
tls.socket = context.wrap_socket(tls.socket, server_side=True, do_handshake_on_connect=False)
threading.Thread(target=tls.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[2])), Handler).serve_forever()
PY

policy() { # a changing policy, reloaded every minute; the rules stay the same in effect
  cat > "$work/policy.json" <<JSON
{ "rules": [
  { "name": "soak-basic-$1", "action": "allow", "sources": ["127.0.0.1/32"], "users": ["soak"], "destinations": ["auth.soak.test"], "ports": [$origin_tls] },
  { "name": "soak", "action": "allow", "sources": ["127.0.0.1/32"], "destinations": ["*.soak.test"], "ports": [443, 80, $origin_tls] } ] }
JSON
}
policy 1
printf 'soak-password' | dotnet "$work/proxy/Endpoints.Proxy.dll" hash-password soak > "$work/users"
connect=$(free_port) tls=$(free_port) http=$(free_port) health=$(free_port)
Proxy__TlsUpstreamPort=$origin_tls Proxy__HttpUpstreamPort=$origin_http dotnet "$work/proxy/Endpoints.Proxy.dll" \
  --connect "127.0.0.1:$connect" --tls "127.0.0.1:$tls" --http "127.0.0.1:$http" --health "127.0.0.1:$health" \
  --policy "$work/policy.json" --users "$work/users" --allow-basic-over-plaintext --resolver "127.0.0.1:$dns" --allow-range 127.0.0.1/32 \
  > "$work/proxy.log" 2>&1 & proxy_pid=$!; pids+=($proxy_pid)
wait_port "$connect"; wait_port "$dns_http"; wait_port "$origin_tls"

# Reloads every minute: a new zone serial (the server's watcher picks it up) and a new policy (SIGHUP).
(
  serial=1
  while sleep 60; do
    serial=$((serial + 1))
    zone "$serial"
    policy "$serial"; kill -HUP "$proxy_pid"
  done
) & pids+=($!)

echo "soak: $MINUTES minutes (samples every 10 s in $out/soak.csv)"
status=0
python3 "$root/bench/soakload.py" --minutes "$MINUTES" --dns "$dns" --dns-http "$dns_http" --dns-pid "$dns_pid" \
  --connect "$connect" --tls "$tls" --http "$http" --health "$health" --proxy-pid "$proxy_pid" \
  --cafile "$work/tls/ca.pem" --basic soak:soak-password --origin-port "$origin_tls" --out "$out/soak.csv" || status=$?
echo "zone reloads logged: $(grep -c 'Loaded .* zones' "$work/dns.log"), policy reloads: $(grep -c 'Policy loaded' "$work/proxy.log")"
echo "log lines: dns $(wc -l < "$work/dns.log"), proxy $(wc -l < "$work/proxy.log")"

if command -v gnuplot >/dev/null; then
  for series in rss:"RSS (MiB)":1048576 heap:"managed heap after GC (MiB)":1048576 fds:"open fds":1 threads:"threads":1 p99_ms:"p99 latency (ms)":1; do
    IFS=: read -r column label scale <<<"$series"
    gnuplot <<PLOT
set terminal pngcairo size 800,360
set output "$out/soak-$column.png"
set datafile separator ","
set key autotitle columnhead top left
set xlabel "minutes"
set ylabel "$label"
set grid
plot "$out/soak.csv" using (\$1/60):(column("dns_$column")/$scale) with lines title "DNS", \
     "$out/soak.csv" using (\$1/60):(column("proxy_$column")/$scale) with lines title "proxy"
PLOT
  done
  echo "plots: $out/soak-*.png"
fi
exit "$status"
