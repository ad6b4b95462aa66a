"""Hostile-document client: N concurrent copies of a fragment bomb (each fragment
spreads the one before twice; LEVELS levels expand to 2^LEVELS fields) against one braid,
while another thread probes /healthz every 5 ms. Prints each refusal's latency and the
health probes' latency (p50 / p99 / max), and fails when any bomb is not refused with
GRAPHQL_VALIDATION_FAILED.

Usage: python3 client.py BASE_URL [COPIES=100] [LEVELS=30] [BODIES_FILE]
(with BODIES_FILE, only writes the two bombs there, one JSON body a line, for wrk)
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

base, copies, levels = sys.argv[1], int(sys.argv[2] if len(sys.argv) > 2 else 100), int(sys.argv[3] if len(sys.argv) > 3 else 30)
host = urllib.parse.urlsplit(base).netloc


def bomb(levels, inside_a_field):
    on = "Job" if inside_a_field else "Query"
    lines = [f"fragment F0 on {on} {{ __typename }}"]
    lines += [f"fragment F{n} on {on} {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)]
    lines.append(f'{{ job(id: "x") {{ ...F{levels} }} }}' if inside_a_field else f"{{ ...F{levels} }}")
    return json.dumps({"query": "\n".join(lines)})


bodies = [bomb(levels, False), bomb(levels, True)]
if len(sys.argv) > 4:
    with open(sys.argv[4], "w") as out:
        out.write("\n".join(bodies) + "\n")
    sys.exit(0)
print(f"document: {len(bodies[0])} bytes, {levels} levels (2^{levels} = {2 ** levels:,} fields expanded)")

start = threading.Barrier(copies + 1)
refusals, failures = [], []
lock = threading.Lock()


def send(n):
    connection = http.client.HTTPConnection(host, timeout=60)
    connection.connect()
    start.wait()
    began = time.perf_counter()
    connection.request("POST", "/graphql", bodies[n % 2], {"content-type": "application/json"})
    response = connection.getresponse()
    payload = json.loads(response.read())
    elapsed = (time.perf_counter() - began) * 1000
    code = (payload.get("errors") or [{}])[0].get("extensions", {}).get("code")
    with lock:
        refusals.append(elapsed)
        if code != "GRAPHQL_VALIDATION_FAILED":
            failures.append((response.status, payload))


health, done = [], threading.Event()


def probe():
    connection = http.client.HTTPConnection(host, timeout=60)
    while not done.is_set():
        began = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        health.append((time.perf_counter() - began) * 1000)
        time.sleep(0.005)


threads = [threading.Thread(target=send, args=(n,)) for n in range(copies)]
prober = threading.Thread(target=probe)
for thread in threads:
    thread.start()
prober.start()
time.sleep(0.2)
start.wait()
for thread in threads:
    thread.join()
time.sleep(0.1)
done.set()
prober.join()


def summary(values):
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return f"p50 {pick(0.5):.1f} ms  p99 {pick(0.99):.1f} ms  max {values[-1]:.1f} ms  (n={len(values)})"


print(f"refusals of {copies} concurrent bombs: {summary(refusals)}")
print(f"/healthz meanwhile:                  {summary(health)}")
# The largest document the default limits let through (BRAID_MAX_FIELDS = 1,000): how
# long it takes to validate and answer.
largest = json.dumps({"query": "{ jobs(first: 1) { edges { node { " + "id " * 997 + "} } } }"})
timings = []
connection = http.client.HTTPConnection(host, timeout=60)
for _ in range(20):
    began = time.perf_counter()
    connection.request("POST", "/graphql", largest, {"content-type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    timings.append((time.perf_counter() - began) * 1000)
    if answer.get("errors"):
        failures.append((200, answer))
print(f"largest allowed document ({len(largest)} bytes, 1,000 fields), 20 in a row: {summary(timings)}")

if failures:
    print(f"NOT REFUSED: {len(failures)}, e.g. {failures[0]}")
    sys.exit(1)
