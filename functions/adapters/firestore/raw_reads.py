"""A query's documents as plain dicts, decoded straight from the wire.

The client library wraps every value of a result in proto-plus and deep-copies each document
twice (building its snapshot, then in to_dict): reading a month's 10,000 survey responses
for the forum summaries, that was 70% of the time the read took (bench/forum_summary.py).
This reads the same RunQuery stream and decodes the raw protobuf values itself, for the
few large reads that need it.

It leans on one private method of google-cloud-firestore (Query._get_stream_iterator, the
request stream() itself sends), pinned in requirements.txt;
tests/integration/test_raw_reads.py holds the result to what stream() and to_dict() give,
value type by value type, so an upgrade that changes it fails there first.
"""

from __future__ import annotations

from typing import Any

from google.api_core.datetime_helpers import DatetimeWithNanoseconds

from functions.adapters.firestore.base import storage_errors


def documents(found, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The data of each document the query yields, in its order (as to_dict gives it)."""
    with storage_errors():
        responses, _ = found._get_stream_iterator(None, options.get("retry"),
                                                  options.get("timeout"))  # fmt: skip
        return [_fields(r._pb.document.fields) for r in responses if r._pb.HasField("document")]


def _fields(fields) -> dict[str, Any]:
    decoded = {}
    for name, value in fields.items():
        kind = value.WhichOneof("value_type")
        # The common kinds inline: a month's responses hold a quarter of a million values.
        if kind == "string_value":
            decoded[name] = value.string_value
        elif kind == "boolean_value":
            decoded[name] = value.boolean_value
        elif kind == "null_value":
            decoded[name] = None
        else:
            decoded[name] = _value(value, kind)
    return decoded


def _value(value, kind: str) -> Any:
    if kind in ("string_value", "boolean_value", "integer_value", "double_value", "bytes_value"):
        return getattr(value, kind)
    if kind == "null_value":
        return None
    if kind == "map_value":
        return _fields(value.map_value.fields)
    if kind == "array_value":
        return [_value(item, item.WhichOneof("value_type")) for item in value.array_value.values]
    if kind == "timestamp_value":
        return DatetimeWithNanoseconds.from_timestamp_pb(value.timestamp_value)
    if kind == "geo_point_value":
        from google.cloud.firestore_v1 import GeoPoint

        return GeoPoint(value.geo_point_value.latitude, value.geo_point_value.longitude)
    raise ValueError(f"a {kind} is not read here")  # references: none stored by this system
