#!/usr/bin/env python3
"""Load generator for bench/proxy.sh: a sink/source server and clients that go direct, through a TCP
forwarder (HAProxy) or through an HTTP CONNECT proxy (ours, Squid). Loads are bounded in time and count
and only ever target 127.0.0.1."""
import argparse, socket, threading, time

CHUNK = 256 * 1024


def sink(port):
    """Per connection: first byte 'U' = read to EOF; 'D' = send until the peer closes; 'I' = hold open."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(4096)
    payload = bytearray(CHUNK)

    def serve(conn):
        try:
            kind = conn.recv(1)
            if kind == b"U":
                buf = bytearray(CHUNK)
                while conn.recv_into(buf):
                    pass
            elif kind == b"D":
                while True:
                    conn.sendall(payload)
            else:
                conn.recv(1)
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def open_stream(mode, port, target_port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "connect":
        s.sendall(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (target_port, target_port))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                raise OSError("proxy closed")
            head += chunk
        if not head.startswith(b"HTTP/1.1 200") and not head.startswith(b"HTTP/1.0 200"):
            raise OSError("proxy said " + head.split(b"\r\n")[0].decode())
    return s


def throughput(mode, port, target_port, streams, direction, seconds):
    totals = [0] * streams
    deadline = time.time() + seconds

    def run(i):
        s = open_stream(mode, port, target_port)
        s.sendall(b"U" if direction == "up" else b"D")
        buf = bytearray(CHUNK)
        try:
            while time.time() < deadline:
                if direction == "up":
                    s.sendall(buf)
                    totals[i] += len(buf)
                else:
                    n = s.recv_into(buf)
                    if not n:
                        break
                    totals[i] += n
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(streams)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("%.0f" % (sum(totals) / (time.time() - start) / 1e6))


def handshakes(mode, port, target_port, clients, seconds):
    count = [0] * clients
    deadline = time.time() + seconds

    def run(i):
        while time.time() < deadline:
            s = open_stream(mode, port, target_port)
            s.sendall(b"I")
            s.close()
            count[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("%.0f" % (sum(count) / (time.time() - start)))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def hold(mode, port, target_port, count, held):
    for _ in range(count):
        s = open_stream(mode, port, target_port)
        s.sendall(b"I")
        held.append(s)
    time.sleep(2)


def idle(mode, port, target_port, tunnels, pids):
    """
    Memory per idle tunnel, in bytes: after a warm-up of TUNNELS tunnels opened and closed (and 12 s for what follows
    it), the least-squares slope of the proxy processes' PSS (all of them, e.g. Squid's workers) against the number
    of idle tunnels, read at every
    TUNNELS / 2 from TUNNELS to 5 x TUNNELS. A slope leaves out what a process pays once, whatever the count (JIT,
    pools, threads, the first buffers). Nine readings over 4 x TUNNELS, not two: a .NET heap grows in 4 MiB regions,
    so a difference of two readings over 2,000 tunnels moves by a region (2 KB a tunnel) with where collections fall.
    """
    warm = []
    hold(mode, port, target_port, tunnels, warm)
    for s in warm:
        s.close()
    # Our proxy gives memory back once open connections fall by 1,000 (AfterLoadCollector, looking every 10 s): the
    # warm-up's end is such a fall, and that collection landing inside the readings moved the slope by kilobytes.
    time.sleep(12)
    held = []
    counts, pss = [], []
    while len(held) < 5 * tunnels:
        hold(mode, port, target_port, tunnels if not held else tunnels // 2, held)
        counts.append(len(held))
        pss.append(sum(pss_kb(p) for p in pids))
    for s in held:
        s.close()
    mean_count, mean_pss = sum(counts) / len(counts), sum(pss) / len(pss)
    slope = sum((c - mean_count) * (k - mean_pss) for c, k in zip(counts, pss)) / sum((c - mean_count) ** 2 for c in counts)
    print("%.0f" % (slope * 1024))


def slowloris(port, count, pids, settle):
    """
    Memory before, during and after a burst of slow clients: COUNT connections each send a CONNECT head of 60 KiB
    that never ends, are held, then closed together. Prints RSS (KiB, all PIDS) before, with all held, and every
    second for SETTLE seconds after: what the proxy gives back once the load is gone.
    """
    filler = b"CONNECT 127.0.0.1:9 HTTP/1.1\r\n" + b"".join(b"X-Filler-%05d: %s\r\n" % (i, b"a" * 100) for i in range(520))
    rss = lambda: sum(rss_kb(p) for p in pids)
    print("before %d" % rss())
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(filler)
        held.append(s)
    time.sleep(2)
    print("held %d" % rss())
    for s in held:
        s.close()
    for second in range(1, settle + 1):
        time.sleep(1)
        print("after+%ds %d" % (second, rss()), flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["sink", "throughput", "handshakes", "idle", "slowloris"])
    p.add_argument("--mode", choices=["direct", "tcp", "connect"], default="direct")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--target-port", type=int, default=0)
    p.add_argument("--streams", type=int, default=1)
    p.add_argument("--direction", choices=["up", "down"], default="up")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--tunnels", type=int, default=1000)
    p.add_argument("--pids", default="")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--settle", type=int, default=90)
    a = p.parse_args()
    if a.command == "sink":
        sink(a.port)
    elif a.command == "throughput":
        throughput(a.mode, a.port, a.target_port, a.streams, a.direction, a.seconds)
    elif a.command == "handshakes":
        handshakes(a.mode, a.port, a.target_port, a.clients, a.seconds)
    elif a.command == "slowloris":
        slowloris(a.port, a.count, [int(x) for x in a.pids.split(",") if x], a.settle)
    else:
        idle(a.mode, a.port, a.target_port, a.tunnels, [int(x) for x in a.pids.split(",") if x])
