#!/usr/bin/env python3
"""Self-check for the Qdrant-API dev/test server (server.py beside this file).

Starts the server on free loopback ports with a temporary storage directory,
drives every supported RPC through the python ``qdrant_client`` (gRPC,
``prefer_grpc=True``) and raw gRPC stubs, checks error status codes, restarts
the server on the same directory to check persistence, and checks
``--api-key`` and ``--storage-path :memory:``. Prints one line per check and
a closing ``N passed, M failed`` line; exits non-zero on any failure.

Usage: python smoke_test.py [--keep]   (--keep leaves the temp dir for inspection)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from qdrant_client import QdrantClient, models
from qdrant_client import grpc as pb

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server.py")
STARTUP_TIMEOUT_S = 60

warnings.filterwarnings("ignore", message="Api key is used with an insecure connection")

UUID_A = str(uuid.UUID("11111111-1111-4111-8111-111111111111"))
UUID_B = str(uuid.UUID("22222222-2222-4222-8222-222222222222"))
PAYLOADS = {
    1: {
        "city": "Berlin",
        "count": 10,
        "price": 1.5,
        "active": True,
        "tags": ["a", "b"],
        "meta": {"lang": "de", "n": None},
        "created": "2024-01-01T00:00:00Z",
        "text": "hello world",
        "loc": {"lon": 13.4, "lat": 52.5},
    },
    2: {"city": "London", "count": 20, "price": 2.5, "active": False, "tags": ["b"], "created": "2024-06-01T00:00:00Z"},
    3: {"city": "Paris", "count": 30, "active": True, "tags": [], "nullable": None, "text": "goodbye moon"},
    4: {"city": "Berlin", "count": 40, "nested": [{"k": 1}, {"k": 2}]},
    5: {},
    UUID_A: {"city": "Rome", "count": 50},
    UUID_B: {"city": "Rome", "count": 60, "active": False},
}
VECTORS = {
    1: [1.0, 0.0, 0.0, 0.0],
    2: [0.0, 1.0, 0.0, 0.0],
    3: [0.0, 0.0, 1.0, 0.0],
    4: [0.0, 0.0, 0.0, 1.0],
    5: [0.9, 0.1, 0.0, 0.0],
    UUID_A: [0.5, 0.5, 0.0, 0.0],
    UUID_B: [0.0, 0.5, 0.5, 0.0],
}
ALL_IDS = set(PAYLOADS)


# --------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server.py subprocess on free ports; stderr goes to a log file."""

    def __init__(self, storage: str, log_path: str, *extra: str) -> None:
        self.grpc_port, self.http_port = free_port(), free_port()
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    SERVER,
                    "--host",
                    "127.0.0.1",
                    "--grpc-port",
                    str(self.grpc_port),
                    "--http-port",
                    str(self.http_port),
                    "--storage-path",
                    storage,
                    *extra,
                ],
                stdout=log,
                stderr=log,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.http_url}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.proc.kill()
        raise RuntimeError(f"server not ready after {STARTUP_TIMEOUT_S}s:\n{self.log_tail()}")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def client(self, check_compatibility: bool = False, **kwargs) -> QdrantClient:
        return QdrantClient(
            host="127.0.0.1",
            port=self.http_port,
            grpc_port=self.grpc_port,
            prefer_grpc=True,
            check_compatibility=check_compatibility,
            **kwargs,
        )

    def channel(self) -> grpc.Channel:
        return grpc.insecure_channel(f"127.0.0.1:{self.grpc_port}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log_tail(self, lines: int = 30) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])


class Checks:
    """Runs named checks, printing PASS/FAIL lines and keeping the tally."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 -- report any failure and go on
            self.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            if not isinstance(e, (AssertionError, grpc.RpcError)):
                traceback.print_exc()
        else:
            self.passed += 1
            print(f"PASS {name}", flush=True)


def expect_code(code: grpc.StatusCode, fn: Callable, *args, **kwargs) -> str:
    """Call fn and assert it fails with the given gRPC status; return the details."""
    try:
        fn(*args, **kwargs)
    except grpc.RpcError as e:
        assert e.code() == code, f"expected {code.name}, got {e.code().name}: {e.details()}"
        return e.details()
    raise AssertionError(f"expected {code.name}, but the call succeeded")


def ids_of(points) -> set:
    return {p.id for p in points}


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# --------------------------------------------------------------------------
# Checks against a running server
# --------------------------------------------------------------------------


def check_service(checks: Checks, server: Server, client: QdrantClient) -> None:
    def health_check() -> None:
        info = client.info()
        assert info.title == "qdrant - vector search engine", info
        assert info.version == importlib.metadata.version("qdrant-client"), info
        with server.channel() as channel:
            reply = pb.QdrantStub(channel).HealthCheck(pb.HealthCheckRequest())
            assert reply.HasField("commit") and reply.commit == "", reply
            status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
            assert status.status == health_pb2.HealthCheckResponse.SERVING, status

    def rest() -> None:
        status, body = http_get(f"{server.http_url}/healthz")
        assert status == 200 and body == b"healthz check passed", (status, body)
        assert http_get(f"{server.http_url}/readyz")[0] == 200
        status, body = http_get(f"{server.http_url}/")
        root = json.loads(body)
        assert status == 200 and root["title"] == "qdrant - vector search engine" and root["version"], root
        status, body = http_get(f"{server.http_url}/collections")
        listing = json.loads(body)
        assert status == 200 and listing["status"] == "ok" and "time" in listing, listing
        assert isinstance(listing["result"]["collections"], list), listing
        assert http_get(f"{server.http_url}/nope")[0] == 404

    checks.run("HealthCheck + grpc.health.v1", health_check)
    checks.run("REST /, /healthz, /readyz, /collections", rest)


def check_collections(checks: Checks, server: Server, client: QdrantClient) -> None:
    def create() -> None:
        assert client.create_collection(
            "docs", vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE)
        )
        assert client.collection_exists("docs")
        assert not client.collection_exists("missing")
        assert "docs" in {c.name for c in client.get_collections().collections}
        status, body = http_get(f"{server.http_url}/collections")
        assert {"name": "docs"} in json.loads(body)["result"]["collections"], body

    def create_errors() -> None:
        params = models.VectorParams(size=4, distance=models.Distance.COSINE)
        expect_code(grpc.StatusCode.ALREADY_EXISTS, client.create_collection, "docs", vectors_config=params)
        with server.channel() as channel:
            stub = pb.CollectionsStub(channel)
            bad_size = pb.CreateCollection(
                collection_name="bad",
                vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=0, distance=pb.Distance.Cosine)),
            )
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Create, bad_size)
            bad_name = pb.CreateCollection(
                collection_name="a/b",
                vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=4, distance=pb.Distance.Cosine)),
            )
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Create, bad_name)
            no_vectors = pb.CreateCollection(collection_name="novec")
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Create, no_vectors)
        assert not client.collection_exists("bad")
        expect_code(grpc.StatusCode.NOT_FOUND, client.get_collection, "missing")

    def create_named_and_sparse() -> None:
        client.create_collection(
            "hybrid",
            vectors_config={
                "dense": models.VectorParams(size=3, distance=models.Distance.DOT),
                "far": models.VectorParams(size=2, distance=models.Distance.EUCLID),
            },
            sparse_vectors_config={"sparse": models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        info = client.get_collection("hybrid")
        assert set(info.config.params.vectors) == {"dense", "far"}, info.config.params.vectors
        assert info.config.params.vectors["dense"].distance == models.Distance.DOT
        assert set(info.config.params.sparse_vectors) == {"sparse"}, info.config.params.sparse_vectors

    checks.run("Create / CollectionExists / List", create)
    checks.run("Create errors: ALREADY_EXISTS, INVALID_ARGUMENT, NOT_FOUND", create_errors)
    checks.run("Create with named dense + sparse vectors", create_named_and_sparse)


def upsert_docs(client: QdrantClient) -> None:
    points = [models.PointStruct(id=i, vector=VECTORS[i], payload=PAYLOADS[i]) for i in PAYLOADS]
    result = client.upsert("docs", points=points, wait=True)
    assert result.status == models.UpdateStatus.COMPLETED and result.operation_id is not None, result


def check_points(checks: Checks, server: Server, client: QdrantClient) -> None:
    def upsert_and_retrieve() -> None:
        upsert_docs(client)
        records = client.retrieve("docs", ids=list(PAYLOADS), with_payload=True, with_vectors=True)
        assert len(records) == len(PAYLOADS), records
        for record in records:
            assert record.payload == PAYLOADS[record.id], (record.id, record.payload)
            assert len(record.vector) == 4
        only = client.retrieve("docs", ids=[1, 999], with_payload=["city"], with_vectors=False)
        assert [(r.id, r.payload, r.vector) for r in only] == [(1, {"city": "Berlin"}, None)], only
        excluded = client.retrieve(
            "docs", ids=[2], with_payload=models.PayloadSelectorExclude(exclude=["tags", "created"])
        )
        assert excluded[0].payload == {"city": "London", "count": 20, "price": 2.5, "active": False}, excluded

    def upsert_errors() -> None:
        wrong_dim = [models.PointStruct(id=100, vector=[1.0, 2.0], payload={})]
        details = expect_code(grpc.StatusCode.INVALID_ARGUMENT, client.upsert, "docs", points=wrong_dim)
        assert "dimension" in details.lower(), details
        ok = [models.PointStruct(id=100, vector=[1.0, 0, 0, 0])]
        expect_code(grpc.StatusCode.NOT_FOUND, client.upsert, "missing", points=ok)
        with server.channel() as channel:
            stub = pb.PointsStub(channel)
            bad_uuid = pb.UpsertPoints(
                collection_name="docs",
                points=[
                    pb.PointStruct(
                        id=pb.PointId(uuid="not-a-uuid"),
                        vectors=pb.Vectors(vector=pb.Vector(dense=pb.DenseVector(data=[1, 0, 0, 0]))),
                    )
                ],
            )
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Upsert, bad_uuid)
            inference = pb.UpsertPoints(
                collection_name="docs",
                points=[
                    pb.PointStruct(
                        id=pb.PointId(num=101),
                        vectors=pb.Vectors(vector=pb.Vector(document=pb.Document(text="x", model="m"))),
                    )
                ],
            )
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Upsert, inference)
        assert client.count("docs").count == len(PAYLOADS)

    def field_indexes() -> None:
        schemas = {
            "city": models.PayloadSchemaType.KEYWORD,
            "count": models.PayloadSchemaType.INTEGER,
            "price": models.PayloadSchemaType.FLOAT,
            "active": models.PayloadSchemaType.BOOL,
            "created": models.PayloadSchemaType.DATETIME,
            "loc": models.PayloadSchemaType.GEO,
        }
        for field, schema in schemas.items():
            result = client.create_payload_index("docs", field, field_schema=schema, wait=True)
            assert result.status == models.UpdateStatus.COMPLETED, result
        text = models.TextIndexParams(type="text", tokenizer=models.TokenizerType.WORD, lowercase=True)
        client.create_payload_index("docs", "text", field_schema=text)
        client.create_payload_index("docs", "uid", field_schema=models.PayloadSchemaType.UUID)
        info = client.get_collection("docs")
        assert info.status == models.CollectionStatus.GREEN, info.status
        assert info.points_count == len(PAYLOADS), info.points_count
        assert info.indexed_vectors_count is not None and info.segments_count >= 1, info
        assert info.config.params.vectors.size == 4 and info.config.params.vectors.distance == models.Distance.COSINE
        assert info.config.hnsw_config.m == 16, info.config.hnsw_config
        types = {field: index.data_type for field, index in info.payload_schema.items()}
        assert types == {**schemas, "text": models.PayloadSchemaType.TEXT, "uid": models.PayloadSchemaType.UUID}, types
        assert info.payload_schema["city"].points == 6, info.payload_schema["city"]
        assert info.payload_schema["text"].params.tokenizer == models.TokenizerType.WORD, info.payload_schema["text"]
        client.delete_payload_index("docs", "uid", wait=True)
        assert "uid" not in client.get_collection("docs").payload_schema

    def filters() -> None:
        def ids(flt: models.Filter) -> set:
            records, _ = client.scroll("docs", scroll_filter=flt, limit=100, with_payload=False)
            count = client.count("docs", count_filter=flt, exact=True).count
            assert count == len(records), (count, records)
            return ids_of(records)

        field = models.FieldCondition
        match = models.MatchValue
        cases = {
            "keyword": (models.Filter(must=[field(key="city", match=match(value="Berlin"))]), {1, 4}),
            "integer": (models.Filter(must=[field(key="count", match=match(value=20))]), {2}),
            "bool true": (models.Filter(must=[field(key="active", match=match(value=True))]), {1, 3}),
            "bool false": (models.Filter(must=[field(key="active", match=match(value=False))]), {2, UUID_B}),
            "any keywords": (
                models.Filter(must=[field(key="city", match=models.MatchAny(any=["Paris", "Rome"]))]),
                {3, UUID_A, UUID_B},
            ),
            "any integers": (
                models.Filter(must=[field(key="count", match=models.MatchAny(any=[10, 60]))]),
                {1, UUID_B},
            ),
            "range": (models.Filter(must=[field(key="count", range=models.Range(gte=20, lt=50))]), {2, 3, 4}),
            "float range": (models.Filter(must=[field(key="price", range=models.Range(gt=2))]), {2}),
            "datetime range": (
                models.Filter(must=[field(key="created", range=models.DatetimeRange(gte="2024-03-01T00:00:00Z"))]),
                {2},
            ),
            "has_id": (models.Filter(must=[models.HasIdCondition(has_id=[1, UUID_A])]), {1, UUID_A}),
            "is_empty": (
                models.Filter(must=[models.IsEmptyCondition(is_empty=models.PayloadField(key="tags"))]),
                {3, 4, 5, UUID_A, UUID_B},
            ),
            "is_null": (models.Filter(must=[models.IsNullCondition(is_null=models.PayloadField(key="nullable"))]), {3}),
            "is_null nested key": (
                models.Filter(must=[models.IsNullCondition(is_null=models.PayloadField(key="meta.n"))]),
                {1},
            ),
            "should": (
                models.Filter(
                    should=[field(key="city", match=match(value="Paris")), field(key="count", match=match(value=10))]
                ),
                {1, 3},
            ),
            "must_not": (models.Filter(must_not=[field(key="city", match=match(value="Berlin"))]), ALL_IDS - {1, 4}),
            "nested Filter": (
                models.Filter(
                    must=[
                        models.Filter(
                            should=[
                                field(key="city", match=match(value="London")),
                                field(key="city", match=match(value="Rome")),
                            ]
                        )
                    ]
                ),
                {2, UUID_A, UUID_B},
            ),
            "min_should": (
                models.Filter(
                    min_should=models.MinShould(
                        conditions=[
                            field(key="city", match=match(value="Berlin")),
                            field(key="active", match=match(value=True)),
                            field(key="count", match=match(value=10)),
                        ],
                        min_count=2,
                    )
                ),
                {1},
            ),
            "text": (models.Filter(must=[field(key="text", match=models.MatchText(text="hello"))]), {1}),
            "values_count": (models.Filter(must=[field(key="tags", values_count=models.ValuesCount(gte=2))]), {1}),
            "geo radius": (
                models.Filter(
                    must=[
                        field(
                            key="loc",
                            geo_radius=models.GeoRadius(center=models.GeoPoint(lon=13.4, lat=52.5), radius=1000),
                        )
                    ]
                ),
                {1},
            ),
            "nested array": (
                models.Filter(
                    must=[
                        models.NestedCondition(
                            nested=models.Nested(
                                key="nested", filter=models.Filter(must=[field(key="k", match=match(value=2))])
                            )
                        )
                    ]
                ),
                {4},
            ),
        }
        failures = []
        for name, (flt, expected) in cases.items():
            got = ids(flt)
            if got != expected:
                failures.append(f"{name}: expected {expected}, got {got}")
        except_ids = ids(
            models.Filter(must=[field(key="city", match=models.MatchExcept(**{"except": ["Berlin", "Rome"]}))])
        )
        if not {2, 3} <= except_ids or except_ids & {1, 4, UUID_A, UUID_B}:
            failures.append(f"except: got {except_ids}")
        assert not failures, "; ".join(failures)

    def unsupported_filter() -> None:
        with server.channel() as channel:
            stub = pb.PointsStub(channel)
            slice_filter = pb.Filter(must=[pb.Condition(slice=pb.SliceCondition(total=2, index=0))])
            details = expect_code(
                grpc.StatusCode.INVALID_ARGUMENT,
                stub.Count,
                pb.CountPoints(collection_name="docs", filter=slice_filter),
            )
            assert "slice" in details, details
            empty = pb.Filter(must=[pb.Condition(field=pb.FieldCondition(key="city"))])
            expect_code(
                grpc.StatusCode.INVALID_ARGUMENT, stub.Count, pb.CountPoints(collection_name="docs", filter=empty)
            )
        assert client.count("docs").count == len(PAYLOADS)  # server still healthy

    def scroll() -> None:
        seen, offset, pages = [], None, 0
        while True:
            records, offset = client.scroll("docs", limit=3, offset=offset, with_payload=True)
            seen.extend(r.id for r in records)
            pages += 1
            assert all(r.payload == PAYLOADS[r.id] for r in records)
            if offset is None:
                break
        assert pages == 3 and sorted(seen, key=str) == sorted(ALL_IDS, key=str) and len(seen) == len(ALL_IDS), seen
        flt = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Rome"))])
        records, offset = client.scroll("docs", scroll_filter=flt, limit=1)
        assert ids_of(records) == {UUID_A} and offset == UUID_B, (records, offset)
        ordered, _ = client.scroll(
            "docs", limit=3, order_by=models.OrderBy(key="count", direction=models.Direction.DESC)
        )
        assert [r.id for r in ordered] == [UUID_B, UUID_A, 4], ordered

    def search() -> None:
        with server.channel() as channel:
            stub = pb.PointsStub(channel)
            request = pb.SearchPoints(
                collection_name="docs",
                vector=[1, 0.05, 0, 0],
                limit=3,
                with_payload=pb.WithPayloadSelector(enable=True),
            )
            reply = stub.Search(request)
            assert [p.id.num for p in reply.result[:2]] == [1, 5], reply.result
            assert reply.time > 0 and reply.result[0].payload["city"].string_value == "Berlin", reply
            request.offset = 1
            assert [p.id.num for p in stub.Search(request).result][0] == 5
            request.ClearField("offset")
            request.score_threshold = 0.9
            assert {p.id.num for p in stub.Search(request).result} == {1, 5}
            request.ClearField("score_threshold")
            request.filter.CopyFrom(
                pb.Filter(must=[pb.Condition(field=pb.FieldCondition(key="city", match=pb.Match(keyword="Berlin")))])
            )
            assert [p.id.num for p in stub.Search(request).result] == [1, 4]
            batch = stub.SearchBatch(pb.SearchBatchPoints(collection_name="docs", search_points=[request, request]))
            assert len(batch.result) == 2 and batch.time > 0
            request.vector[:] = [1.0]
            expect_code(grpc.StatusCode.INVALID_ARGUMENT, stub.Search, request)

    def query() -> None:
        hits = client.query_points("docs", query=[1, 0.05, 0, 0], limit=3, with_payload=True).points
        assert [h.id for h in hits[:2]] == [1, 5] and hits[0].payload == PAYLOADS[1], hits
        assert hits[0].score >= hits[1].score >= hits[2].score
        offset_hits = client.query_points("docs", query=[1, 0.05, 0, 0], limit=2, offset=1).points
        assert [h.id for h in offset_hits] == [h.id for h in hits[1:3]] and offset_hits[0].payload is None, offset_hits
        above = client.query_points("docs", query=[1, 0.05, 0, 0], score_threshold=0.9).points
        assert ids_of(above) == {1, 5} and all(h.score >= 0.9 for h in above), above
        flt = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Rome"))])
        filtered = client.query_points("docs", query=[1, 0, 0, 0], query_filter=flt, with_payload=["count"]).points
        assert [h.id for h in filtered] == [UUID_A, UUID_B] and filtered[0].payload == {"count": 50}, filtered
        by_id = client.query_points("docs", query=1, limit=2).points
        assert [h.id for h in by_id] == [5, UUID_A], by_id  # the example point itself is excluded
        by_uuid = client.query_points("docs", query=UUID_A, limit=1, with_vectors=True).points
        assert by_uuid[0].id in (1, 5) and len(by_uuid[0].vector) == 4, by_uuid
        ordered = client.query_points("docs", query=models.OrderByQuery(order_by="count"), limit=3).points
        assert [h.id for h in ordered] == [1, 2, 3], ordered
        everything = client.query_points("docs", limit=100).points
        assert ids_of(everything) == ALL_IDS, everything
        batch = client.query_batch_points(
            "docs",
            requests=[
                models.QueryRequest(query=[0, 1, 0, 0], limit=1),
                models.QueryRequest(query=[0, 0, 1, 0], limit=1),
            ],
        )
        assert [[h.id for h in r.points] for r in batch] == [[2], [3]], batch
        expect_code(grpc.StatusCode.INVALID_ARGUMENT, client.query_points, "docs", query=[1, 0])
        expect_code(grpc.StatusCode.NOT_FOUND, client.query_points, "missing", query=[1, 0, 0, 0])
        expect_code(grpc.StatusCode.NOT_FOUND, client.query_points, "docs", query=424242)
        recommend = models.RecommendQuery(recommend=models.RecommendInput(positive=[1]))
        expect_code(grpc.StatusCode.INVALID_ARGUMENT, client.query_points, "docs", query=recommend)

    def hybrid() -> None:
        points = [
            models.PointStruct(
                id=1,
                vector={
                    "dense": [1, 0, 0],
                    "far": [0, 0],
                    "sparse": models.SparseVector(indices=[1, 7], values=[0.5, 1.0]),
                },
            ),
            models.PointStruct(
                id=2,
                vector={"dense": [0, 1, 0], "far": [3, 4], "sparse": models.SparseVector(indices=[2], values=[1.0])},
            ),
            models.PointStruct(id=3, vector={"dense": [0, 0, 1]}, payload={"only": "dense"}),
        ]
        client.upsert("hybrid", points=points)
        near = client.query_points("hybrid", query=[0, 0.9, 0.1], using="dense", limit=1).points
        assert near[0].id == 2, near
        far = client.query_points("hybrid", query=[3, 4], using="far", limit=2).points
        assert [h.id for h in far] == [2, 1] and far[1].score == 5.0, far  # Euclid reports the distance
        sparse = client.query_points(
            "hybrid", query=models.SparseVector(indices=[7], values=[1.0]), using="sparse"
        ).points
        assert [h.id for h in sparse] == [1], sparse
        fused = client.query_points(
            "hybrid",
            prefetch=[
                models.Prefetch(query=[1, 0.2, 0], using="dense", limit=3),
                models.Prefetch(query=models.SparseVector(indices=[1], values=[1.0]), using="sparse", limit=3),
            ],
            query=models.FusionQuery(fusion=models.Fusion.RRF),
            limit=3,
        ).points
        assert fused[0].id == 1, fused
        records = client.retrieve("hybrid", ids=[1], with_vectors=True)
        assert set(records[0].vector) == {"dense", "far", "sparse"}, records
        assert records[0].vector["sparse"].indices == [1, 7], records
        client.delete_vectors("hybrid", vectors=["sparse"], points=[1])
        client.update_vectors("hybrid", points=[models.PointVectors(id=3, vector={"far": [1, 1]})])
        records = {r.id: r for r in client.retrieve("hybrid", ids=[1, 3], with_vectors=["far", "sparse"])}
        assert "sparse" not in records[1].vector and records[3].vector["far"] == [1.0, 1.0], records

    def payload_ops() -> None:
        def payload(point_id):
            return client.retrieve("docs", ids=[point_id])[0].payload

        client.set_payload("docs", payload={"extra": 1, "deep": {"a": [1, {"b": None}]}}, points=[1], wait=True)
        assert payload(1) == {**PAYLOADS[1], "extra": 1, "deep": {"a": [1, {"b": None}]}}, payload(1)
        client.set_payload("docs", payload={"x": 1}, points=[1], key="meta")
        assert payload(1)["meta"] == {"lang": "de", "n": None, "x": 1}, payload(1)
        client.delete_payload("docs", keys=["extra", "deep"], points=[1])
        client.set_payload("docs", payload={"meta": PAYLOADS[1]["meta"]}, points=[1])
        assert payload(1) == PAYLOADS[1], payload(1)
        client.overwrite_payload("docs", payload={"only": True}, points=[2])
        assert payload(2) == {"only": True}, payload(2)
        rome = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Rome"))])
        client.set_payload("docs", payload={"region": "eu"}, points=models.FilterSelector(filter=rome))
        assert payload(UUID_A)["region"] == "eu" and payload(UUID_B)["region"] == "eu"
        client.delete_payload("docs", keys=["region"], points=rome)
        assert "region" not in payload(UUID_A)
        client.clear_payload("docs", points_selector=[3])
        assert payload(3) == {}, payload(3)
        expect_code(grpc.StatusCode.NOT_FOUND, client.set_payload, "docs", payload={"a": 1}, points=[4242])
        client.overwrite_payload("docs", payload=PAYLOADS[2], points=[2])
        client.overwrite_payload("docs", payload=PAYLOADS[3], points=[3])

    def facet() -> None:
        hits = client.facet("docs", key="city", exact=True).hits
        assert {(h.value, h.count) for h in hits} == {("Berlin", 2), ("Rome", 2), ("London", 1), ("Paris", 1)}, hits

    def batch_and_delete() -> None:
        results = client.batch_update_points(
            "docs",
            update_operations=[
                models.UpsertOperation(
                    upsert=models.PointsList(
                        points=[models.PointStruct(id=7, vector=[1, 1, 1, 1], payload={"tmp": True})]
                    )
                ),
                models.SetPayloadOperation(set_payload=models.SetPayload(payload={"tmp2": 1}, points=[7])),
                models.DeleteOperation(delete=models.PointIdsList(points=[7])),
            ],
        )
        assert len(results) == 3 and all(r.status == models.UpdateStatus.COMPLETED for r in results), results
        assert client.count("docs").count == len(PAYLOADS)
        client.upsert(
            "docs",
            points=[
                models.PointStruct(id=8, vector=[0, 0, 0, 1], payload={"city": "Tmp"}),
                models.PointStruct(id=9, vector=[0, 0, 1, 1], payload={"city": "Tmp"}),
            ],
        )
        assert client.delete("docs", points_selector=[8]).status == models.UpdateStatus.COMPLETED
        tmp = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value="Tmp"))])
        client.delete("docs", points_selector=models.FilterSelector(filter=tmp))
        assert client.count("docs").count == len(PAYLOADS) and not client.retrieve("docs", ids=[8, 9])

    def responses_have_time() -> None:
        with server.channel() as channel:
            points, collections = pb.PointsStub(channel), pb.CollectionsStub(channel)
            replies = [
                points.Count(pb.CountPoints(collection_name="docs")),
                points.Get(pb.GetPoints(collection_name="docs", ids=[pb.PointId(num=1)])),
                points.Scroll(pb.ScrollPoints(collection_name="docs")),
                collections.List(pb.ListCollectionsRequest()),
                collections.Get(pb.GetCollectionInfoRequest(collection_name="docs")),
                points.SetPayload(
                    pb.SetPayloadPoints(
                        collection_name="docs",
                        points_selector=pb.PointsSelector(points=pb.PointsIdsList(ids=[pb.PointId(num=5)])),
                    )
                ),
            ]
            assert all(r.time > 0 for r in replies), [r.time for r in replies]
            default_payload = points.Get(pb.GetPoints(collection_name="docs", ids=[pb.PointId(num=1)]))
            assert default_payload.result[0].payload["city"].string_value == "Berlin"  # Get defaults to with_payload

    def aliases() -> None:
        client.update_collection_aliases(
            change_aliases_operations=[
                models.CreateAliasOperation(
                    create_alias=models.CreateAlias(collection_name="docs", alias_name="docs_live")
                )
            ]
        )
        assert client.count("docs_live").count == len(PAYLOADS)
        assert client.collection_exists("docs_live")
        assert [(a.alias_name, a.collection_name) for a in client.get_aliases().aliases] == [("docs_live", "docs")]
        assert [a.alias_name for a in client.get_collection_aliases("docs").aliases] == ["docs_live"]
        client.update_collection_aliases(
            change_aliases_operations=[
                models.CreateAliasOperation(
                    create_alias=models.CreateAlias(collection_name="hybrid", alias_name="tmp_alias")
                )
            ]
        )
        client.update_collection_aliases(
            change_aliases_operations=[
                models.RenameAliasOperation(
                    rename_alias=models.RenameAlias(old_alias_name="tmp_alias", new_alias_name="tmp_alias2")
                )
            ]
        )
        assert client.count("tmp_alias2").count == 3
        expect_code(grpc.StatusCode.NOT_FOUND, client.count, "tmp_alias")
        client.update_collection_aliases(
            change_aliases_operations=[
                models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name="tmp_alias2"))
            ]
        )
        assert len(client.get_aliases().aliases) == 1

    def concurrency() -> None:
        client.create_collection("conc", vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT))
        errors: list[Exception] = []

        def worker(n: int) -> None:
            try:
                for i in range(25):
                    point_id = n * 100 + i
                    client.upsert(
                        "conc", points=[models.PointStruct(id=point_id, vector=[n, i, 1, 0], payload={"w": n})]
                    )
                    client.query_points("conc", query=[1, 1, 1, 1], limit=5)
                    client.count("conc")
            except Exception as e:  # noqa: BLE001 -- collected and asserted below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert client.count("conc").count == 100

    def delete_collection() -> None:
        assert client.delete_collection("conc")
        assert not client.delete_collection("conc")
        assert not client.collection_exists("conc")
        expect_code(grpc.StatusCode.NOT_FOUND, client.count, "conc")

    checks.run("Upsert + Get (payload round trip, selectors)", upsert_and_retrieve)
    checks.run("Upsert errors: wrong dimension, missing collection, bad UUID, inference", upsert_errors)
    checks.run("CreateFieldIndex / DeleteFieldIndex / collection info", field_indexes)
    checks.run("Filters via Scroll + Count", filters)
    checks.run("Unsupported / empty condition -> INVALID_ARGUMENT", unsupported_filter)
    checks.run("Scroll pagination, filter, order_by", scroll)
    checks.run("Search / SearchBatch (raw gRPC)", search)
    checks.run("Query / QueryBatch", query)
    checks.run("Named, sparse, fusion; UpdateVectors / DeleteVectors", hybrid)
    checks.run("SetPayload / OverwritePayload / DeletePayload / ClearPayload", payload_ops)
    checks.run("Facet", facet)
    checks.run("UpdateBatch + Delete by ids and filter", batch_and_delete)
    checks.run("Every reply sets time; Get defaults", responses_have_time)
    checks.run("Aliases", aliases)
    checks.run("Concurrent upserts and queries", concurrency)
    checks.run("Delete collection", delete_collection)


def snapshot(client: QdrantClient) -> dict:
    """State that must survive a restart."""
    info = client.get_collection("docs")
    return {
        "collections": sorted(c.name for c in client.get_collections().collections),
        "points": info.points_count,
        "schema": {k: v.data_type for k, v in info.payload_schema.items()},
        "payloads": {r.id: r.payload for r in client.retrieve("docs", ids=list(PAYLOADS))},
        "query": [
            (h.id, round(h.score, 5)) for h in client.query_points("docs", query=[1, 0.2, 0.1, 0], limit=5).points
        ],
        "aliases": [(a.alias_name, a.collection_name) for a in client.get_aliases().aliases],
        "hybrid": client.count("hybrid").count,
    }


def check_restart(checks: Checks, server: Server, storage: str, log_path: str) -> Server:
    client = server.client()
    before = snapshot(client)
    client.close()
    new_server: list[Server] = [server]

    def restart() -> None:
        assert server.stop() == 0, f"exit code {server.proc.returncode}\n{server.log_tail()}"
        new_server[0] = Server(storage, log_path)
        with contextlib.closing(new_server[0].client()) as restarted:
            after = snapshot(restarted)
            assert after == before, f"\nbefore: {before}\nafter:  {after}"

    def crash() -> None:
        with contextlib.closing(new_server[0].client()) as live:
            live.upsert("docs", points=[models.PointStruct(id=10, vector=[1, 0, 0, 0], payload={"city": "Oslo"})])
            live.create_payload_index("docs", "uid", field_schema=models.PayloadSchemaType.UUID)
        new_server[0].proc.kill()
        new_server[0].proc.wait()
        new_server[0] = Server(storage, log_path)
        with contextlib.closing(new_server[0].client()) as recovered:
            assert recovered.count("docs").count == len(PAYLOADS) + 1
            assert recovered.retrieve("docs", ids=[10])[0].payload == {"city": "Oslo"}
            assert "uid" in recovered.get_collection("docs").payload_schema

    checks.run("Restart (SIGTERM) keeps collections, points, indexes, aliases", restart)
    checks.run("Crash (SIGKILL) keeps acknowledged writes", crash)
    return new_server[0]


def check_api_key(checks: Checks, tmp: str) -> None:
    def api_key() -> None:
        server = Server(":memory:", os.path.join(tmp, "api-key.log"), "--api-key", "s3cret")
        try:
            with contextlib.closing(server.client()) as anonymous:
                expect_code(grpc.StatusCode.UNAUTHENTICATED, anonymous.get_collections)
                assert anonymous.info().version  # HealthCheck needs no key, as in Qdrant
            with contextlib.closing(server.client(api_key="s3cret", https=False)) as authorized:
                authorized.create_collection(
                    "k", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT)
                )
                assert [c.name for c in authorized.get_collections().collections] == ["k"]
            assert http_get(f"{server.http_url}/collections")[0] == 401
            assert http_get(f"{server.http_url}/healthz")[0] == 200
        finally:
            assert server.stop() == 0

    checks.run("--api-key enforcement (:memory: storage)", api_key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="qdrant-dev-smoke-")
    storage = os.path.join(tmp, "storage")
    log_path = os.path.join(tmp, "server.log")
    checks = Checks()
    server = None
    try:
        server = Server(storage, log_path)
        with contextlib.closing(server.client(check_compatibility=True)) as client:
            check_service(checks, server, client)
            check_collections(checks, server, client)
            check_points(checks, server, client)
        server = check_restart(checks, server, storage, log_path)
        check_api_key(checks, tmp)
    except Exception as e:  # noqa: BLE001 -- harness failure counts as a failed check
        checks.failed += 1
        print(f"FAIL harness: {type(e).__name__}: {e}", flush=True)
        traceback.print_exc()
    finally:
        if server is not None:
            server.stop()
        if checks.failed and os.path.exists(log_path):
            print("---- server log (tail) ----")
            print(server.log_tail(60) if server else "")
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
