"""Probes /healthz every 5 ms for SECONDS and prints the latency (p50 / p99 / max).

Usage: python3 probe.py BASE_URL SECONDS
"""

import http.client
import sys
import time
import urllib.parse

host = urllib.parse.urlsplit(sys.argv[1]).netloc
connection = http.client.HTTPConnection(host, timeout=30)
timings = []
end = time.time() + float(sys.argv[2])
while time.time() < end:
    began = time.perf_counter()
    connection.request("GET", "/healthz")
    connection.getresponse().read()
    timings.append((time.perf_counter() - began) * 1000)
    time.sleep(0.005)
timings.sort()
pick = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]
print(f"/healthz meanwhile:                  p50 {pick(0.5):.1f} ms  p99 {pick(0.99):.1f} ms  max {timings[-1]:.1f} ms  (n={len(timings)})")
