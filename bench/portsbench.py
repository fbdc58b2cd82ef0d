#!/usr/bin/env python3
"""Forwarder source ports (RFC 5452, SAD DNS): an upstream on loopback that answers every A query with 192.0.2.1
and records the source port and arrival time of each; a client that sends N new names, one at a time with a gap
(low load) or many in flight (high load); and the summary of what the upstream saw. Loopback only, bounded in count."""
import argparse, socket, struct, threading, time

GAP_S = 0.1


def upstream(port, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    with open(log, "a", buffering=1) as out:
        while True:
            data, peer = s.recvfrom(4096)
            out.write("%d %.6f\n" % (peer[1], time.monotonic()))
            end = 12
            while data[end] != 0:
                end += data[end] + 1
            question = data[12:end + 5]
            header = data[:2] + b"\x81\x80" + b"\x00\x01\x00\x01\x00\x00\x00\x00"
            s.sendto(header + question + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01", peer)


def query(name):
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", 0, 0x0100, 1, 0, 0, 0) + qname + b"\x00\x01\x00\x01"


def client(port, count, gap, in_flight, prefix):
    def run(ids):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        for i in ids:
            q = bytearray(query("%s-%d.ports.example" % (prefix, i)))
            q[0:2] = struct.pack(">H", i & 0xFFFF)
            s.sendto(bytes(q), ("127.0.0.1", port))
            try:
                s.recv(4096)
            except socket.timeout:
                pass
            if gap:
                time.sleep(gap)
    workers = [threading.Thread(target=run, args=(range(w, count, in_flight),)) for w in range(in_flight)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def summary(log, skip):
    rows = [line.split() for line in open(log)][skip:]
    ports = [int(r[0]) for r in rows]
    times = [float(r[1]) for r in rows]
    longest = run = 1
    for a, b in zip(ports, ports[1:]):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    # A port number seen again after a pause is a new socket the kernel happened to give the same number: a use
    # within GAP_S of the last one on that port counts as the same socket (ours live 50 ms at most, Unbound's one
    # exchange), so a session is a lower bound of how long one socket stayed open.
    sessions, open_at = [], {}
    for p, t in zip(ports, times):
        s = open_at.get(p)
        if s is None or t - s[1] > GAP_S:
            s = [t, t, 0]
            open_at[p] = s
            sessions.append(s)
        s[1], s[2] = t, s[2] + 1
    spans = sorted((s[1] - s[0]) * 1000 for s in sessions)
    uses = max(s[2] for s in sessions)
    print("queries=%d sockets=%d max_queries_per_socket=%d longest_run=%d socket_open_ms_max=%.1f socket_open_ms_p50=%.1f" % (
        len(ports), len(sessions), uses, longest, spans[-1], spans[len(spans) // 2]))

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["upstream", "client", "summary"])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", default="")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--gap", type=float, default=0)
    p.add_argument("--in-flight", type=int, default=1)
    p.add_argument("--prefix", default="q")
    p.add_argument("--skip", type=int, default=0)
    a = p.parse_args()
    if a.command == "upstream":
        upstream(a.port, a.log)
    elif a.command == "client":
        client(a.port, a.count, a.gap, a.in_flight, a.prefix)
    else:
        summary(a.log, a.skip)
