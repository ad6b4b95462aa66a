"""Acknowledged-write recorder for bench/drills.sh.

Signs in, then until killed alternates two writes, one per store: `addExperience`
(PostgreSQL) and `submitRequirement` (MongoDB), each with a unique marker text. A write
whose response has data and no errors is acknowledged: its marker is appended to
ACKED_FILE (flushed at once), so the drill can check every one of them is stored.

    python3 writer.py GRAPHQL_URL USERNAME PROJECT_ID ACKED_FILE
"""
import json
import sys
import time
import urllib.request

url, username, project, acked_path = sys.argv[1:5]


def post(query, variables, token=None):
    headers = {"content-type": "application/json", "accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except Exception as error:  # a refused or failed request is simply not acknowledged
        return {"errors": [{"message": str(error)}]}


login = post(
    "mutation($u: String!) { login(identifier: $u, password: \"braid-demo-password\") { token } }",
    {"u": username},
)
token = login["data"]["login"]["token"]
ADD_EXPERIENCE = """mutation($t: String!) { addExperience(input: {title: $t, company: "Drill",
  startDate: "2020-01-01", endDate: "2021-01-01", isCurrent: false}) { id } }"""
SUBMIT = "mutation($p: ID!, $t: String!) { submitRequirement(projectId: $p, rawText: $t) { id } }"

with open(acked_path, "a", buffering=1) as acked:
    n = 0
    while True:
        n += 1
        marker = f"drill-{int(time.time())}-{n}"
        pg = post(ADD_EXPERIENCE, {"t": marker}, token)
        if pg.get("data") and not pg.get("errors"):
            acked.write(f"pg {marker}\n")
        mongo = post(SUBMIT, {"p": project, "t": marker}, token)
        if mongo.get("data") and not mongo.get("errors"):
            acked.write(f"mongo {marker}\n")
        time.sleep(0.05)
