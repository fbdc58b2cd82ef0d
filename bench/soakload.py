#!/usr/bin/env python3
"""The soak's steady mixed load, its sampler and its verdict (bench/soak.sh starts the servers and calls this).

load: DNS over UDP (override names, cached and uncached forwarded names, NXDOMAIN) and TCP; an AXFR now and then;
proxy tunnels (CONNECT, TLS by SNI, Host mode, Basic), idle tunnels held for a minute, slow clients sending a head
byte by byte. Every 10 s a sample row: per server RSS, managed heap after GC (from /metrics), open fds, threads,
and the p99 latency of its requests in that window. At the end: the least-squares slope of each column over the
second half, projected to an hour, against a tolerance; a column that grows past it fails the soak.
"""
import argparse, base64, csv, os, random, socket, ssl, struct, sys, threading, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument('--minutes', type=float, required=True)
p.add_argument('--dns', type=int, required=True)
p.add_argument('--dns-http', type=int, required=True)
p.add_argument('--dns-pid', type=int, required=True)
p.add_argument('--connect', type=int, required=True)
p.add_argument('--tls', type=int, required=True)
p.add_argument('--http', type=int, required=True)
p.add_argument('--health', type=int, required=True)
p.add_argument('--proxy-pid', type=int, required=True)
p.add_argument('--cafile', required=True)
p.add_argument('--basic', required=True, help='user:password')
p.add_argument('--origin-port', type=int, required=True, help='the HTTPS origin\'s port, which CONNECT names')
p.add_argument('--out', required=True)
args = p.parse_args()

end = time.monotonic() + args.minutes * 60
lock = threading.Lock()
latencies = {'dns': [], 'proxy': []}
counts = {'dns_ok': 0, 'dns_fail': 0, 'proxy_ok': 0, 'proxy_fail': 0}
failures = {}


def record(kind, started, ok, what=None):
    with lock:
        if ok:
            latencies[kind].append(time.monotonic() - started)
        else:
            failures[what or kind] = failures.get(what or kind, 0) + 1
        counts[f'{kind}_{"ok" if ok else "fail"}'] += 1


def query(name, qtype=1):
    header = struct.pack('>HHHHHH', random.randrange(65536), 0x0100, 1, 0, 0, 0)
    return header + b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\0' + struct.pack('>HH', qtype, 1)


def dns_udp(name, expect_rcode):
    started = time.monotonic()
    q = query(name)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        try:
            s.sendto(q, ('127.0.0.1', args.dns))
            r = s.recv(4096)
            record('dns', started, r[:2] == q[:2] and (r[3] & 0xF) == expect_rcode)
        except OSError:
            record('dns', started, False)


def dns_tcp(name, qtype=1):
    started = time.monotonic()
    q = query(name, qtype)
    try:
        with socket.create_connection(('127.0.0.1', args.dns), timeout=5) as s:
            s.sendall(struct.pack('>H', len(q)) + q)
            got = 0
            while True:  # an AXFR answers in several messages, the last one ending with the SOA
                length = struct.unpack('>H', recv_exactly(s, 2))[0]
                message = recv_exactly(s, length)
                got += 1
                if qtype != 252 or message.count(b'\x00\x06\x00\x01') >= (2 if got == 1 else 1):
                    break
        record('dns', started, True)
    except (OSError, struct.error):
        record('dns', started, False)


def recv_exactly(s, n):
    data = b''
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise OSError('closed')
        data += chunk
    return data


def dns_loop():
    serial = 0
    while time.monotonic() < end:
        serial += 1
        kind = serial % 10
        if kind < 3:
            dns_udp(f'b{random.randrange(1000)}.soak.test', 0)            # override (wildcard in our zone)
        elif kind < 5:
            dns_udp(f'w{random.randrange(2000)}.example.net', 0)         # forwarded, cached after the first time
        elif kind < 7:
            dns_udp(f'u{serial}-{random.randrange(1 << 30)}.example.net', 0)  # forwarded, never cached
        elif kind < 9:
            dns_udp(f'nx{serial}.example.org', 3)                      # NXDOMAIN from upstream
        else:
            dns_tcp(f'b{random.randrange(1000)}.soak.test')
        if serial % 3000 == 0:
            dns_tcp('soak.test', 252)                                  # AXFR now and then
        time.sleep(0.004)


context = ssl.create_default_context(cafile=args.cafile)


def tunnel(mode, host, auth=None):
    started = time.monotonic()
    try:
        if mode == 'tls':
            raw = socket.create_connection(('127.0.0.1', args.tls), timeout=10)
        else:
            raw = socket.create_connection(('127.0.0.1', args.connect), timeout=10)
            head = f'CONNECT {host}:{args.origin_port} HTTP/1.1\r\nHost: {host}:{args.origin_port}\r\n'
            if auth:
                head += f'Proxy-Authorization: Basic {base64.b64encode(auth.encode()).decode()}\r\n'
            raw.sendall((head + '\r\n').encode())
            reply = raw.recv(4096)
            if not reply.startswith(b'HTTP/1.1 200'):
                raw.close()
                record('proxy', started, False, f'{mode}{"+basic" if auth else ""}: {reply[:40]!r}')
                return
        with context.wrap_socket(raw, server_hostname=host) as s:
            s.sendall(f'GET /object HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'.encode())
            body = b''
            while chunk := s.recv(65536):
                body += chunk
        record('proxy', started, body.startswith(b'HTTP/1.') and b' 200 ' in body[:20], f'{mode}: {body[:20]!r}')
    except OSError as e:
        record('proxy', started, False, f'{mode}: {e}')


def host_mode():
    started = time.monotonic()
    try:
        with socket.create_connection(('127.0.0.1', args.http), timeout=10) as s:
            s.sendall(b'GET /object HTTP/1.1\r\nHost: h.soak.test\r\nConnection: close\r\n\r\n')
            body = b''
            while chunk := s.recv(65536):
                body += chunk
        record('proxy', started, b' 200 ' in body[:20], f'host: {body[:20]!r}')
    except OSError as e:
        record('proxy', started, False, f'host: {e}')


def proxy_loop():
    serial = 0
    while time.monotonic() < end:
        serial += 1
        kind = serial % 4
        if kind == 0:
            tunnel('connect', f'c{random.randrange(100)}.soak.test')
        elif kind == 1:
            tunnel('tls', f't{random.randrange(100)}.soak.test')
        elif kind == 2:
            host_mode()
        else:
            tunnel('connect', 'auth.soak.test', args.basic)
        time.sleep(0.02)


def idle_loop():
    """Tunnels that stay open and silent for a minute, 20 at a time."""
    while time.monotonic() < end:
        held = []
        for i in range(20):
            try:
                s = socket.create_connection(('127.0.0.1', args.connect), timeout=10)
                s.sendall(f'CONNECT i{i}.soak.test:{args.origin_port} HTTP/1.1\r\nHost: i{i}.soak.test\r\n\r\n'.encode())
                s.recv(4096)
                held.append(s)
            except OSError:
                pass
        deadline = min(end, time.monotonic() + 60)
        while time.monotonic() < deadline:
            time.sleep(1)
        for s in held:
            s.close()


def slow_loop():
    """Clients that send their CONNECT head one byte every 100 ms; some never finish it."""
    while time.monotonic() < end:
        try:
            with socket.create_connection(('127.0.0.1', args.connect), timeout=30) as s:
                head = b'CONNECT slow.soak.test:443 HTTP/1.1\r\nHost: slow.soak.test:443\r\n'
                for byte in head[: random.choice([len(head), 20])]:
                    s.send(bytes([byte]))
                    time.sleep(0.1)
                    if time.monotonic() > end:
                        break
        except OSError:
            pass


def metric(port, path, name):
    try:
        text = urllib.request.urlopen(f'http://127.0.0.1:{port}{path}', timeout=5).read().decode()
    except OSError:
        return ''
    return sum(float(line.rsplit(' ', 1)[1]) for line in text.splitlines() if line.startswith(name + '{') or line.startswith(name + ' '))


def proc(pid):
    status = dict(line.split(':', 1) for line in open(f'/proc/{pid}/status'))
    return int(status['VmRSS'].split()[0]) * 1024, len(os.listdir(f'/proc/{pid}/fd')), int(status['Threads'])


def p99(values):
    if not values:
        return ''
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] * 1000


columns = ['seconds', 'dns_rss', 'dns_heap', 'dns_fds', 'dns_threads', 'dns_p99_ms',
           'proxy_rss', 'proxy_heap', 'proxy_fds', 'proxy_threads', 'proxy_p99_ms', 'dns_ok', 'dns_fail', 'proxy_ok', 'proxy_fail',
           'dns_cache_bytes', 'dns_cache_entries']
threads = [threading.Thread(target=f, daemon=True) for f in (dns_loop, dns_loop, proxy_loop, proxy_loop, idle_loop, slow_loop, slow_loop)]
for t in threads:
    t.start()
start = time.monotonic()
rows = []
with open(args.out, 'w', newline='') as f:
    writer = csv.writer(f)
    writer.writerow(columns)
    while time.monotonic() < end:
        time.sleep(max(0, 10 - (time.monotonic() - start) % 10))
        with lock:
            window = {k: v for k, v in latencies.items()}
            latencies['dns'], latencies['proxy'] = [], []
            done = dict(counts)
        heap = 'dotnet_gc_last_collection_heap_size_bytes'
        row = [round(time.monotonic() - start), *proc(args.dns_pid)[:1], metric(args.dns_http, '/metrics', heap), *proc(args.dns_pid)[1:],
               p99(window['dns']), *proc(args.proxy_pid)[:1], metric(args.health, '/metrics', heap), *proc(args.proxy_pid)[1:],
               p99(window['proxy']), done['dns_ok'], done['dns_fail'], done['proxy_ok'], done['proxy_fail'],
               metric(args.dns_http, '/metrics', 'dns_cache_size_bytes'), metric(args.dns_http, '/metrics', 'dns_cache_entries')]
        writer.writerow(row)
        f.flush()
        rows.append(dict(zip(columns, row)))

# The verdict: over the second half, the fitted growth per hour of each column against its tolerance (whichever is
# larger: a share of its mean, or an absolute floor that is below anything a leak would show within an hour).
tolerances = {'rss': (0.05, 16 << 20), 'heap': (0.10, 8 << 20), 'fds': (0.05, 10), 'threads': (0.10, 4), 'p99_ms': (0.25, 2.0)}
half = [r for r in rows if r['seconds'] >= rows[-1]['seconds'] / 2]
failed = 0
print(f"{'series':20} {'mean':>14} {'slope/hour':>14} {'tolerance':>14}  verdict")
for column in columns[1:11]:
    points = [(r['seconds'], float(r[column])) for r in half if r[column] != '']
    if len(points) < 3:
        print(f'{column:20} too few samples'); failed += 1
        continue
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / max(1e-9, sum((x - mx) ** 2 for x, _ in points))
    share, floor = tolerances[column.split('_', 1)[1]]
    tolerance = max(share * my, floor)
    grows = slope * 3600 > tolerance
    failed += grows
    print(f'{column:20} {my:14.1f} {slope * 3600:14.1f} {tolerance:14.1f}  {"GROWS" if grows else "flat"}')
print(f"requests: dns {counts['dns_ok']} ok, {counts['dns_fail']} failed; proxy {counts['proxy_ok']} ok, {counts['proxy_fail']} failed")
for what, count in sorted(failures.items(), key=lambda f: -f[1])[:10]:
    print(f'  failed {count}: {what}')
sys.exit(1 if failed else 0)
