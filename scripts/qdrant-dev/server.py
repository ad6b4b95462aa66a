#!/usr/bin/env python3
"""Qdrant-API dev/test server for braid -- NOT for production.

Production runs the real ``qdrant/qdrant`` image. No package registry ships
the Qdrant server, so for local development and tests this script serves
Qdrant's gRPC API -- the one the Rust ``qdrant-client`` crate talks to -- on
top of Qdrant's embedded engine from the ``qdrant-edge-py`` wheel. The app's
real ``qdrant-client`` code path therefore runs unchanged in tests.

What it serves:

* gRPC (``--grpc-port``): ``qdrant.Qdrant/HealthCheck``, the collections
  service (Create, Get, List, Delete, CollectionExists, UpdateAliases,
  ListAliases, ListCollectionAliases) and the points service (Upsert, Delete,
  Get, UpdateVectors, DeleteVectors, SetPayload, OverwritePayload,
  DeletePayload, ClearPayload, CreateFieldIndex, DeleteFieldIndex, Search,
  SearchBatch, Scroll, Count, UpdateBatch, Query, QueryBatch, Facet), plus the
  standard ``grpc.health.v1.Health`` service. Any other RPC answers
  UNIMPLEMENTED.
* REST (``--http-port``), a small subset: ``GET /``, ``/healthz``,
  ``/livez``, ``/readyz`` and ``/collections``.

Each collection is one engine shard in ``STORAGE/collections/NAME/shard``
(points and payload indexes, with a write-ahead log) plus ``meta.json``
beside it: the create request (vector config, checked against the shard when
it is re-opened on start and echoed by Get) and the declared payload indexes
(type and params). Aliases live in ``STORAGE/aliases.json``. Everything
survives a restart, and acknowledged writes survive a crash.
``--storage-path :memory:`` uses a temporary directory removed on exit.
Writes are applied synchronously: every update answers status Completed,
whatever ``wait`` says.

Limits (answered with INVALID_ARGUMENT): inference inputs (Document, Image,
InferenceObject), recommend/discover/context/formula/MMR/text/relevance-
feedback queries, ``lookup_from``, slice conditions, stemmer/stopwords
options of text indexes. Sharding, replication, write ordering, read
consistency and timeouts are single-node no-ops; HNSW, quantization,
optimizer and WAL settings are accepted and echoed but not applied.

Usage::

    python server.py --host 127.0.0.1 --grpc-port 56334 --http-port 56333 \\
        --storage-path DIR [--api-key KEY] [--log-level INFO]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import itertools
import json
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent import futures
from datetime import UTC, datetime
from typing import Any

import grpc
import numpy
import qdrant_edge as qe
from google.protobuf import json_format
from grpc_health.v1 import health, health_pb2_grpc
from qdrant_client import grpc as pb

# Reported by HealthCheck and ``GET /``: the qdrant-client version pinned in
# requirements.txt, so client compatibility checks pass.
VERSION = "1.20.0"
TITLE = "qdrant - vector search engine"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Qdrant's default RRF constant when the request does not set one.
DEFAULT_RRF_K = 2

log = logging.getLogger("qdrant-dev")

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND


class ApiError(Exception):
    """An error answered to the client with a specific gRPC status code."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def engine_error_code(message: str) -> grpc.StatusCode:
    """Map an engine error message to the status code Qdrant would use."""
    if message.startswith("No point with id") or "not found" in message.lower():
        return NOT_FOUND
    if message.startswith(("Service internal error", "Service runtime error")):
        return grpc.StatusCode.INTERNAL
    return INVALID


def collection_not_found(name: str) -> ApiError:
    return ApiError(NOT_FOUND, f"Not found: Collection `{name}` doesn't exist!")


# --------------------------------------------------------------------------
# Conversions: protobuf messages <-> engine (qdrant_edge) objects
# --------------------------------------------------------------------------

DISTANCES = {
    pb.Distance.Cosine: qe.Distance.Cosine,
    pb.Distance.Euclid: qe.Distance.Euclid,
    pb.Distance.Dot: qe.Distance.Dot,
    pb.Distance.Manhattan: qe.Distance.Manhattan,
}
DATATYPES = {
    pb.Datatype.Float32: qe.VectorStorageDatatype.Float32,
    pb.Datatype.Float16: qe.VectorStorageDatatype.Float16,
    pb.Datatype.Uint8: qe.VectorStorageDatatype.Uint8,
    pb.Datatype.Turbo8: qe.VectorStorageDatatype.Turbo8,
    pb.Datatype.Turbo16: qe.VectorStorageDatatype.Turbo16,
}
MEMORY = {
    pb.Memory.Cold: qe.Memory.Cold,
    pb.Memory.Cached: qe.Memory.Cached,
    pb.Memory.Pinned: qe.Memory.Pinned,
}
TOKENIZERS = {
    pb.TokenizerType.Prefix: qe.TokenizerType.Prefix,
    pb.TokenizerType.Whitespace: qe.TokenizerType.Whitespace,
    pb.TokenizerType.Word: qe.TokenizerType.Word,
    pb.TokenizerType.Multilingual: qe.TokenizerType.Multilingual,
    pb.TokenizerType.Code: qe.TokenizerType.Code,
}
SCHEMA_TYPES = {
    qe.PayloadSchemaType.Keyword: pb.PayloadSchemaType.Keyword,
    qe.PayloadSchemaType.Integer: pb.PayloadSchemaType.Integer,
    qe.PayloadSchemaType.Float: pb.PayloadSchemaType.Float,
    qe.PayloadSchemaType.Geo: pb.PayloadSchemaType.Geo,
    qe.PayloadSchemaType.Text: pb.PayloadSchemaType.Text,
    qe.PayloadSchemaType.Bool: pb.PayloadSchemaType.Bool,
    qe.PayloadSchemaType.Datetime: pb.PayloadSchemaType.Datetime,
    qe.PayloadSchemaType.Uuid: pb.PayloadSchemaType.Uuid,
}
FIELD_TYPES = {
    pb.FieldType.FieldTypeKeyword: qe.PayloadSchemaType.Keyword,
    pb.FieldType.FieldTypeInteger: qe.PayloadSchemaType.Integer,
    pb.FieldType.FieldTypeFloat: qe.PayloadSchemaType.Float,
    pb.FieldType.FieldTypeGeo: qe.PayloadSchemaType.Geo,
    pb.FieldType.FieldTypeText: qe.PayloadSchemaType.Text,
    pb.FieldType.FieldTypeBool: qe.PayloadSchemaType.Bool,
    pb.FieldType.FieldTypeDatetime: qe.PayloadSchemaType.Datetime,
    pb.FieldType.FieldTypeUuid: qe.PayloadSchemaType.Uuid,
}
# PayloadIndexParams variant -> (engine params class, the FieldType it implies).
INDEX_PARAMS = {
    "keyword_index_params": (qe.KeywordIndexParams, pb.FieldType.FieldTypeKeyword),
    "integer_index_params": (qe.IntegerIndexParams, pb.FieldType.FieldTypeInteger),
    "float_index_params": (qe.FloatIndexParams, pb.FieldType.FieldTypeFloat),
    "geo_index_params": (qe.GeoIndexParams, pb.FieldType.FieldTypeGeo),
    "text_index_params": (qe.TextIndexParams, pb.FieldType.FieldTypeText),
    "bool_index_params": (qe.BoolIndexParams, pb.FieldType.FieldTypeBool),
    "datetime_index_params": (qe.DatetimeIndexParams, pb.FieldType.FieldTypeDatetime),
    "uuid_index_params": (qe.UuidIndexParams, pb.FieldType.FieldTypeUuid),
}


def point_id_from_proto(point_id: pb.PointId) -> int | uuid.UUID:
    kind = point_id.WhichOneof("point_id_options")
    if kind == "num":
        return point_id.num
    if kind == "uuid":
        try:
            return uuid.UUID(point_id.uuid)
        except ValueError:
            raise ApiError(INVALID, f"Unable to parse UUID: {point_id.uuid}") from None
    raise ApiError(INVALID, "Point id is empty: set `num` or `uuid`")


def point_id_to_proto(point_id: int | uuid.UUID) -> pb.PointId:
    if isinstance(point_id, int):
        return pb.PointId(num=point_id)
    return pb.PointId(uuid=str(point_id))


def value_from_proto(value: pb.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if kind == "struct_value":
        return payload_from_proto(value.struct_value.fields)
    if kind == "list_value":
        return [value_from_proto(item) for item in value.list_value.values]
    return getattr(value, kind)


def payload_from_proto(fields) -> dict[str, Any]:
    return {key: value_from_proto(value) for key, value in fields.items()}


def value_to_proto(obj: Any) -> pb.Value:
    if obj is None:
        return pb.Value(null_value=pb.NULL_VALUE)
    if isinstance(obj, bool):
        return pb.Value(bool_value=obj)
    if isinstance(obj, int):
        if INT64_MIN <= obj <= INT64_MAX:
            return pb.Value(integer_value=obj)
        return pb.Value(double_value=float(obj))
    if isinstance(obj, float):
        return pb.Value(double_value=obj)
    if isinstance(obj, str):
        return pb.Value(string_value=obj)
    value = pb.Value()
    if isinstance(obj, dict):
        value.struct_value.SetInParent()
        fill_payload(value.struct_value.fields, obj)
    elif isinstance(obj, (list, tuple)):
        value.list_value.SetInParent()
        value.list_value.values.extend(value_to_proto(item) for item in obj)
    else:
        raise TypeError(f"cannot convert payload value of type {type(obj).__name__}")
    return value


def fill_payload(target, payload: dict[str, Any] | None) -> None:
    """Copy a python payload into a protobuf ``map<string, Value>`` field."""
    for key, obj in (payload or {}).items():
        target[key].CopyFrom(value_to_proto(obj))


def vector_from_proto(vector: pb.Vector) -> Any:
    """Engine form of a ``Vector``: dense list, multi-dense list of lists or SparseVector."""
    kind = vector.WhichOneof("vector")
    if kind == "dense":
        return list(vector.dense.data)
    if kind == "sparse":
        return qe.SparseVector(list(vector.sparse.indices), list(vector.sparse.values))
    if kind == "multi_dense":
        return [list(dense.data) for dense in vector.multi_dense.vectors]
    if kind is not None:
        raise ApiError(INVALID, f"`{kind}` vectors need server-side inference, which the dev server does not provide")
    # Deprecated encoding: flat `data`, plus `indices` (sparse) or `vectors_count` (multi-dense).
    data = list(vector.data)
    if vector.HasField("indices"):
        return qe.SparseVector(list(vector.indices.data), data)
    if vector.HasField("vectors_count"):
        count = vector.vectors_count
        if count == 0 or len(data) % count:
            raise ApiError(INVALID, f"Cannot split {len(data)} values into {count} vectors")
        step = len(data) // count
        return [data[i : i + step] for i in range(0, len(data), step)]
    return data


def vectors_from_proto(vectors: pb.Vectors) -> Any:
    kind = vectors.WhichOneof("vectors_options")
    if kind == "vector":
        return vector_from_proto(vectors.vector)
    if kind == "vectors":
        return {name: vector_from_proto(v) for name, v in vectors.vectors.vectors.items()}
    return {}


def vector_to_proto(vector: Any) -> pb.VectorOutput:
    if isinstance(vector, qe.SparseVector):
        return pb.VectorOutput(sparse=pb.SparseVector(values=vector.values, indices=vector.indices))
    if vector and isinstance(vector[0], list):
        return pb.VectorOutput(multi_dense=pb.MultiDenseVector(vectors=[pb.DenseVector(data=v) for v in vector]))
    return pb.VectorOutput(dense=pb.DenseVector(data=vector))


def vectors_to_proto(vectors: Any) -> pb.VectorsOutput:
    if isinstance(vectors, dict) and list(vectors) == [""]:
        vectors = vectors[""]
    if isinstance(vectors, dict):
        named = pb.NamedVectorsOutput()
        for name, vector in vectors.items():
            named.vectors[name].CopyFrom(vector_to_proto(vector))
        return pb.VectorsOutput(vectors=named)
    return pb.VectorsOutput(vector=vector_to_proto(vectors))


def with_payload_from_proto(selector: pb.WithPayloadSelector, default: bool) -> Any:
    kind = selector.WhichOneof("selector_options")
    if kind == "enable":
        return selector.enable
    if kind == "include":
        return list(selector.include.fields)
    if kind == "exclude":
        return qe.PayloadSelector.Exclude(list(selector.exclude.fields))
    return default


def with_vectors_from_proto(selector: pb.WithVectorsSelector) -> bool | list[str]:
    if selector.WhichOneof("selector_options") == "include":
        return list(selector.include.names)
    return selector.enable


def optional(message, field: str) -> Any:
    """Value of a proto3 ``optional`` field, or None when unset."""
    return getattr(message, field) if message.HasField(field) else None


def match_from_proto(match: pb.Match) -> Any:
    kind = match.WhichOneof("match_value")
    if kind in ("keyword", "integer"):
        return qe.MatchValue(getattr(match, kind))
    if kind == "boolean":
        # The engine binding reads a python bool as integer 1/0 (bool is an
        # int subclass); numpy.bool_ is not, so it arrives as a real boolean.
        return qe.MatchValue(numpy.bool_(match.boolean))
    if kind == "text":
        return qe.MatchText(match.text)
    if kind == "text_any":
        return qe.MatchTextAny(match.text_any)
    if kind == "phrase":
        return qe.MatchPhrase(match.phrase)
    if kind == "prefix":
        return qe.MatchPrefix(match.prefix)
    if kind == "substring":
        return qe.MatchSubstring(match.substring)
    if kind == "keywords":
        return qe.MatchAny(list(match.keywords.strings))
    if kind == "integers":
        return qe.MatchAny(list(match.integers.integers))
    if kind == "except_keywords":
        return qe.MatchExcept(list(match.except_keywords.strings))
    if kind == "except_integers":
        return qe.MatchExcept(list(match.except_integers.integers))
    raise ApiError(INVALID, "Match condition is empty")


def geo_point(point: pb.GeoPoint) -> qe.GeoPoint:
    return qe.GeoPoint(lon=point.lon, lat=point.lat)


def field_condition_from_proto(field: pb.FieldCondition) -> qe.FieldCondition:
    kwargs: dict[str, Any] = {}
    if field.HasField("match"):
        kwargs["match"] = match_from_proto(field.match)
    if field.HasField("range"):
        r = field.range
        kwargs["range"] = qe.RangeFloat(
            gte=optional(r, "gte"), gt=optional(r, "gt"), lte=optional(r, "lte"), lt=optional(r, "lt")
        )
    if field.HasField("datetime_range"):
        r = field.datetime_range
        bounds = {b: getattr(r, b).ToJsonString() for b in ("gte", "gt", "lte", "lt") if r.HasField(b)}
        kwargs["range"] = qe.RangeDateTime(**bounds)
    if field.HasField("geo_bounding_box"):
        box = field.geo_bounding_box
        kwargs["geo_bounding_box"] = qe.GeoBoundingBox(geo_point(box.top_left), geo_point(box.bottom_right))
    if field.HasField("geo_radius"):
        kwargs["geo_radius"] = qe.GeoRadius(geo_point(field.geo_radius.center), field.geo_radius.radius)
    if field.HasField("geo_polygon"):
        polygon = field.geo_polygon
        kwargs["geo_polygon"] = qe.GeoPolygon(
            [geo_point(p) for p in polygon.exterior.points],
            [[geo_point(p) for p in ring.points] for ring in polygon.interiors] or None,
        )
    if field.HasField("values_count"):
        c = field.values_count
        kwargs["values_count"] = qe.ValuesCount(
            lt=optional(c, "lt"), gt=optional(c, "gt"), gte=optional(c, "gte"), lte=optional(c, "lte")
        )
    if field.HasField("is_empty"):
        kwargs["is_empty"] = field.is_empty
    if field.HasField("is_null"):
        kwargs["is_null"] = field.is_null
    if not kwargs:
        raise ApiError(INVALID, f"Field condition on `{field.key}` has no condition set")
    return qe.FieldCondition(field.key, **kwargs)


def condition_from_proto(condition: pb.Condition) -> Any:
    kind = condition.WhichOneof("condition_one_of")
    if kind == "field":
        return field_condition_from_proto(condition.field)
    if kind == "is_empty":
        return qe.IsEmptyCondition(condition.is_empty.key)
    if kind == "is_null":
        return qe.IsNullCondition(condition.is_null.key)
    if kind == "has_id":
        return qe.HasIdCondition({point_id_from_proto(p) for p in condition.has_id.has_id})
    if kind == "has_vector":
        return qe.HasVectorCondition(condition.has_vector.has_vector)
    if kind == "filter":
        return filter_from_proto(condition.filter)
    if kind == "nested":
        return qe.NestedCondition(condition.nested.key, filter_from_proto(condition.nested.filter))
    if kind is None:
        raise ApiError(INVALID, "Condition is empty")
    raise ApiError(INVALID, f"`{kind}` conditions are not supported by the dev server")


def filter_from_proto(flt: pb.Filter) -> qe.Filter:
    def conditions(items) -> list | None:
        return [condition_from_proto(c) for c in items] or None

    min_should = None
    if flt.HasField("min_should"):
        min_should = qe.MinShould(conditions(flt.min_should.conditions) or [], flt.min_should.min_count)
    return qe.Filter(
        must=conditions(flt.must),
        should=conditions(flt.should),
        must_not=conditions(flt.must_not),
        min_should=min_should,
    )


def optional_filter(message, field: str = "filter") -> qe.Filter | None:
    return filter_from_proto(getattr(message, field)) if message.HasField(field) else None


def exclude_ids(flt: qe.Filter | None, ids: set) -> qe.Filter | None:
    """Add ``must_not has_id`` for points used as query examples (as Qdrant does)."""
    if not ids:
        return flt
    return qe.Filter(must=[flt] if flt is not None else None, must_not=[qe.HasIdCondition(ids)])


def search_params_from_proto(params: pb.SearchParams) -> qe.SearchParams:
    return qe.SearchParams(
        hnsw_ef=optional(params, "hnsw_ef"),
        exact=params.exact,
        indexed_only=params.indexed_only,
    )


def optional_search_params(message) -> qe.SearchParams | None:
    return search_params_from_proto(message.params) if message.HasField("params") else None


def order_by_from_proto(order_by: pb.OrderBy) -> qe.OrderBy:
    direction = None
    if order_by.HasField("direction"):
        direction = qe.Direction.Desc if order_by.direction == pb.Direction.Desc else qe.Direction.Asc
    start_from = None
    if order_by.HasField("start_from"):
        kind = order_by.start_from.WhichOneof("value")
        if kind == "timestamp":
            start_from = order_by.start_from.timestamp.ToJsonString()
        elif kind is not None:
            start_from = getattr(order_by.start_from, kind)
    return qe.OrderBy(order_by.key, direction, start_from)


def points_selector_from_proto(message, field: str) -> tuple[list | None, qe.Filter | None]:
    """Split a ``PointsSelector`` into (ids, None) or (None, filter)."""
    if not message.HasField(field):
        raise ApiError(INVALID, f"`{field}` (a PointsSelector) is expected")
    selector = getattr(message, field)
    kind = selector.WhichOneof("points_selector_one_of")
    if kind == "points":
        return [point_id_from_proto(p) for p in selector.points.ids], None
    if kind == "filter":
        return None, filter_from_proto(selector.filter)
    raise ApiError(INVALID, f"`{field}` is empty: set ids or a filter")


def index_params_from_proto(params: pb.PayloadIndexParams) -> tuple[Any, int]:
    """Engine index params (e.g. ``qe.IntegerIndexParams``) and the FieldType they imply."""
    kind = params.WhichOneof("index_params")
    if kind is None:
        raise ApiError(INVALID, "field_index_params is empty")
    kwargs: dict[str, Any] = {}
    for field, value in getattr(params, kind).ListFields():
        if field.name == "memory":
            if value in MEMORY:
                kwargs["memory"] = MEMORY[value]
        elif field.name == "tokenizer":
            if value not in TOKENIZERS:
                raise ApiError(INVALID, f"Unknown tokenizer {value}")
            kwargs["tokenizer"] = TOKENIZERS[value]
        elif field.name in ("prefix", "scoring"):
            kwargs[field.name] = True
        elif field.message_type is not None:
            raise ApiError(INVALID, f"`{kind}.{field.name}` is not supported by the dev server")
        else:
            kwargs[field.name] = value
    engine_class, field_type = INDEX_PARAMS[kind]
    return engine_class(**kwargs), field_type


def vector_params_from_proto(name: str, params: pb.VectorParams) -> qe.EdgeVectorParams:
    label = f"vector `{name}`" if name else "vector"
    if params.size == 0:
        raise ApiError(INVALID, f"Validation error: {label} size must be at least 1")
    if params.distance not in DISTANCES:
        raise ApiError(INVALID, f"Validation error: {label} needs a distance (Cosine, Euclid, Dot or Manhattan)")
    datatype = None
    if params.HasField("datatype") and params.datatype != pb.Datatype.Default:
        if params.datatype not in DATATYPES:
            raise ApiError(INVALID, f"Datatype {pb.Datatype.Name(params.datatype)} is not supported by the dev server")
        datatype = DATATYPES[params.datatype]
    multivector = None
    if params.HasField("multivector_config"):
        multivector = qe.MultiVectorConfig(qe.MultiVectorComparator.MaxSim)
    return qe.EdgeVectorParams(
        int(params.size), DISTANCES[params.distance], multivector_config=multivector, datatype=datatype
    )


def engine_config(create: pb.CreateCollection) -> qe.EdgeConfig:
    """Engine shard config for a CreateCollection request (vectors and sparse vectors)."""
    vectors: dict[str, qe.EdgeVectorParams] = {}
    if create.HasField("vectors_config"):
        config = create.vectors_config
        if config.WhichOneof("config") == "params":
            vectors[""] = vector_params_from_proto("", config.params)
        elif config.WhichOneof("config") == "params_map":
            for name, params in config.params_map.map.items():
                vectors[name] = vector_params_from_proto(name, params)
    sparse = {}
    for name, params in create.sparse_vectors_config.map.items():
        modifier = qe.Modifier.Idf if params.modifier == pb.Modifier.Idf else None
        threshold = optional(params.index, "full_scan_threshold") if params.HasField("index") else None
        sparse[name] = qe.EdgeSparseVectorParams(full_scan_threshold=threshold, modifier=modifier)
    if not vectors and not sparse:
        raise ApiError(INVALID, "The dev server needs at least one dense or sparse vector in the collection config")
    return qe.EdgeConfig(vectors=vectors, sparse_vectors=sparse or None)


def scored_point_to_proto(point: qe.ScoredPoint) -> pb.ScoredPoint:
    out = pb.ScoredPoint(id=point_id_to_proto(point.id), score=point.score, version=point.version)
    fill_payload(out.payload, point.payload)
    if point.vector is not None:
        out.vectors.CopyFrom(vectors_to_proto(point.vector))
    if point.order_value is not None:
        out.order_value.CopyFrom(order_value_to_proto(point.order_value))
    return out


def record_to_proto(record: qe.Record) -> pb.RetrievedPoint:
    out = pb.RetrievedPoint(id=point_id_to_proto(record.id))
    fill_payload(out.payload, record.payload)
    if record.vector is not None:
        out.vectors.CopyFrom(vectors_to_proto(record.vector))
    if record.order_value is not None:
        out.order_value.CopyFrom(order_value_to_proto(record.order_value))
    return out


def order_value_to_proto(value: int | float) -> pb.OrderValue:
    return pb.OrderValue(int=value) if isinstance(value, int) else pb.OrderValue(float=value)


def facet_value_to_proto(value: str | int | bool) -> pb.FacetValue:
    if isinstance(value, bool):
        return pb.FacetValue(bool_value=value)
    if isinstance(value, int):
        return pb.FacetValue(integer_value=value)
    return pb.FacetValue(string_value=value)


def default_collection_config() -> pb.CollectionConfig:
    """Qdrant's defaults, reported for settings the create request left out."""
    return pb.CollectionConfig(
        params=pb.CollectionParams(
            shard_number=1, replication_factor=1, write_consistency_factor=1, on_disk_payload=True
        ),
        hnsw_config=pb.HnswConfigDiff(
            m=16, ef_construct=100, full_scan_threshold=10000, max_indexing_threads=0, on_disk=False
        ),
        optimizer_config=pb.OptimizersConfigDiff(
            deleted_threshold=0.2,
            vacuum_min_vector_number=1000,
            default_segment_number=0,
            indexing_threshold=10000,
            flush_interval_sec=5,
            max_optimization_threads=pb.MaxOptimizationThreads(setting=pb.MaxOptimizationThreads.Auto),
        ),
        wal_config=pb.WalConfigDiff(wal_capacity_mb=32, wal_segments_ahead=0, wal_retain_closed=1),
    )


# --------------------------------------------------------------------------
# Storage: collections (one engine shard each) and aliases
# --------------------------------------------------------------------------


def write_json(path: str, data: Any) -> None:
    """Write JSON atomically (temp file + rename)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
    os.replace(tmp, path)


def validate_collection_name(name: str) -> None:
    """Qdrant's naming rule; names are also directory names here."""
    bad = set('<>:"/\\|?*\0')
    if not name or len(name) > 255 or name in (".", "..") or any(c in bad or ord(c) < 32 for c in name):
        raise ApiError(INVALID, f"Validation error: invalid collection name `{name}`")


class Collection:
    """An engine shard plus its ``meta.json``; ``lock`` serialises all engine calls."""

    def __init__(self, name: str, directory: str, shard: qe.EdgeShard, meta: dict[str, Any]) -> None:
        self.name = name
        self.directory = directory
        self.shard = shard
        self.meta = meta
        self.lock = threading.Lock()
        self.closed = False

    @property
    def create_request(self) -> pb.CreateCollection:
        return json_format.ParseDict(self.meta["create"], pb.CreateCollection())

    def save_meta(self) -> None:
        write_json(os.path.join(self.directory, "meta.json"), self.meta)

    def close(self) -> None:
        """Flush and close the shard (caller holds ``lock``)."""
        if not self.closed:
            self.closed = True
            self.shard.flush()
            self.shard.close()

    def config(self) -> pb.CollectionConfig:
        """Qdrant's defaults overlaid with what the create request set."""
        create = self.create_request
        config = default_collection_config()
        if create.HasField("vectors_config"):
            config.params.vectors_config.CopyFrom(create.vectors_config)
        if create.HasField("sparse_vectors_config"):
            config.params.sparse_vectors_config.CopyFrom(create.sparse_vectors_config)
        if create.HasField("on_disk_payload"):
            config.params.on_disk_payload = create.on_disk_payload
        for field in ("hnsw_config", "wal_config"):
            if create.HasField(field):
                getattr(config, field).MergeFrom(getattr(create, field))
        if create.HasField("optimizers_config"):
            config.optimizer_config.MergeFrom(create.optimizers_config)
        for field in ("quantization_config", "strict_mode_config"):
            if create.HasField(field):
                getattr(config, field).CopyFrom(getattr(create, field))
        config.metadata.MergeFrom(create.metadata)
        return config

    def info(self) -> pb.CollectionInfo:
        info = self.shard.info()
        out = pb.CollectionInfo(
            status=pb.CollectionStatus.Green,
            optimizer_status=pb.OptimizerStatus(ok=True),
            segments_count=info.segments_count,
            points_count=info.points_count,
            indexed_vectors_count=info.indexed_vectors_count,
            config=self.config(),
            update_queue=pb.UpdateQueueInfo(length=0),
        )
        out.created_at.FromJsonString(self.meta["created_at"])
        declared = self.meta["payload_indexes"]
        for field, index in info.payload_schema.items():
            schema = out.payload_schema[field]
            schema.data_type = SCHEMA_TYPES[index.data_type]
            schema.points = index.points
            params = declared.get(field, {}).get("params")
            if params:
                json_format.ParseDict(params, schema.params)
        return out

    def create_index(self, field: str, field_type: int | None, params: pb.PayloadIndexParams | None) -> None:
        """Create (or replace) a payload index and record it in meta.json (caller holds ``lock``)."""
        if params is not None:
            schema, implied_type = index_params_from_proto(params)
            if field_type is not None and field_type != implied_type:
                raise ApiError(INVALID, f"field_type {pb.FieldType.Name(field_type)} does not match the index params")
            field_type = implied_type
        elif field_type in FIELD_TYPES:
            schema = FIELD_TYPES[field_type]
        else:
            raise ApiError(INVALID, "Set a valid field_type or field_index_params")
        self.shard.update(qe.UpdateOperation.create_field_index(field, schema))
        self.meta["payload_indexes"][field] = {
            "field_type": pb.FieldType.Name(field_type),
            "params": json_format.MessageToDict(params) if params is not None else None,
        }
        self.save_meta()

    def delete_index(self, field: str) -> None:
        self.shard.update(qe.UpdateOperation.delete_field_index(field))
        self.meta["payload_indexes"].pop(field, None)
        self.save_meta()


class Registry:
    """All collections and aliases under one storage directory."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.collections_dir = os.path.join(root, "collections")
        self.aliases_path = os.path.join(root, "aliases.json")
        self.lock = threading.Lock()
        self.collections: dict[str, Collection] = {}
        self.aliases: dict[str, str] = {}
        os.makedirs(self.collections_dir, exist_ok=True)

    def load(self) -> None:
        """Open every collection found on disk and restore the alias table."""
        for entry in sorted(os.listdir(self.collections_dir)):
            directory = os.path.join(self.collections_dir, entry)
            meta_path = os.path.join(directory, "meta.json")
            if not os.path.isfile(meta_path):
                log.warning("skipping %s: no meta.json (incomplete create?)", directory)
                continue
            with open(meta_path, encoding="utf-8") as f:
                meta = json.load(f)
            create = json_format.ParseDict(meta["create"], pb.CreateCollection())
            shard = qe.EdgeShard.load(os.path.join(directory, "shard"), engine_config(create))
            collection = Collection(meta["name"], directory, shard, meta)
            self.collections[collection.name] = collection
            log.info("loaded collection %s (%d points)", collection.name, shard.info().points_count)
        if os.path.isfile(self.aliases_path):
            with open(self.aliases_path, encoding="utf-8") as f:
                self.aliases = {a: c for a, c in json.load(f).items() if c in self.collections}

    def resolve(self, name: str) -> Collection:
        with self.lock:
            collection = self.collections.get(name) or self.collections.get(self.aliases.get(name, ""))
        if collection is None:
            raise collection_not_found(name)
        return collection

    @contextlib.contextmanager
    def use(self, name: str) -> Iterator[Collection]:
        """Yield the collection (by name or alias) with its lock held."""
        collection = self.resolve(name)
        with collection.lock:
            if collection.closed:
                raise collection_not_found(name)
            yield collection

    def exists(self, name: str) -> bool:
        with self.lock:
            return name in self.collections or name in self.aliases

    def names(self) -> list[str]:
        with self.lock:
            return sorted(self.collections)

    def create(self, request: pb.CreateCollection) -> None:
        name = request.collection_name
        validate_collection_name(name)
        config = engine_config(request)
        with self.lock:
            if name in self.collections:
                raise ApiError(grpc.StatusCode.ALREADY_EXISTS, f"Wrong input: Collection `{name}` already exists!")
            if name in self.aliases:
                raise ApiError(grpc.StatusCode.ALREADY_EXISTS, f"Wrong input: Alias `{name}` already exists!")
            directory = os.path.join(self.collections_dir, name)
            shutil.rmtree(directory, ignore_errors=True)  # leftovers of an incomplete create
            os.makedirs(directory)
            try:
                shard = qe.EdgeShard.create(os.path.join(directory, "shard"), config)
            except Exception:
                shutil.rmtree(directory, ignore_errors=True)
                raise
            create = pb.CreateCollection()
            create.CopyFrom(request)
            create.ClearField("collection_name")
            create.ClearField("timeout")
            meta = {
                "name": name,
                "created_at": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
                "create": json_format.MessageToDict(create),
                "payload_indexes": {},
            }
            collection = Collection(name, directory, shard, meta)
            collection.save_meta()  # written last: a directory without meta.json is ignored on load
            self.collections[name] = collection
        log.info("created collection %s", name)

    def delete(self, name: str) -> bool:
        with self.lock:
            collection = self.collections.pop(name, None)
            if collection is None:
                return False
            dropped = [a for a, c in self.aliases.items() if c == name]
            for alias in dropped:
                del self.aliases[alias]
            if dropped:
                write_json(self.aliases_path, self.aliases)
        with collection.lock:
            collection.close()
        os.remove(
            os.path.join(collection.directory, "meta.json")
        )  # first, so a crash mid-delete leaves no half collection
        shutil.rmtree(collection.directory, ignore_errors=True)
        log.info("deleted collection %s", name)
        return True

    def update_aliases(self, actions) -> None:
        """Apply alias actions all-or-nothing."""
        with self.lock:
            aliases = dict(self.aliases)
            for action in actions:
                kind = action.WhichOneof("action")
                if kind == "create_alias":
                    op = action.create_alias
                    if op.collection_name not in self.collections:
                        raise collection_not_found(op.collection_name)
                    self._check_alias_name(op.alias_name)
                    aliases[op.alias_name] = op.collection_name
                elif kind == "rename_alias":
                    op = action.rename_alias
                    if op.old_alias_name not in aliases:
                        raise ApiError(NOT_FOUND, f"Not found: Alias {op.old_alias_name} does not exists!")
                    self._check_alias_name(op.new_alias_name)
                    aliases[op.new_alias_name] = aliases.pop(op.old_alias_name)
                elif kind == "delete_alias":
                    if aliases.pop(action.delete_alias.alias_name, None) is None:
                        raise ApiError(NOT_FOUND, f"Not found: Alias {action.delete_alias.alias_name} does not exists!")
                else:
                    raise ApiError(INVALID, "Alias action is empty")
            self.aliases = aliases
            write_json(self.aliases_path, aliases)

    def _check_alias_name(self, alias: str) -> None:
        validate_collection_name(alias)
        if alias in self.collections:
            raise ApiError(grpc.StatusCode.ALREADY_EXISTS, f"Wrong input: Collection `{alias}` already exists!")

    def list_aliases(self, collection_name: str | None = None) -> list[pb.AliasDescription]:
        with self.lock:
            return [
                pb.AliasDescription(alias_name=alias, collection_name=target)
                for alias, target in sorted(self.aliases.items())
                if collection_name is None or target == collection_name
            ]

    def close(self) -> None:
        with self.lock:
            collections = list(self.collections.values())
            self.collections.clear()
        for collection in collections:
            with collection.lock:
                collection.close()


# --------------------------------------------------------------------------
# gRPC services
# --------------------------------------------------------------------------


def rpc(method: Callable) -> Callable:
    """Wrap a servicer method: set ``time`` on the reply, map errors to gRPC statuses, log."""

    @functools.wraps(method)
    def wrapper(self, request, context):
        started = time.perf_counter()
        try:
            response = method(self, request)
        except ApiError as e:
            code, message = e.code, e.message
        except Exception as e:
            # The engine raises plain Exception (or ValueError/OverflowError from
            # argument conversion) for bad input; anything else is a server bug.
            if type(e) not in (Exception, ValueError, OverflowError):
                log.exception("%s crashed", method.__name__)
                code, message = grpc.StatusCode.INTERNAL, f"dev server error: {type(e).__name__}: {e}"
            else:
                code, message = engine_error_code(str(e)), str(e)
        else:
            elapsed = time.perf_counter() - started
            if "time" in response.DESCRIPTOR.fields_by_name:
                response.time = elapsed
            log.debug("%s ok in %.1f ms", method.__name__, elapsed * 1000)
            return response
        log.warning("%s -> %s: %s", method.__name__, code.name, message)
        context.abort(code, message)

    return wrapper


_operation_ids = itertools.count(1)


def next_operation_id() -> int:
    return next(_operation_ids)


def completed() -> pb.PointsOperationResponse:
    return pb.PointsOperationResponse(
        result=pb.UpdateResult(operation_id=next_operation_id(), status=pb.UpdateStatus.Completed)
    )


class QdrantService(pb.QdrantServicer):
    @rpc
    def HealthCheck(self, request):
        return pb.HealthCheckReply(title=TITLE, version=VERSION, commit="")


class CollectionsService(pb.CollectionsServicer):
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @rpc
    def Create(self, request):
        self.registry.create(request)
        return pb.CollectionOperationResponse(result=True)

    @rpc
    def Get(self, request):
        with self.registry.use(request.collection_name) as collection:
            return pb.GetCollectionInfoResponse(result=collection.info())

    @rpc
    def List(self, request):
        names = self.registry.names()
        return pb.ListCollectionsResponse(collections=[pb.CollectionDescription(name=n) for n in names])

    @rpc
    def Delete(self, request):
        return pb.CollectionOperationResponse(result=self.registry.delete(request.collection_name))

    @rpc
    def CollectionExists(self, request):
        exists = self.registry.exists(request.collection_name)
        return pb.CollectionExistsResponse(result=pb.CollectionExists(exists=exists))

    @rpc
    def UpdateAliases(self, request):
        self.registry.update_aliases(request.actions)
        return pb.CollectionOperationResponse(result=True)

    @rpc
    def ListAliases(self, request):
        return pb.ListAliasesResponse(aliases=self.registry.list_aliases())

    @rpc
    def ListCollectionAliases(self, request):
        self.registry.resolve(request.collection_name)
        return pb.ListAliasesResponse(aliases=self.registry.list_aliases(request.collection_name))


class PointsService(pb.PointsServicer):
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    # ---- updates -------------------------------------------------------

    def _apply(self, collection_name: str, *operations: qe.UpdateOperation) -> pb.PointsOperationResponse:
        with self.registry.use(collection_name) as collection:
            for operation in operations:
                collection.shard.update(operation)
        return completed()

    @staticmethod
    def _upsert_op(points, message) -> qe.UpdateOperation:
        engine_points = []
        for point in points:
            if not point.HasField("id"):
                raise ApiError(INVALID, "Point id is expected")
            engine_points.append(
                qe.Point(
                    point_id_from_proto(point.id), vectors_from_proto(point.vectors), payload_from_proto(point.payload)
                )
            )
        mode = None
        if message.HasField("update_mode"):
            mode = getattr(qe.UpdateMode, pb.UpdateMode.Name(message.update_mode))
        return qe.UpdateOperation.upsert_points(engine_points, optional_filter(message, "update_filter"), mode)

    @staticmethod
    def _update_vectors_op(points, message) -> qe.UpdateOperation:
        vectors = []
        for point in points:
            if not point.HasField("id") or not point.HasField("vectors"):
                raise ApiError(INVALID, "Point id and vectors are expected")
            vectors.append(qe.PointVectors(point_id_from_proto(point.id), vectors_from_proto(point.vectors)))
        return qe.UpdateOperation.update_vectors(vectors, optional_filter(message, "update_filter"))

    @staticmethod
    def _by_selector(message, field: str, by_ids: Callable, by_filter: Callable, *args) -> qe.UpdateOperation:
        ids, flt = points_selector_from_proto(message, field)
        return by_ids(ids, *args) if ids is not None else by_filter(flt, *args)

    @classmethod
    def _delete_op(cls, message, field: str = "points") -> qe.UpdateOperation:
        op = qe.UpdateOperation
        return cls._by_selector(message, field, op.delete_points, op.delete_points_by_filter)

    @classmethod
    def _set_payload_op(cls, message, overwrite: bool) -> qe.UpdateOperation:
        op = qe.UpdateOperation
        payload = payload_from_proto(message.payload)
        key = optional(message, "key")
        if overwrite:
            return cls._by_selector(
                message, "points_selector", op.overwrite_payload, op.overwrite_payload_by_filter, payload, key
            )
        return cls._by_selector(message, "points_selector", op.set_payload, op.set_payload_by_filter, payload, key)

    @classmethod
    def _delete_payload_op(cls, message) -> qe.UpdateOperation:
        op = qe.UpdateOperation
        return cls._by_selector(
            message, "points_selector", op.delete_payload, op.delete_payload_by_filter, list(message.keys)
        )

    @classmethod
    def _clear_payload_op(cls, message, field: str = "points") -> qe.UpdateOperation:
        op = qe.UpdateOperation
        return cls._by_selector(message, field, op.clear_payload, op.clear_payload_by_filter)

    @classmethod
    def _delete_vectors_op(cls, message, field: str) -> qe.UpdateOperation:
        op = qe.UpdateOperation
        if not message.HasField("vectors"):
            raise ApiError(INVALID, "vectors is expected")
        names = list(message.vectors.names)
        return cls._by_selector(message, field, op.delete_vectors, op.delete_vectors_by_filter, names)

    @rpc
    def Upsert(self, request):
        return self._apply(request.collection_name, self._upsert_op(request.points, request))

    @rpc
    def Delete(self, request):
        return self._apply(request.collection_name, self._delete_op(request))

    @rpc
    def UpdateVectors(self, request):
        return self._apply(request.collection_name, self._update_vectors_op(request.points, request))

    @rpc
    def DeleteVectors(self, request):
        return self._apply(request.collection_name, self._delete_vectors_op(request, "points_selector"))

    @rpc
    def SetPayload(self, request):
        return self._apply(request.collection_name, self._set_payload_op(request, overwrite=False))

    @rpc
    def OverwritePayload(self, request):
        return self._apply(request.collection_name, self._set_payload_op(request, overwrite=True))

    @rpc
    def DeletePayload(self, request):
        return self._apply(request.collection_name, self._delete_payload_op(request))

    @rpc
    def ClearPayload(self, request):
        return self._apply(request.collection_name, self._clear_payload_op(request))

    def _batch_op(self, operation: pb.PointsUpdateOperation) -> qe.UpdateOperation:
        kind = operation.WhichOneof("operation")
        if kind == "upsert":
            return self._upsert_op(operation.upsert.points, operation.upsert)
        if kind == "delete_points":
            return self._delete_op(operation.delete_points)
        if kind == "set_payload":
            return self._set_payload_op(operation.set_payload, overwrite=False)
        if kind == "overwrite_payload":
            return self._set_payload_op(operation.overwrite_payload, overwrite=True)
        if kind == "delete_payload":
            return self._delete_payload_op(operation.delete_payload)
        if kind == "clear_payload":
            return self._clear_payload_op(operation.clear_payload)
        if kind == "update_vectors":
            return self._update_vectors_op(operation.update_vectors.points, operation.update_vectors)
        if kind == "delete_vectors":
            return self._delete_vectors_op(operation.delete_vectors, "points_selector")
        if kind == "delete_deprecated":
            return self._delete_op(operation, "delete_deprecated")
        if kind == "clear_payload_deprecated":
            return self._clear_payload_op(operation, "clear_payload_deprecated")
        raise ApiError(INVALID, "Update operation is empty")

    @rpc
    def UpdateBatch(self, request):
        operations = [self._batch_op(op) for op in request.operations]
        self._apply(request.collection_name, *operations)
        return pb.UpdateBatchResponse(
            result=[
                pb.UpdateResult(operation_id=next_operation_id(), status=pb.UpdateStatus.Completed) for _ in operations
            ]
        )

    @rpc
    def CreateFieldIndex(self, request):
        field_type = optional(request, "field_type")
        params = request.field_index_params if request.HasField("field_index_params") else None
        with self.registry.use(request.collection_name) as collection:
            collection.create_index(request.field_name, field_type, params)
        return completed()

    @rpc
    def DeleteFieldIndex(self, request):
        with self.registry.use(request.collection_name) as collection:
            collection.delete_index(request.field_name)
        return completed()

    # ---- reads ---------------------------------------------------------

    @rpc
    def Get(self, request):
        ids = [point_id_from_proto(p) for p in request.ids]
        with_payload = with_payload_from_proto(request.with_payload, default=True)
        with_vectors = with_vectors_from_proto(request.with_vectors)
        with self.registry.use(request.collection_name) as collection:
            records = collection.shard.retrieve(ids, with_payload, with_vectors)
        return pb.GetResponse(result=[record_to_proto(r) for r in records])

    @rpc
    def Scroll(self, request):
        scroll = qe.ScrollRequest(
            offset=point_id_from_proto(request.offset) if request.HasField("offset") else None,
            limit=request.limit if request.HasField("limit") else 10,
            filter=optional_filter(request),
            with_payload=with_payload_from_proto(request.with_payload, default=True),
            with_vector=with_vectors_from_proto(request.with_vectors),
            order_by=order_by_from_proto(request.order_by) if request.HasField("order_by") else None,
        )
        with self.registry.use(request.collection_name) as collection:
            records, next_offset = collection.shard.scroll(scroll)
        response = pb.ScrollResponse(result=[record_to_proto(r) for r in records])
        if next_offset is not None:
            response.next_page_offset.CopyFrom(point_id_to_proto(next_offset))
        return response

    @rpc
    def Count(self, request):
        count = qe.CountRequest(
            exact=request.exact if request.HasField("exact") else True, filter=optional_filter(request)
        )
        with self.registry.use(request.collection_name) as collection:
            result = collection.shard.count(count)
        return pb.CountResponse(result=pb.CountResult(count=result))

    @rpc
    def Facet(self, request):
        facet = qe.FacetRequest(
            request.key,
            limit=request.limit if request.HasField("limit") else 10,
            exact=request.exact,
            filter=optional_filter(request),
        )
        with self.registry.use(request.collection_name) as collection:
            hits = collection.shard.facet(facet)
        return pb.FacetResponse(hits=[pb.FacetHit(value=facet_value_to_proto(h.value), count=h.count) for h in hits])

    @staticmethod
    def _search_request(search: pb.SearchPoints) -> qe.QueryRequest:
        if search.limit < 1:
            raise ApiError(INVALID, "Validation error in limit: value 0 invalid, must be 1 or larger")
        data = list(search.vector)
        vector = qe.SparseVector(list(search.sparse_indices.data), data) if search.HasField("sparse_indices") else data
        return qe.QueryRequest(
            limit=search.limit,
            offset=optional(search, "offset"),
            query=qe.Query.Nearest(vector, using=optional(search, "vector_name")),
            filter=optional_filter(search),
            params=optional_search_params(search),
            score_threshold=optional(search, "score_threshold"),
            with_payload=with_payload_from_proto(search.with_payload, default=False),
            with_vector=with_vectors_from_proto(search.with_vectors),
        )

    @rpc
    def Search(self, request):
        with self.registry.use(request.collection_name) as collection:
            points = collection.shard.query(self._search_request(request))
        return pb.SearchResponse(result=[scored_point_to_proto(p) for p in points])

    @rpc
    def SearchBatch(self, request):
        with self.registry.use(request.collection_name) as collection:
            batches = [collection.shard.query(self._search_request(s)) for s in request.search_points]
        return pb.SearchBatchResponse(
            result=[pb.BatchResult(result=[scored_point_to_proto(p) for p in points]) for points in batches]
        )

    def _vector_input(
        self, collection: Collection, vector_input: pb.VectorInput, using: str | None, excluded: set
    ) -> Any:
        """Engine vector for a ``VectorInput``; a point id is looked up and added to ``excluded``."""
        kind = vector_input.WhichOneof("variant")
        if kind == "dense":
            return list(vector_input.dense.data)
        if kind == "sparse":
            return qe.SparseVector(list(vector_input.sparse.indices), list(vector_input.sparse.values))
        if kind == "multi_dense":
            return [list(v.data) for v in vector_input.multi_dense.vectors]
        if kind == "id":
            point_id = point_id_from_proto(vector_input.id)
            name = using or ""
            records = collection.shard.retrieve([point_id], False, [name])
            if not records:
                raise ApiError(NOT_FOUND, f"Not found: No point with id {point_id} found")
            vectors = records[0].vector
            vector = vectors.get(name) if isinstance(vectors, dict) else vectors
            if vector is None:
                raise ApiError(INVALID, f"Point {point_id} has no vector `{name}`")
            excluded.add(point_id)
            return vector
        if kind is None:
            raise ApiError(INVALID, "Query vector is empty")
        raise ApiError(
            INVALID, f"`{kind}` query input needs server-side inference, which the dev server does not provide"
        )

    def _scoring_query(self, collection: Collection, query: pb.Query, using: str | None, excluded: set) -> Any:
        kind = query.WhichOneof("variant")
        if kind == "nearest":
            return qe.Query.Nearest(self._vector_input(collection, query.nearest, using, excluded), using=using)
        if kind == "order_by":
            return order_by_from_proto(query.order_by)
        if kind == "fusion":
            return qe.Fusion.Dbsf() if query.fusion == pb.Fusion.DBSF else qe.Fusion.Rrf(k=DEFAULT_RRF_K)
        if kind == "rrf":
            k = query.rrf.k if query.rrf.HasField("k") else DEFAULT_RRF_K
            return qe.Fusion.Rrf(k=k, weights=list(query.rrf.weights) or None)
        if kind == "sample":
            return qe.Sample.Random
        if kind is None:
            raise ApiError(INVALID, "Query is empty")
        raise ApiError(INVALID, f"`{kind}` queries are not supported by the dev server")

    def _prefetch(self, collection: Collection, prefetch: pb.PrefetchQuery) -> qe.Prefetch:
        if prefetch.HasField("lookup_from"):
            raise ApiError(INVALID, "lookup_from is not supported by the dev server")
        excluded: set = set()
        using = optional(prefetch, "using")
        query = self._scoring_query(collection, prefetch.query, using, excluded) if prefetch.HasField("query") else None
        return qe.Prefetch(
            limit=prefetch.limit if prefetch.HasField("limit") else 10,
            query=query,
            prefetches=[self._prefetch(collection, p) for p in prefetch.prefetch] or None,
            params=optional_search_params(prefetch),
            filter=exclude_ids(optional_filter(prefetch), excluded),
            score_threshold=optional(prefetch, "score_threshold"),
        )

    def _query_request(self, collection: Collection, request: pb.QueryPoints) -> qe.QueryRequest:
        if request.HasField("lookup_from"):
            raise ApiError(INVALID, "lookup_from is not supported by the dev server")
        excluded: set = set()
        using = optional(request, "using")
        query = self._scoring_query(collection, request.query, using, excluded) if request.HasField("query") else None
        return qe.QueryRequest(
            limit=request.limit if request.HasField("limit") else 10,
            offset=optional(request, "offset"),
            query=query,
            prefetches=[self._prefetch(collection, p) for p in request.prefetch] or None,
            filter=exclude_ids(optional_filter(request), excluded),
            params=optional_search_params(request),
            score_threshold=optional(request, "score_threshold"),
            with_payload=with_payload_from_proto(request.with_payload, default=False),
            with_vector=with_vectors_from_proto(request.with_vectors),
        )

    @rpc
    def Query(self, request):
        with self.registry.use(request.collection_name) as collection:
            points = collection.shard.query(self._query_request(collection, request))
        return pb.QueryResponse(result=[scored_point_to_proto(p) for p in points])

    @rpc
    def QueryBatch(self, request):
        with self.registry.use(request.collection_name) as collection:
            batches = [collection.shard.query(self._query_request(collection, q)) for q in request.query_points]
        return pb.QueryBatchResponse(
            result=[pb.BatchResult(result=[scored_point_to_proto(p) for p in points]) for points in batches]
        )


# Like Qdrant, the version/health probe works without an api-key.
UNAUTHENTICATED_METHODS = {"/qdrant.Qdrant/HealthCheck"}


class ApiKeyInterceptor(grpc.ServerInterceptor):
    """Reject calls without the right ``api-key`` (or ``authorization: Bearer``) metadata."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

        def deny(request, context):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid api-key")

        self.denied = grpc.unary_unary_rpc_method_handler(deny)

    def intercept_service(self, continuation, handler_call_details):
        if handler_call_details.method in UNAUTHENTICATED_METHODS or handler_call_details.method.startswith(
            "/grpc.health.v1.Health/"
        ):
            return continuation(handler_call_details)
        metadata = dict(handler_call_details.invocation_metadata or ())
        if self.api_key in (metadata.get("api-key"), metadata.get("authorization", "").removeprefix("Bearer ")):
            return continuation(handler_call_details)
        return self.denied


def start_grpc(registry: Registry, host: str, port: int, workers: int, api_key: str | None) -> grpc.Server:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grpc"),
        interceptors=[ApiKeyInterceptor(api_key)] if api_key else None,
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    pb.add_QdrantServicer_to_server(QdrantService(), server)
    pb.add_CollectionsServicer_to_server(CollectionsService(registry), server)
    pb.add_PointsServicer_to_server(PointsService(registry), server)
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)  # "" = SERVING
    server.add_insecure_port(f"{host}:{port}")  # raises RuntimeError if the port is taken
    server.start()
    return server


# --------------------------------------------------------------------------
# REST subset
# --------------------------------------------------------------------------


def make_http_handler(registry: Registry, api_key: str | None) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "qdrant-dev"

        def do_GET(self) -> None:  # noqa: N802 -- http.server naming
            path = self.path.split("?", 1)[0].rstrip("/") or "/"
            if path in ("/healthz", "/livez", "/readyz"):
                self._send(200, "text/plain", f"{path[1:]} check passed".encode())
            elif path == "/":
                self._json(200, {"title": TITLE, "version": VERSION, "commit": ""})
            elif not self._authorized():
                self._json(401, {"status": {"error": "Invalid api-key"}, "time": 0.0})
            elif path == "/collections":
                started = time.perf_counter()
                collections = [{"name": name} for name in registry.names()]
                body = {"result": {"collections": collections}, "status": "ok", "time": time.perf_counter() - started}
                self._json(200, body)
            else:
                self._json(404, {"status": {"error": f"Not found: {path}"}, "time": 0.0})

        def _authorized(self) -> bool:
            if not api_key:
                return True
            bearer = (self.headers.get("authorization") or "").removeprefix("Bearer ")
            return api_key in (self.headers.get("api-key"), bearer)

        def _json(self, status: int, body: dict) -> None:
            self._send(status, "application/json", json.dumps(body).encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- http.server signature
            log.debug("http %s", format % args)

    return Handler


def start_http(registry: Registry, host: str, port: int, api_key: str | None) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer((host, port), make_http_handler(registry, api_key))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Qdrant-API dev/test server (not for production).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--grpc-port", type=int, default=6334, help="gRPC port (default 6334)")
    parser.add_argument("--http-port", type=int, default=6333, help="REST port (default 6333)")
    parser.add_argument(
        "--storage-path", required=True, help="data directory, or :memory: for a temp dir removed on exit"
    )
    parser.add_argument("--api-key", default=None, help="require this api-key on every request except health checks")
    parser.add_argument("--workers", type=int, default=8, help="gRPC worker threads (default 8)")
    parser.add_argument("--log-level", default="INFO", help="DEBUG logs every RPC (default INFO)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s qdrant-dev: %(message)s")

    temporary = args.storage_path == ":memory:"
    root = tempfile.mkdtemp(prefix="qdrant-dev-") if temporary else os.path.abspath(args.storage_path)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop.set())

    registry = Registry(root)
    grpc_server = http_server = None
    try:
        registry.load()
        grpc_server = start_grpc(registry, args.host, args.grpc_port, args.workers, args.api_key)
        http_server = start_http(registry, args.host, args.http_port, args.api_key)
        log.info(
            "serving Qdrant API %s (dev/test only): grpc %s:%d, http %s:%d, storage %s",
            VERSION,
            args.host,
            args.grpc_port,
            args.host,
            args.http_port,
            ":memory:" if temporary else root,
        )
        while not stop.wait(1.0):
            pass
    except (OSError, RuntimeError) as e:
        log.error("cannot start: %s", e)
        return 1
    finally:
        log.info("shutting down")
        if grpc_server is not None:
            grpc_server.stop(grace=2.0).wait()
        if http_server is not None:
            http_server.shutdown()
            http_server.server_close()
        registry.close()
        if temporary:
            shutil.rmtree(root, ignore_errors=True)
        log.info("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
