"""PUTs objects into s3rver and GETs each back at once, as S3's read-after-write consistency allows; prints how many
came back different (S3 would give none). Usage: put-then-get.py PORT ROUNDS WORKERS SIZE"""
import http.client
import os
import sys
import threading

port, rounds, workers, size = (int(a) for a in sys.argv[1:5])
different = []


def work(worker):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(rounds):
        data, key = os.urandom(size), f"/put-then-get/w{worker}/{i}"
        connection.request("PUT", key, body=data)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"PUT {key}: HTTP {response.status}")
        connection.request("GET", key)
        body = connection.getresponse().read()
        if body != data:
            different.append(f"{key}: {len(body)} of {size} bytes")


threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"put-then-get: {rounds * workers} objects, {len(different)} came back different")
for line in different[:5]:
    print(f"  {line}")
sys.exit(1 if different else 0)
