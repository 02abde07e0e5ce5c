"""What each kind of operation does, independent of HTTP framing.

The operation lane (``lane.py``) hands every request here with its operation declaration; the functions below
validate with the SDK's own models in strict mode, check references and parents, and call storage.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema, from_json, to_json
from starlette.datastructures import QueryParams

from timeback._base_client import path_segment
from timeback._ids import quoted_id
from timeback._operations import Operation
from timeback.models._base import (
    STRICT_VALIDATION,
    Location,
    dicts_plainly_clean,
    leave_out_nulls,
    nulls_left_out,
    parse_date_or_datetime,
    strict_problems,
    strict_problems_of_parts,
)
from timeback.models._dicts import ValidatedRequest, dict_validator
from timeback.server.bodies import not_finite, parse_json_body, plainly_within_limits, too_much_metadata
from timeback.server.collections import COLLECTIONS, MIDNIGHT_UTC, CollectionDef, unique_form
from timeback.server.config import ServerSettings
from timeback.server.errors import (
    MAX_NAMED_FIELDS,
    SHOWN_FIELDS,
    ApiError,
    fields_error,
    fields_said,
    is_schema_tag,
    more_than_shown,
    validation_error,
)
from timeback.server.middleware import ENCODED_SLASH
from timeback.server.query import FieldKind, field_kinds, field_members, parse_filter, parse_sort, renamed
from timeback.server.storage import AlreadyExists, ListQuery, Scope, Storage, Transaction

_JSON_SPACE = b" \t\r\n"
_BOM = "\ufeff".encode()
_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
# Operations whose validated request may be plain dicts (see _validate): the whole body becomes stored records.
_DICT_PATH_KINDS = frozenset({"create", "batch_create", "put"})
Request = BaseModel | ValidatedRequest


class Reply:
    """What a handler answers: a status, a JSON body (object or pre-encoded text) and extra headers."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


class GradebookService:
    def __init__(self, storage: Storage, settings: ServerSettings) -> None:
        self.storage = storage
        self.settings = settings
        self._kinds_cache: dict[str, dict[str, FieldKind]] = {}

    # ----- entry point

    def handle(
        self,
        op: Operation[Any, Any],
        path: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        url: str,
        root: str = "",
    ) -> Reply:
        """``url``: the request's, for a listing's ``Link`` header; ``root``: the server's root as the request
        reached it (``root_url``), which a rostering answer's references' ``href`` start with."""
        coll = COLLECTIONS[op.collection]
        if op.kind in ("get", "list"):
            _refuse_misspelt(query)
        if op.kind == "get":
            return self.get(op, coll, path, query, root)
        if op.kind == "list":
            return self.list(op, coll, path, query, url, root)
        return self.prepare_write(op, path, body, root)()

    def prepare_write(
        self, op: Operation[Any, Any], path: Mapping[str, str], body: bytes, root: str = ""
    ) -> Callable[[], Reply]:
        """The write a request asks for, its body validated now (a bad one raises ``ApiError`` here): the call
        returned runs it, in a ``transaction()`` of its own. Split so that the lane can validate writes before
        they take the write lock, and commit several together (``Storage.write_together``). The call may run
        again after ``WouldWait``, which it raises before changing anything."""
        coll = COLLECTIONS[op.collection]
        if op.kind == "delete":
            return functools.partial(self.delete, coll, path["sourced_id"])
        request = self._validate(op, path, body)
        if op.kind == "put":
            return functools.partial(self.put, op, coll, request, root)
        if op.kind in ("create", "batch_create"):
            return functools.partial(self.create, op, coll, path, request, root)
        if op.kind == "patch":
            assert isinstance(request, BaseModel)  # (not in _DICT_PATH_KINDS)
            return functools.partial(self.patch, op, coll, path["sourced_id"], request)
        raise ApiError(405, f"{op.kind} is not supported")

    # ----- reads

    def get(
        self,
        op: Operation[Any, Any],
        coll: CollectionDef,
        path: Mapping[str, str],
        query: Mapping[str, str],
        root: str = "",
    ) -> Reply:
        record = self.storage.get(coll, path["sourced_id"])
        if record is None:
            raise _not_found(path, (coll, "sourced_id"))
        fields = _unaliased(coll, parse_fields(fields_param(query), self._kinds(coll)))
        record = select_fields(_flags_as_words(record, coll), fields)
        return Reply(200, {single_key(op, coll): answered(record, coll, root, fields)})

    def list(
        self,
        op: Operation[Any, Any],
        coll: CollectionDef,
        path: Mapping[str, str],
        query: Mapping[str, str],
        url: str,
        root: str = "",
    ) -> Reply:
        if isinstance(query, QueryParams) and len(query.multi_items()) != len(query):  # (something repeated)
            _given_once(query)
        limit, offset, clamped = self.paging(query)
        kinds = self._kinds(coll)
        fields = _unaliased(coll, parse_fields(fields_param(query), kinds))
        row_filter = parse_filter(query["filter"], kinds, field_members(coll.model)) if query.get("filter") else None
        sort = parse_sort(query.get("sort"), query.get("orderBy"), kinds)
        if coll.aliases:  # (a class's org is its school: the records hold it as school alone)
            names = dict(coll.aliases)
            row_filter = row_filter.renamed(names) if row_filter is not None else None
            sort = replace(sort, path=renamed(sort.path, names)) if sort is not None else None
        # Deleted records leave listings unless the caller's filter asks for them: one of its status predicates
        # holds for 'tobedeleted' (status='active' OR score>90 still leaves them out), and then only in the AND
        # groups that ask (Filter.hiding).
        include_deleted = row_filter is not None and row_filter.admits("status", "tobedeleted")
        if row_filter is not None and include_deleted:
            row_filter = row_filter.hiding("status", "tobedeleted")
        missing = [p for p in op.parents if not self.storage.exists(COLLECTIONS[p.collection], path[p.param])]
        if missing:
            raise _not_found(path, *((COLLECTIONS[p.collection], p.param) for p in missing))
        scopes = [Scope(p.field, path[p.param], p.through, p.contains) for p in op.parents if p.field]
        list_query = ListQuery(
            scopes=_one_row_through(scopes),
            filter=row_filter,
            search=query.get("search") or None,
            sort=sort,
            include_deleted=include_deleted,
            limit=limit,
            offset=offset,
            max_characters=self.settings.max_page_characters,
        )
        rows, total = self.storage.list(coll, list_query)
        if coll.shaped_as.links is not None:  # (rostering: each row read, made Timeback's shape, written again)
            items = ",\n".join(_answered_rows(rows, coll, root, fields))
        else:  # (gradebook: rows as stored; no gradebook record has a flag, the rostering path words them)
            items = ",\n".join(rows if fields is None else _selected(rows, fields))
        envelope = {
            "totalCount": total,
            "pageCount": math.ceil(total / limit) if total else 0,
            "pageNumber": offset // limit + 1,
            # Timeback's: "Offset for the next page of results" (a client looping on it until it reaches totalCount,
            # as Timeback's guidance says, read the first page again and again when it was the offset asked for)
            "offset": offset + len(rows),
            "limit": limit,
        }
        # A record a line (JSON all the same; a record's text holds no line break): the SDK validates each line
        # straight into a model, rather than the page into dicts first (``_records_by_line``)
        text = f'{{"{op.records_key}":[' + (f"\n{items}\n" if rows else "") + "]," + json.dumps(envelope)[1:]
        headers = {"X-Total-Count": str(total)}
        if (links := link_header(url, query, limit, offset, total, served=len(rows))) is not None:
            headers["Link"] = links
        if clamped:
            headers["X-Limit-Clamped"] = f"requested limit above {self.settings.max_page_size}; served {limit}"
        return Reply(200, text, headers)

    def paging(self, query: Mapping[str, str]) -> tuple[int, int, bool]:
        default = min(self.settings.default_page_size, self.settings.max_page_size)  # (no limit asked: none clamped)
        limit = _non_negative_int(query, "limit", default, minimum=1)
        offset = _non_negative_int(query, "offset", 0, minimum=0)
        clamped = limit > self.settings.max_page_size
        return min(limit, self.settings.max_page_size), offset, clamped

    # ----- writes

    def _validate(self, op: Operation[Any, Any], path: Mapping[str, str], raw: bytes) -> Request:
        """The request from the body and the path, validated strictly. Bodies that plainly pass the limits are
        validated once, from their own bytes (the path's fields appended): a create's into plain dicts when its
        model has a dict path (``models._dicts``: the same checks, no model built per record), anything else into
        its model. Whatever fails there takes the full path below, which answers with the exact 4xx."""
        raw = raw.removeprefix(_BOM)  # (RFC 8259 section 8.1: a parser may ignore one; Python's advice was the 400)
        # (a body key named like a path parameter would be overwritten by the path's value: the full path refuses it)
        if raw and plainly_within_limits(raw, self.settings) and not any(f'"{k}"'.encode() in raw for k in path):
            head = raw.rstrip(_JSON_SPACE)
            if head.endswith(b"}"):
                head = head[:-1].rstrip(_JSON_SPACE)
                fields = ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in path.items()).encode()
                spliced = head + (b"," if fields and not head.endswith(b"{") else b"") + fields + b"}"
                validator = dict_validator(op.request, wire_names=True) if op.kind in _DICT_PATH_KINDS else None
                try:
                    if validator is not None:
                        validated = validator.validate_json(spliced, strict=True, extra="forbid")
                        if dicts_plainly_clean(op.request, [validated]):
                            return ValidatedRequest(validated)
                    else:
                        request: BaseModel = op.request.model_validate_json(spliced, **STRICT_VALIDATION)
                        if not strict_problems(request):
                            return request
                except ValidationError:
                    pass
        return self._validate_fully(op, path, raw)

    def _validate_fully(self, op: Operation[Any, Any], path: Mapping[str, str], raw: bytes) -> BaseModel:
        if not raw:
            raise ApiError(400, "The body is empty; it must be a JSON object.", code_minor="invaliddata",
                           fields=[("body", "empty")])  # fmt: skip
        body = parse_json_body(raw, self.settings)
        if not isinstance(body, dict):
            got = f"got {_JSON_KINDS.get(type(body), 'null')}"
            raise ApiError(400, f"The body must be a JSON object, {got}.", code_minor="invaliddata",
                           fields=[("body", f"not a JSON object: {got}")])  # fmt: skip
        named_like_path = [name for name in body if name in path]
        if named_like_path:  # (merged below, the path's value would silently replace it)
            fields = [(name, f"unknown field (the path gives {_path_name(name)})") for name in named_like_path]
            raise fields_error("Invalid request body", fields)
        key = op.wire_body_key
        if key not in body:
            keys = [*body]  # (what was sent instead: a bare record's fields, most often)
            sent = ", ".join(map(quoted_id, keys[:SHOWN_FIELDS])) + more_than_shown(len(keys))
            has = f"it has {sent}" if keys else "it is empty"
            under = "a list of the records" if op.kind == "batch_create" else "the record"  # (a batch said the latter)
            raise ApiError(422, f"The body needs the {key!r} key, {under} under it; {has}.",
                           fields=[(str(key), "Field required")])  # fmt: skip
        given = body[key].get("sourcedId") if op.kind in ("put", "patch") and isinstance(body[key], dict) else None
        if isinstance(given, str) and given != path.get("sourced_id", given):
            # (the request model says so too, but from its model validator: an error of the whole body)
            message = f"{quoted_id(given)} does not match the path's sourcedId {quoted_id(path['sourced_id'])}"
            raise ApiError(422, f"{key}.sourcedId {message}", fields=[(f"{key}.sourcedId", message)])
        try:
            # JSON-mode strict validation: JSON types must match (no "90" for a number, no 0 for a boolean, no
            # false for a number) while enums and dates still come as JSON strings.
            merged = {**body, **path}
            request: BaseModel = op.request.model_validate_json(json.dumps(merged), **STRICT_VALIDATION)
        except ValidationError as exc:
            errors = _every_error(op.request, merged, exc, body)
            raise _path_error(errors, path) or validation_error(_fixed_said(op, errors)) from None
        problems = strict_problems(request)  # undeclared enum values, impossible dates
        if problems:
            raise validation_error(_fixed_said(op, _strict_errors(problems)))
        return request

    def _records(self, op: Operation[Any, Any], coll: CollectionDef, request: Request) -> builtins.list[dict[str, Any]]:
        key = op.wire_body_key
        assert op.body is not None and key is not None
        if isinstance(request, ValidatedRequest):  # the dict path: the records are the wire dicts already
            value = request[key]
            records = value if isinstance(value, list) else [value]
        else:
            value = getattr(request, op.body)
            # model_dump without its Python-level argument handling (one call per record of a batch)
            records = [
                model.__pydantic_serializer__.to_python(model, mode="json", by_alias=True, exclude_unset=True)
                for model in (value if isinstance(value, list) else [value])
            ]
        unaddressable = [index for index, record in enumerate(records) if ENCODED_SLASH in record["sourcedId"]]
        if unaddressable:
            raise _unaddressable(op, unaddressable if isinstance(value, list) else [None])
        nulls = nulls_left_out(coll.model)
        for index, record in enumerate(records):
            if nulls:
                leave_out_nulls(record, nulls)
            for alias, target in coll.aliases:  # (the alias itself is dropped once checked: _drop_aliases)
                if record.get(alias) is None:
                    continue
                if record.get(target) is None:
                    record[target] = record[alias]
                    continue
                named, mirrored = _sourced_id(record[alias]), _sourced_id(record[target])
                if named != mirrored:  # (the same reference under two names, differing: which is meant?)
                    where = _item_path(op, index if isinstance(value, list) else None, f"{alias}.sourcedId")
                    message = (f"{quoted_id(named)} differs from {target} {quoted_id(mirrored)}: {alias} and {target} "
                               f"name the {coll.label.lower()}'s one {target}")  # fmt: skip
                    raise ApiError(422, f"Conflicting {target}: {where}: {message}", fields=[(where, message)])
            for name, fixed in coll.fixed:
                if record.get(name, fixed) != fixed:
                    where = _item_path(op, index if isinstance(value, list) else None, name)
                    raise fields_error("Invalid request body", [(where, _must_be(fixed))])
                record[name] = fixed
            _flags_as_words(record, coll)
        as_moments(records, coll)
        return records

    def put(self, op: Operation[Any, Any], coll: CollectionDef, request: Request, root: str = "") -> Reply:
        (record,) = self._records(op, coll, request)
        whole = whole_body(op)  # (a body that may be part of a record stands for another model: the class update)
        with self.storage.transaction() as tx:
            if coll.fixed and coll.stored_in is not None:
                _not_from_outside_the_view(tx, op, coll, record["sourcedId"])
            if whole is not None and whole is not _body_model(op):
                record = _completed(tx, op, coll, record, whole)
            record["dateLastModified"] = tx.stamp()
            table = COLLECTIONS[coll.table]
            before = tx.get(table, record["sourcedId"]) if _followers(coll.table) or table.date_order else None
            _check_date_order(op, coll, [record], batch=False, stored=before)
            self._check_references(tx, op, coll, [record], batch=False)
            self._derive(tx, op, coll, [record], batch=False)  # (after: an unknown reference is named as such)
            _drop_aliases(coll, [record])
            tx.upsert(coll, record)
            if before is not None and _followers(coll.table):
                _move_followers(tx, coll.table, before, record)
        record = answered(record, coll, root)
        return Reply(op.success_status, record if op.answers_bare else {coll.singular: record})

    def create(
        self, op: Operation[Any, Any], coll: CollectionDef, path: Mapping[str, str], request: Request, root: str = ""
    ) -> Reply:
        records = self._records(op, coll, request)
        with self.storage.transaction() as tx:
            ids = self.insert_new(tx, op, coll, path, records, batch=op.kind == "batch_create")
        pairs = [{"suppliedSourcedId": i, "allocatedSourcedId": i} for i in ids]
        answer = {"sourcedIdPairs": pairs if self.settings.sourced_id_pairs == "spec" else pairs[0]}
        if op.answers_record:
            (record,) = records
            answer[coll.singular] = answered(record, coll, root)
        return Reply(201, answer)

    def new_records(self, op: Operation[Any, Any], body: bytes) -> builtins.list[dict[str, Any]]:
        """The records a create without path parameters stores from ``body``, validated as its request's (else
        ``ApiError``): what ``insert_new`` takes. ``load_seed`` validates each record of a seed this way."""
        return self._records(op, COLLECTIONS[op.collection], self._validate(op, {}, body))

    def insert_new(
        self,
        tx: Transaction,
        op: Operation[Any, Any],
        coll: CollectionDef,
        path: Mapping[str, str],
        records: builtins.list[dict[str, Any]],
        *,
        batch: bool,
    ) -> builtins.list[str]:
        """Stamp, check (parents, references, derived fields, repeats) and insert new records, in ``tx``: a create,
        or a batch of them (one stamp, one reference check, one insert); ``ApiError`` naming the item (``batch``)
        or the record. Their sourcedIds."""
        stamp = tx.stamp()
        for record in records:
            record["dateLastModified"] = stamp
        missing = [p for p in op.parents if not tx.existing_ids(COLLECTIONS[p.collection], [path[p.param]])]
        if missing:
            raise _not_found(path, *((COLLECTIONS[p.collection], p.param) for p in missing))
        for parent in op.parents:
            if parent.field:
                self._scope_to_parent(op, records, parent.field, path[parent.param], batch=batch)
        _check_date_order(op, coll, records, batch=batch)
        self._check_references(tx, op, coll, records, batch=batch)
        self._derive(tx, op, coll, records, batch=batch)
        _drop_aliases(coll, records)
        ids = [r["sourcedId"] for r in records]
        if len(set(ids)) < len(ids):
            raise _repeated(op, ids)
        try:
            tx.insert(coll, records)
        except AlreadyExists as exc:
            # (named as a 422 names a field, results[3].sourcedId: which item, not only which id; as a 422 names
            # them, in the batch's order, MAX_NAMED_FIELDS at most, the first few in the description)
            place = {sourced_id: index for index, sourced_id in enumerate(ids)}
            held = set(exc.ids)
            every = [i for i in ids if i in held]
            named, shown = every[:MAX_NAMED_FIELDS], every[:SHOWN_FIELDS]
            more = more_than_shown(len(named), len(every) - len(named), "ids")
            taken, label = ", ".join(map(quoted_id, shown)) + more, coll.label
            outside = {i for i in named if tx.get(coll, i) is None} if coll.fixed else set()  # (taken outside the view)
            if outside:
                # ("School already exists: D1" while GET /schools/D1 answered 404: D1 is a district)
                rule = ", ".join(f"its {name} is not {value!r}" for name, value in coll.fixed)
                label, taken = COLLECTIONS[coll.table].label, f"{taken} ({rule})"
            # Ids held by deleted records, which listings no longer show, are said to be, with where a PUT revives
            # them: the view's own PUT, unless the record is outside the view (PUT /schools/D1 refuses a district)
            # or the view has none (a class's students): then its table's.
            stored = COLLECTIONS[coll.table]
            own_put = _put_of(op.base_path, coll.name)
            revived_at: dict[str | None, list[str]] = {}
            deleted = tx.deleted_ids(stored, named)  # (read one by one, a re-sent batch of 1,000 took 15 ms more)
            for i in named:
                if i in deleted:
                    put = None if own_put is not None and i not in outside else _put_of(op.base_path, stored.name)
                    revived_at.setdefault(None if put is None else put.full_path, []).append(i)
            revive = {i: _revive([i], path) for path, ids in revived_at.items() for i in ids}
            # (the description's word on them covers the ids it shows; each named item's entry says it of its own)
            revived = [_revive(said, p) for p, ids in revived_at.items() if (said := [i for i in ids if i in shown])]
            unsaid = sum(i not in shown for ids in revived_at.values() for i in ids)
            if unsaid:  # (a client may show the description alone: the SDK's ConflictError message is it)
                where = "imsx_error_details says where a PUT revives each"
                counted = "1 more of those named exists as a deleted record" if unsaid == 1 else (
                    f"{unsaid} more of those named exist as deleted records")  # fmt: skip
                revived.append(f"{counted} ({where})")
            raise ApiError(
                409,
                "; ".join([f"{label} already exists: {taken}", *revived]),
                code_minor="invaliddata",
                fields=[
                    (
                        _item_path(op, place[i] if batch else None, "sourcedId"),
                        revive.get(i, f"{quoted_id(i)} already exists"),
                    )
                    for i in named
                ],
            ) from None
        return ids

    def delete(self, coll: CollectionDef, sourced_id: str) -> Reply:
        with self.storage.transaction() as tx:
            record = tx.get(coll, sourced_id)
            if record is None:
                raise _not_found({"sourced_id": sourced_id}, (coll, "sourced_id"))
            if record.get("status") == "tobedeleted":
                return Reply(204)  # (deleted already: rewritten, its new stamp would tell delta syncs of a change)
            record["status"] = "tobedeleted"
            record["dateLastModified"] = tx.stamp()
            tx.upsert(coll, record)
        return Reply(204)

    def patch(self, op: Operation[Any, Any], coll: CollectionDef, sourced_id: str, request: BaseModel) -> Reply:
        assert op.body is not None
        changes = getattr(request, op.body).model_dump(mode="json", by_alias=True, exclude_unset=True)
        sent = dict(changes)
        with self.storage.transaction() as tx:
            record = tx.get(coll, sourced_id)
            if record is None:
                raise _not_found({"sourced_id": sourced_id}, (coll, "sourced_id"))
            metadata = changes.pop("metadata", None)
            record.update(changes)
            if metadata is not None:
                record["metadata"] = {**(record.get("metadata") or {}), **metadata}
                # (each PATCH within the limit, the merged keys grew a record past it: one PUT back could not store)
                if too_many := too_much_metadata([record["metadata"]], self.settings):
                    raise too_many
            leave_out_nulls(record, nulls_left_out(coll.model))  # (a null sent there clears the field)
            _check_patched(op, record, sent)
            as_moments([record], coll)
            record["dateLastModified"] = tx.stamp()
            self._check_references(tx, op, coll, [record], batch=False)
            tx.upsert(coll, record)
        return Reply(200, {coll.singular: record})

    def _kinds(self, coll: CollectionDef) -> dict[str, FieldKind]:
        kinds = self._kinds_cache.get(coll.name)
        if kinds is None:
            kinds = self._kinds_cache[coll.name] = field_kinds(coll.model)
        return kinds

    # ----- referential checks

    @staticmethod
    def _derive(
        tx: Transaction,
        op: Operation[Any, Any],
        coll: CollectionDef,
        records: builtins.list[dict[str, Any]],
        *,
        batch: bool,
    ) -> None:
        """Fill the ``derive`` fields a write leaves out, and check the ``agree`` fields it names."""
        for field, via, source in dict.fromkeys((*coll.derive, *coll.agree)):
            fill, check = (field, via, source) in coll.derive, (field, via, source) in coll.agree
            target_coll = COLLECTIONS[coll.refs[via]]
            looked_up: dict[str, dict[str, Any] | None] = {}
            for index, record in enumerate(records):
                ref, given = record.get(via), record.get(field)
                if not isinstance(ref, dict) or not (check if given is not None else fill):
                    continue
                sourced_id = _sourced_id(ref)
                if sourced_id not in looked_up:
                    looked_up[sourced_id] = tx.get(target_coll, sourced_id)
                found = looked_up[sourced_id]
                if found is None or not isinstance(found.get(source), dict):
                    continue  # (an unknown record, which the reference check names, or one without it)
                expected = found[source]["sourcedId"]
                if given is None:
                    record[field] = {"sourcedId": expected}
                elif isinstance(given, dict) and given.get("sourcedId") != expected:
                    if _read_before(tx, coll, record):
                        record[field] = {"sourcedId": expected}
                        continue
                    where = _item_path(op, index if batch else None, f"{field}.sourcedId")
                    message = (f"{quoted_id(given.get('sourcedId'))} is not the {source} of {via} "
                               f"{quoted_id(sourced_id)} ({quoted_id(expected)})")  # fmt: skip
                    raise ApiError(422, f"Not the {via}'s {source}: {where}: {message}", fields=[(where, message)])

    @staticmethod
    def _scope_to_parent(
        op: Operation[Any, Any], records: builtins.list[dict[str, Any]], field: str, value: str, *, batch: bool
    ) -> None:
        for index, record in enumerate(records):
            ref = record.get(field)
            if ref is None:
                record[field] = {"sourcedId": value}
            elif ref.get("sourcedId") != value:
                where = _item_path(op, index if batch else None, f"{field}.sourcedId")
                message = (
                    f"{quoted_id(ref.get('sourcedId'))} does not match the {field} in the path ({quoted_id(value)})"
                )
                raise ApiError(422, f"{where}: {message}", fields=[(where, message)])

    @staticmethod
    def _check_references(
        tx: Transaction,
        op: Operation[Any, Any],
        coll: CollectionDef,
        records: builtins.list[dict[str, Any]],
        *,
        batch: bool,
    ) -> None:
        # The ids first, as sets (a batch of thousands of records names tens of thousands of references); where
        # each one is named is worked out only for the unknown ones.
        wanted: dict[str, set[str]] = {}
        for ref_path, target in coll.refs.items():
            wanted.setdefault(target, set()).update(referenced_ids(records, ref_path))
        targets = [target for target, ids in wanted.items() if ids]
        founds = tx.existing_many([(COLLECTIONS[target], wanted[target]) for target in targets])
        unknown_refs: list[tuple[int, str, str]] = []
        for target, found in zip(targets, founds, strict=True):
            if target == coll.table:
                found |= {r["sourcedId"] for r in records}
            unknown = wanted[target] - found
            if not unknown:
                continue
            label = COLLECTIONS[target].label.lower()
            unknown_refs += (
                (index, where, f"unknown {label} {quoted_id(sourced_id)}")
                for ref_path in (path for path, to in coll.refs.items() if to == target)
                for index, where, sourced_id in references(records, ref_path)
                if sourced_id in unknown
            )
        _refuse_holders(op, "Unknown reference", unknown_refs, batch=batch)
        _check_roles(tx, op, coll, records, batch=batch)
        _check_ancestry(tx, op, coll, records, batch=batch)
        _check_unique(tx, op, coll, records, batch=batch)


@functools.cache
def _flags(model: type[BaseModel]) -> tuple[str, ...]:
    """The flag fields of a record model (``enabledUser``, ``primary``)."""
    return tuple(name for name, kind in field_kinds(model).items() if kind == "bool")


def _flags_as_words(record: dict[str, Any], coll: CollectionDef) -> dict[str, Any]:
    """``record`` with its flags as Timeback answers them, the strings "true"/"false" (a JSON boolean sent, or
    stored by a server before this one, is written so)."""
    for name in _flags(coll.model):
        value = record.get(name)
        if type(value) is bool:
            record[name] = "true" if value else "false"
    return record


def as_moments(records: Sequence[dict[str, Any]], coll: CollectionDef) -> None:
    """The records' dates of their table's ``moments`` sent alone (``2024-01-15``) as that day's start in UTC
    (``2024-01-15T00:00:00Z``): Timeback's document types them date-time. (Validated before: ten characters are a
    date.)"""
    for name in COLLECTIONS[coll.table].moments:
        for record in records:
            value = record.get(name)
            if type(value) is str and len(value) == 10:
                record[name] = value + MIDNIGHT_UTC


def answered(
    record: dict[str, Any], coll: CollectionDef, root: str, fields: Iterable[str] | None = None, *, own: bool = False
) -> dict[str, Any]:
    """``record`` as Timeback's rostering response schemas have it (``coll.shaped_as``; a gradebook record as it is):
    each reference with this server's ``href`` and ``type`` for it (whatever is stored: ``_linked``), the fields
    Timeback requires that it lacks with their defaults (``answer_defaults``; of ``fields`` alone when selected), and
    ``answer_numbers`` holding an integer as that number. ``root``: the server's root as the request reached it
    (``root_url``), which an ``href`` starts with. A copy, along the way to what changes (the stored record is not),
    unless the record is the caller's ``own`` to change (a listed row just read)."""
    shape = coll.shaped_as
    if shape.links is None:
        return record
    shaped = record if own else dict(record)
    for name, value in shape.answer_defaults:
        if name not in shaped and (fields is None or name in fields):
            shaped[name] = list(value) if isinstance(value, tuple) else value
    for name in shape.answer_numbers:
        value = shaped.get(name)
        if type(value) is str and _INTEGER.fullmatch(value):
            shaped[name] = int(value)
    for head, key, kind, prefix in _links(coll.name):
        value = shaped.get(head)
        if value is None:
            continue
        if key is None:  # (one reference)
            if type(value) is dict:
                shaped[head] = _linked(value, kind, root + prefix, own)
        elif type(value) is list and not key:  # (a list of references)
            shaped[head] = [_linked(item, kind, root + prefix, own) if type(item) is dict else item for item in value]
        elif type(value) is list:  # (objects holding one at ``key``: a user's roles)
            items = value if own else [dict(item) if type(item) is dict else item for item in value]
            for item in items:
                if type(item) is dict and type(ref := item.get(key)) is dict:
                    item[key] = _linked(ref, kind, root + prefix, own)
            shaped[head] = items
    return shaped


# An integer a JSON number holds exactly (a double's 53 bits: 15 digits), written as Python writes it (no "02026")
_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,14}")


def _linked(ref: dict[str, Any], kind: str, prefix: str, own: bool = False) -> dict[str, Any]:
    """A reference with the ``href`` of the record on this server, as the request reached it, and the ``type`` of
    that record: the server's to say, whatever is stored (a record read and put back stored the host and port it was
    read through, which a server restarted on another port, or reached through a proxy, answered still; a type sent
    as "banana" was answered so, outside Timeback's schema)."""
    sourced_id = ref.get("sourcedId")
    if type(sourced_id) is not str:
        return ref
    linked = ref if own else dict(ref)
    # (most ids need no escaping: quote() cost a microsecond a reference, 3,000 users a page)
    linked["href"] = prefix + (sourced_id if _PLAIN_SEGMENT.fullmatch(sourced_id) else path_segment(sourced_id))
    linked["type"] = kind
    return linked


# A path segment quote() leaves as it is (its unreserved characters), but the dot segments path_segment escapes
_PLAIN_SEGMENT = re.compile(r"(?!\.\.?\Z)[A-Za-z0-9_.~-]+")


@functools.cache
def _links(collection: str) -> tuple[tuple[str, str | None, str, str], ...]:
    """(field, key, type, href prefix) of each reference path ``answered`` links: key None for ``x``, "" for
    ``x[]``, "y" for ``x[].y``; the type Timeback names the record referenced by (its collection's singular: "org",
    "academicSession", "user"), the prefix its GET's path without the server's root (``/ims/.../orgs/``)."""
    coll = COLLECTIONS[collection]
    linked = []  # (a view's references are its table's: a student's roles)
    for ref_path, target in {**coll.shaped_as.refs, **coll.refs, **(coll.shaped_as.links or {})}.items():
        head, array, tail = ref_path.partition("[]")
        get = _get_of(target)
        assert get is not None, target
        prefix = get.full_path.removesuffix("{sourced_id}")
        linked.append((head, tail.lstrip(".") if array else None, COLLECTIONS[target].singular, prefix))
    return tuple(linked)


def _answered_rows(
    rows: builtins.list[str], coll: CollectionDef, root: str, fields: builtins.list[str] | None
) -> Iterator[str]:
    """Listed rows (JSON text) as ``answered`` makes a record, with only ``fields`` when selected."""
    for row in rows:
        # (pydantic-core's JSON, as the rows were written: twice as fast as the json module's each way)
        record = select_fields(_flags_as_words(from_json(row), coll), fields)
        yield to_json(answered(record, coll, root, fields, own=True)).decode()


def _read_before(tx: Transaction, coll: CollectionDef, record: dict[str, Any]) -> bool:
    """Whether a record written whose ``agree`` field names another than its ``via``'s (an enrollment's course or
    school, not its class's) updates a stored record: the value is then one read before the class changed, or before
    this write moved it to another class, and the class's is taken. Refused (422), moving a student to a class of
    another course failed when read and put back, again when its answer was lost and the SDK sent it again (the
    first attempt stored), and a nightly sync's enrollments failed after its classes moved. A new record's is the
    writer's own: still refused."""
    return tx.get(COLLECTIONS[coll.table], record["sourcedId"]) is not None


def _check_roles(
    tx: Transaction, op: Operation[Any, Any], coll: CollectionDef, records: list[dict[str, Any]], *, batch: bool
) -> None:
    """422 for a record whose ``holding`` reference names a record outside the view of the role it gives (an
    enrollment with role student naming a user who is no student), named as a reference outside a view is, under
    its own title (the user exists: "Unknown reference" misled)."""
    lacking: list[tuple[int, str, str]] = []
    for ref, field in coll.holding:
        views = _role_views(COLLECTIONS[coll.refs[ref]].table)
        holders = [
            (index, view, sourced_id)
            for index, record in enumerate(records)
            if (view := views.get(record.get(field, ""))) is not None
            and isinstance(sourced_id := _sourced_id(record.get(ref)), str)
        ]
        wanted: dict[str, set[str]] = {}
        for _, view, sourced_id in holders:
            wanted.setdefault(view, set()).add(sourced_id)
        found = dict(zip(wanted, tx.existing_many([(COLLECTIONS[v], ids) for v, ids in wanted.items()]), strict=True))
        why = functools.cache(lambda view, sourced_id: _lacking_role(tx, COLLECTIONS[view], sourced_id))
        lacking += (
            (index, f"{ref}.sourcedId", why(view, sourced_id))
            for index, view, sourced_id in holders
            if sourced_id not in found[view]
        )
    _refuse_holders(op, "Reference not allowed here", lacking, batch=batch)


def _check_unique(
    tx: Transaction, op: Operation[Any, Any], coll: CollectionDef, records: list[dict[str, Any]], *, batch: bool
) -> None:
    """409 naming each record whose ``unique`` field holds a value another record holds (stored, or earlier in the
    batch; "" and spaces alone are no value), and who holds it."""
    table = COLLECTIONS[coll.table]  # (a view's records are its table's: a student's email is a user's)
    for field in table.unique:
        given = [(index, value) for index, record in enumerate(records)
                 if type(value := record.get(field)) is str and unique_form(value)]  # fmt: skip
        if not given:
            continue
        # (every holder of each: a file written before this check may hold a value twice, and neither holder keeps it)
        held: dict[str, list[tuple[str, bool]]] = {}
        for form, holder, status in tx.holders(table, field, {unique_form(value) for _, value in given}):
            held.setdefault(form, []).append((holder, status == "tobedeleted"))
        problems: list[tuple[str, str]] = []
        label = table.label.lower()
        for index, value in given:
            sourced_id = records[index]["sourcedId"]
            holders = held.setdefault(unique_form(value), [])
            other = next(((holder, deleted) for holder, deleted in holders if holder != sourced_id), None)
            if other is None:
                holders.append((sourced_id, False))  # (an earlier record of the batch holds it from then on)
                continue
            holder, deleted = other
            why = (f"{quoted_id(value)} is held by {'deleted ' if deleted else ''}{label} {quoted_id(holder)} "
                   f"(in any case of its letters: no two {table.name} share one)")  # fmt: skip
            if deleted:  # (how to free it: a PUT without status "tobedeleted" revives the holder)
                why += f"; a deleted {label} keeps its {field}: PUT it without one, its status still 'tobedeleted'"
            problems.append((_item_path(op, index if batch else None, field), why))
        if problems:
            shown = problems[:MAX_NAMED_FIELDS]
            raise ApiError(409, f"Not unique: {fields_said(shown, len(problems) - len(shown))}",
                           code_minor="invaliddata", fields=shown)  # fmt: skip


def _refuse_holders(op: Operation[Any, Any], title: str, refused: list[tuple[int, str, str]], *, batch: bool) -> None:
    """422 titled ``title`` naming every record holding a value refused (a reference; dates in reverse), ``(record
    index, field path, why)``: not
    only the first record holding it (a client sending the batch again without the records named, as the SDK's bulk
    upload does, met one more 422 for each of the others). Once per record and reason (a class's school, filled in
    from its org, is not named again); ``MAX_NAMED_FIELDS`` at most, as other 422s."""
    problems: list[tuple[str, str]] = []
    named: set[tuple[int, str]] = set()
    unnamed = 0
    for index, where, why in refused:
        if (index, why) in named:
            continue
        named.add((index, why))
        if len(problems) == MAX_NAMED_FIELDS:
            unnamed += 1
        else:
            problems.append((_item_path(op, index if batch else None, where), why))
    if problems:
        raise fields_error(title, problems, unnamed)


@functools.cache
def _role_views(table: str) -> dict[str, str]:
    """The views of a table by the role their records hold: {"student": "students", "teacher": "teachers"}."""
    return {c.role: c.name for c in COLLECTIONS.values() if c.role is not None and c.table == table}


def _check_ancestry(
    tx: Transaction, op: Operation[Any, Any], coll: CollectionDef, records: list[dict[str, Any]], *, batch: bool
) -> None:
    """422 for a record that would be its own ancestor: an org, academic session or assessment line item naming
    itself as its parent, or a parent whose own parents (stored, or in the same request) come back to it."""
    for path in [path for path, target in coll.refs.items() if target == coll.table and "[" not in path]:
        sent = {r["sourcedId"]: r for r in records}
        for index, record in enumerate(records):
            own, parent = record["sourcedId"], _sourced_id(record.get(path))
            seen: set[str] = set()
            # (a circle above that does not pass through this record, written before this check, ends the walk)
            while isinstance(parent, str) and parent not in seen:
                if parent == own:
                    where = _item_path(op, index if batch else None, f"{path}.sourcedId")
                    message = "the record itself" if not seen else f"its {path}'s {path}s lead back to {quoted_id(own)}"
                    raise ApiError(422, f"Circular {path}: {where}: {message}", fields=[(where, message)])
                seen.add(parent)
                above = sent.get(parent) or tx.get(COLLECTIONS[coll.table], parent)
                parent = _sourced_id(above.get(path)) if above is not None else None


@functools.cache
def _followers(table: str) -> tuple[tuple[CollectionDef, str, str, str, bool], ...]:
    """(collection, field, via, source, must agree) of each ``derive``, ``agree`` or ``follow`` whose ``via`` names a
    record of ``table``: a class's enrollments, whose school must be the class's, and its line items, at its school
    or not; a line item's results, whose class is the line item's unless they name another."""
    return tuple(
        (c, field, via, source, (field, via, source) in c.agree)
        for c in COLLECTIONS.values()
        if c.stored_in is None
        for field, via, source in dict.fromkeys((*c.agree, *c.derive, *c.follow))
        if COLLECTIONS[c.refs[via]].table == table
    )


def _move_followers(tx: Transaction, table: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Records that follow one just rewritten follow its change, in the same transaction and with its stamp
    (delta syncs see them change): a class moved to another school takes its enrollments along, else they would
    be listed under a school the class left and missing from its new one's, and its line items at the school it
    left (those at another stay); a line item put into another class takes the results holding its old class
    (taken from it when they named none), and leaves those naming another class as sent. Deleted ones stay as
    they were (a deletion is not rewritten). One statement per collection, whatever the number moved."""
    for follower, field, via, source, must_agree in _followers(table):
        new, old = _sourced_id(after.get(source)), _sourced_id(before.get(source))
        if isinstance(new, str) and new != old:
            tx.follow(follower, via, after["sourcedId"], field, old, new, every=must_agree)


def _drop_aliases(coll: CollectionDef, records: list[dict[str, Any]]) -> None:
    """Leave out of the records the other names their fields were sent under (``aliases``), taken as those fields
    by ``_records``: kept until then so that a reference check names the field as sent (``class.org.sourcedId``)."""
    for alias, _ in coll.aliases:
        for record in records:
            record.pop(alias, None)


def _sourced_id(ref: Any) -> Any:
    return ref.get("sourcedId") if isinstance(ref, dict) else ref


def _lacking_role(tx: Transaction, view: CollectionDef, sourced_id: str) -> str:
    """Why a user (known: the reference check ran first) is not in a role's view: the roles it holds."""
    user = tx.get(COLLECTIONS[view.table], sourced_id) or {}
    held = sorted({str(r.get("role")) for r in user.get("roles") or () if isinstance(r, dict)})
    return f"user {quoted_id(sourced_id)} does not hold the {view.role} role (its roles: {', '.join(held) or 'none'})"


_WHOLE_BODIES: dict[tuple[str, str], type[BaseModel] | None] = {}


def single_key(op: Operation[Any, Any], coll: CollectionDef) -> str:
    """The key a read's record comes under: its answer model's one field (Timeback answers a term as "term" where
    the official document has "academicSession"), else the collection's singular."""
    response: type[BaseModel] | None = op.response  # (mypy takes a type[Any] for no Hashable)
    return _single_key(response, coll.singular)


@functools.cache
def _single_key(response: type[BaseModel] | None, singular: str) -> str:
    fields = response.__pydantic_fields__ if response is not None else {}
    if len(fields) != 1:
        return singular
    name, info = next(iter(fields.items()))
    return info.serialization_alias or name


def whole_body(op: Operation[Any, Any]) -> type[BaseModel] | None:
    """What a whole record of ``op``'s collection must pass: the body model of its PUT or, when that PUT may send
    part of a record (Timeback's class update, ``TimebackUpdateClassBody``), the whole model it names."""
    key = (op.base_path, op.collection)
    if key not in _WHOLE_BODIES:
        put = _put_of(*key)
        body = None if put is None else _body_model(put)
        _WHOLE_BODIES[key] = getattr(body, "whole", body)
    return _WHOLE_BODIES[key]


@functools.cache
def _get_of(collection: str) -> Operation[Any, Any] | None:
    """The GET of a record of a collection (``/orgs/{sourced_id}``), if it has one."""
    from timeback.resources import all_operations

    gets = (o for o in all_operations() if o.kind == "get")
    return next((o for o in gets if o.collection == collection), None)


@functools.cache
def _put_of(base_path: str, collection: str) -> Operation[Any, Any] | None:
    """The PUT of a collection or view (``/schools/{sourced_id}``), if it has one."""
    from timeback.resources import all_operations

    puts = (o for o in all_operations() if o.kind == "put")
    return next((o for o in puts if (o.base_path, o.collection) == (base_path, collection) and o.body), None)


def _body_model(op: Operation[Any, Any]) -> type[BaseModel]:
    assert op.body is not None
    model: type[BaseModel] = op.request.__pydantic_fields__[op.body].annotation
    return model


def _not_from_outside_the_view(tx: Transaction, op: Operation[Any, Any], coll: CollectionDef, sourced_id: str) -> None:
    """A PUT through a view (a school: an org of type school) may not turn a record outside it into one of it: a
    district's id at ``/schools/{id}`` made it a school, its schools left without their district (and
    ``GET /schools/{id}`` had answered 404 just before). 422 naming the field, as a school write of another type is."""
    base = COLLECTIONS[coll.table]
    stored = tx.get(base, sourced_id)
    if stored is None or (outside := next(((n, f) for n, f in coll.fixed if stored.get(n) != f), None)) is None:
        return  # (a new record, or one of the view already)
    name, fixed = outside
    where = f"{op.wire_body_key}.{name}"
    message = (
        f"{quoted_id(sourced_id)} is in /{base.name} with {name} {stored.get(name)!r}, not {fixed!r}: write it there"
    )
    raise ApiError(422, f"Another kind of record: {where}: {message}", fields=[(where, message)])


def _every_error(model: type[BaseModel], data: Any, failed: ValidationError, body: Any) -> list[Mapping[str, Any]]:
    """The errors of ``failed`` (``data`` refused as ``model``) and the strict problems of the parts pydantic took,
    in ``body``'s order: one 422 names every bad field of the body."""
    problems = strict_problems_of_parts(model, data, failed)
    errors = [_overflowing(error) for error in failed.errors(include_url=False)]
    return sorted([*errors, *_strict_errors(problems)], key=lambda error: _document_order(body, error["loc"]))


def _overflowing(error: Mapping[str, Any]) -> Mapping[str, Any]:
    """``error`` said as for 1e400 when it is an integer past a double's range sent for a number. (Read, an integer
    is kept whole, as metadata holds it; validation's "Input should be a valid number" did not say why.)"""
    value = error.get("input")
    if error["type"] == "float_type" and type(value) is int:
        try:
            float(value)
        except OverflowError:
            return {**error, "msg": not_finite(str(value))}
    return error


def _path_error(errors: Sequence[Mapping[str, Any]], path: Mapping[str, str]) -> ApiError | None:
    """The 422 for the first of ``errors`` that is a path parameter's (an id past 255 characters), named as the
    path's: merged into the body to be validated, it was named as a body field, by the SDK's Python name
    ("Invalid request body: sourced_id: ..."). None if every error is the body's."""
    for error in errors:
        if error["loc"] and error["loc"][0] in path:
            message = f"{_path_name(error['loc'][0])}: {error['msg']}"
            return ApiError(422, f"The path: {message}.", fields=[("path", message)])
    return None


def _path_name(param: str) -> str:
    """A path parameter as the spec's path names it: ``line_item_sourced_id`` -> ``lineItemSourcedId``."""
    first, *rest = param.split("_")
    return first + "".join(part.title() for part in rest)


def _not_found(path: Mapping[str, str], *missing: tuple[CollectionDef, str]) -> ApiError:
    """The 404 naming each record the path names that is not there, ``(collection, path parameter)``, by its id and
    its path parameter: with two parents (``/classes/{c}/lineItems/{l}/results``), Timeback's text "Class or line
    item not found." did not say which. A parent is named by its role in the path (a student, a school, a term), as
    Timeback names it, not by its collection (users, orgs, academic sessions)."""
    said = [(_role(coll, param), quoted_id(path[param]), _path_name(param)) for coll, param in missing]
    description = " ".join(f"{noun} {sourced_id} not found." for noun, sourced_id, _ in said)
    fields = [("path", f"{name}: unknown {noun.lower()} {sourced_id}") for noun, sourced_id, name in said]
    return ApiError(404, description, fields=fields)


def _role(coll: CollectionDef, param: str) -> str:
    """``Student`` for ``student_sourced_id``; the collection's noun for the record's own ``sourced_id``."""
    role = param.removesuffix("_sourced_id")
    return coll.noun or coll.label if role == param or not role else role.replace("_", " ").capitalize()


def _must_be(fixed: str) -> str:
    return f"must be {fixed!r} here"


def _fixed_said(op: Operation[Any, Any], errors: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """``errors`` with those of a field a view fixes (a school's org type, a term's type), sent with a value its
    record model refuses, said as the view's value: /schools/ said \"'bogus' is not one of 'department', 'district',
    ...\", then refused 'district' (\"must be 'school'\")."""
    fixed = dict(COLLECTIONS[op.collection].fixed)
    if not fixed:
        return errors
    key = op.wire_body_key
    said = []
    for error in errors:
        loc = [part for part in error["loc"] if not is_schema_tag(part)]
        record = loc[:1] == [key] and (len(loc) == 2 or (len(loc) == 3 and type(loc[1]) is int))
        if record and loc[-1] in fixed and error["type"] != "missing":
            error = {**error, "type": "value_error", "msg": _must_be(fixed[loc[-1]])}
        said.append(error)
    return said


def _strict_errors(problems: list[tuple[Location, str]]) -> list[dict[str, Any]]:
    """``strict_problems`` as ``validation_error`` takes errors."""
    return [{"type": "value_error", "loc": loc, "msg": message} for loc, message in problems]


def _document_order(body: Any, loc: Iterable[Any]) -> list[int]:
    """Where ``loc`` points in ``body``: the place of each key or index along it (a key the body lacks, a missing
    field's, after those it has), to sort errors in the body's order."""
    order: list[int] = []
    for part in loc:
        if isinstance(body, dict) and part in body:
            order.append(list(body).index(part))
        elif isinstance(body, list) and type(part) is int and 0 <= part < len(body):
            order.append(part)
        else:
            order.append(len(body) if isinstance(body, dict) else 0)
            break
        body = body[part]
    return order


def _completed(
    tx: Transaction, op: Operation[Any, Any], coll: CollectionDef, record: dict[str, Any], whole: type[BaseModel]
) -> dict[str, Any]:
    """The record a PUT whose body may be part of one stores (Timeback's class update: ``whole`` is what a whole
    record must pass). Whole, the body replaces the record; in part, the fields sent replace the stored record's.
    Either way the result must be whole: 422 naming what the body lacks otherwise."""

    def problems(candidate: dict[str, Any]) -> list[Mapping[str, Any]] | None:
        try:
            whole.model_validate_json(json.dumps(candidate), **STRICT_VALIDATION)
        except ValidationError as exc:
            return _every_error(whole, candidate, exc, candidate)
        return None

    errors = problems(record)
    if errors is None:
        return record
    stored = tx.get(coll, record["sourcedId"])
    if stored is None:  # (the body's schema requires nothing: whether the record exists decides)
        named = validation_error(errors, prefix=f"{op.wire_body_key}.")
        description = named.description.replace("Invalid request body", f"Not a whole {coll.label.lower()}", 1)
        raise ApiError(422, f"{description}; a part only updates one that exists", fields=named.fields)
    merged = {**stored, **record}
    if (errors := problems(merged)) is not None:
        raise validation_error(errors, prefix=f"{op.wire_body_key}.")
    return merged


def _check_patched(op: Operation[Any, Any], record: dict[str, Any], sent: dict[str, Any]) -> None:
    """A PATCH may not break the record: a field it sets must leave it valid as a whole (what a PUT of it must
    be). Timeback's PATCH bodies declare the fields a record needs (an assessment result's student, line item,
    scoreStatus and scoreDate; an assessment line item's title) and ``metadata`` non-nullable: null there is 422
    naming the field. A problem in a field the PATCH did not send (a record stored before a rule) is not its
    fault and is left alone."""
    key = op.wire_body_key or "body"
    fields: list[tuple[str, str]] = []
    if "metadata" in sent and sent["metadata"] is None:
        fields.append((f"{key}.metadata", "may not be null (send {} to add no keys)"))
    model = whole_body(op)
    if model is not None:
        try:
            model.model_validate_json(json.dumps(record), **STRICT_VALIDATION)
        except ValidationError as exc:
            for where, message in validation_error(exc, prefix=f"{key}.").fields:
                name = re.split(r"[.\[]", where.removeprefix(f"{key}."), maxsplit=1)[0]
                if name in sent and name != "metadata":
                    fields.append((where, "may not be null" if sent[name] is None else message))
    if fields:
        raise fields_error("Invalid request body", fields)


def _check_date_order(
    op: Operation[Any, Any],
    coll: CollectionDef,
    records: list[dict[str, Any]],
    *,
    batch: bool,
    stored: dict[str, Any] | None = None,
) -> None:
    """422 naming each later date of ``date_order`` that comes before its earlier one (an enrollment ending before it
    begins), as ``_refuse_holders`` names refused references. (No PATCH writes a collection that has such dates.) A
    PUT giving a pair the record ``stored`` holds already passes: a record read and sent back is taken, whatever a
    server before this rule, or before ``moments``, stored (a date alone then its day's start: in reverse now)."""
    refused: list[tuple[int, str, str]] = []
    for earlier, later in COLLECTIONS[coll.table].date_order:
        items, _, first = earlier.rpartition("[].")
        second = later.rpartition("[].")[2]
        kept = {(_instant(i.get(first)), _instant(i.get(second))) for i in _dated(stored, items)} if stored else set()
        for index, record in enumerate(records):
            for place, item in enumerate(_dated(record, items)):
                pair = item.get(first), item.get(second)
                if _in_reverse(*pair) and (_instant(pair[0]), _instant(pair[1])) not in kept:
                    where = second if not items else f"{items}[{place}].{second}"
                    said = f"{item[second]!r} is before its {first} ({item[first]!r})"
                    if second in COLLECTIONS[coll.table].moments and _on_the_day(item[first], item[second]):
                        said += "; a date alone is its day's start, UTC"  # (as_moments: the 2024-01-15 sent)
                    refused.append((index, where, said))
    _refuse_holders(op, "Dates in reverse", refused, batch=batch)


def _dated(record: dict[str, Any] | None, items: str) -> list[dict[str, Any]]:
    """The objects of ``record`` holding a ``date_order`` pair: the record, or each item of its list ``items``
    (a place kept for each, a non-object as an empty one)."""
    held = record.get(items) or [] if items and record is not None else [record]
    return [item if isinstance(item, dict) else {} for item in held]


def _instant(value: object) -> object:
    """A date-time as the instant it names (a pair read and sent back written otherwise, ``+00:00`` for ``Z``, is the
    pair held); anything else as it is."""
    if isinstance(value, str) and len(value) > 10:
        with contextlib.suppress(ValueError):
            return parse_date_or_datetime(value)
    return value


def _on_the_day(earlier: str, later: str) -> bool:
    """Whether ``later``, found before ``earlier``, is so only as instants, its date as written not before
    ``earlier``'s, one of them a day's start (``as_moments``' form of a date sent alone)."""
    return later[:10] >= earlier[:10] and MIDNIGHT_UTC in (earlier[10:], later[10:])


def _in_reverse(earlier: object, later: object) -> bool:
    """Whether ``later`` is before ``earlier``, ISO 8601 dates or date-times: two date-times as instants, else by
    the dates written (a date-time's own, at its offset). Anything else (a lax server's text) is not compared."""
    if not (isinstance(earlier, str) and isinstance(later, str)):
        return False
    try:
        if len(earlier) > 10 and len(later) > 10:
            return parse_date_or_datetime(later) < parse_date_or_datetime(earlier)
        return date.fromisoformat(later[:10]) < date.fromisoformat(earlier[:10])
    except ValueError:
        return False


def _one_row_through(scopes: list[Scope]) -> list[Scope]:
    """Parents reached through the same rows (the same collection, selected field and fixed values) must be named
    by one and the same row: the students of ``/schools/{s}/classes/{c}/students`` are the users of the student
    enrollments whose class is c and whose school is s (as ``.../enrollments`` there lists them), not users with an
    enrollment in c and another anywhere in s."""
    merged: list[Scope] = []
    for scope in scopes:
        through = scope.through
        same = next(
            (
                i
                for i, kept in enumerate(merged)
                if through is not None
                and kept.through is not None
                and kept.field == scope.field
                and (kept.through.collection, kept.through.select, kept.through.where)
                == (through.collection, through.select, through.where)
            ),
            None,
        )
        if same is None or through is None:
            merged.append(scope)
        else:
            merged[same] = replace(merged[same], also=(*merged[same].also, (through.match, scope.value)))
    return merged


def _revive(deleted: list[str], put_path: str | None) -> str:
    """What a 409 says of the taken ids that deleted records hold (a create cannot take them; a PUT revives them:
    to ``put_path``, its ``{sourced_id}`` each id's, when not to the view the create was sent to)."""
    if len(deleted) == 1:
        to = "" if put_path is None else f" to {put_path.format(sourced_id=path_segment(deleted[0]))}"
        return f"{quoted_id(deleted[0])} exists as a deleted record (status 'tobedeleted'): PUT it{to} to revive it"
    to = "" if put_path is None else f" to {put_path.replace('{sourced_id}', '{sourcedId}')}"
    ids = ", ".join(map(quoted_id, deleted))
    return f"{ids} exist as deleted records (status 'tobedeleted'): PUT them{to} to revive them"


def _repeated(op: Operation[Any, Any], ids: list[str]) -> ApiError:
    """422 naming every item whose sourcedId an earlier item of the batch has (``results[1].sourcedId``)."""
    first: dict[str, int] = {}
    fields = []
    for index, sourced_id in enumerate(ids):
        if sourced_id in first:
            fields.append(
                (_item_path(op, index, "sourcedId"), f"{quoted_id(sourced_id)} repeats item {first[sourced_id]}'s")
            )
        else:
            first[sourced_id] = index
    duplicates = sorted(sourced_id for sourced_id, n in Counter(ids).items() if n > 1)
    return ApiError(422, f"sourcedId repeated within the batch: {', '.join(map(quoted_id, duplicates))}", fields=fields)


def _unaddressable(op: Operation[Any, Any], indexes: Sequence[int | None]) -> ApiError:
    """422 naming every item whose sourcedId holds U+FFFF: no path reaches such a record (U+FFFF stands in for
    ``%2F`` while routing, so a path holding it is 400), so it is not created."""
    message = "holds U+FFFF, a Unicode noncharacter no path can carry"
    fields = [(_item_path(op, index, "sourcedId"), message) for index in indexes]
    return ApiError(422, f"Invalid request body: {fields[0][0]}: {message}", fields=fields)


def _item_path(op: Operation[Any, Any], index: int | None, where: str) -> str:
    key = op.wire_body_key or "body"
    return f"{key}[{index}].{where}" if index is not None else f"{key}.{where}"


def referenced_ids(records: list[dict[str, Any]], ref_path: str) -> set[str]:
    """The sourcedIds ``references`` finds, without where: for a plain field, one set comprehension."""
    head, array, _ = ref_path.partition("[]")
    if array:
        return {sourced_id for _, _, sourced_id in references(records, ref_path)}
    refs = [record.get(head) for record in records]
    return {ref["sourcedId"] for ref in refs if isinstance(ref, dict) and isinstance(ref.get("sourcedId"), str)}


def references(records: list[dict[str, Any]], ref_path: str) -> Iterator[tuple[int, str, str]]:
    """(record index, field path, sourcedId) of every reference at ``ref_path`` (``class``, ``terms[]``,
    ``roles[].org``) in the records: one pass over a whole batch per path, not a generator per record."""
    head, array, tail = ref_path.partition("[]")
    if not array:
        where = f"{head}.sourcedId"
        for index, record in enumerate(records):
            ref = record.get(head)
            if isinstance(ref, dict) and isinstance(ref.get("sourcedId"), str):
                yield index, where, ref["sourcedId"]
        return
    key = tail.lstrip(".")
    for index, record in enumerate(records):
        items = record.get(head)
        for i, item in enumerate(items if isinstance(items, list) else []):
            ref = item.get(key) if key and isinstance(item, dict) else item
            if isinstance(ref, dict) and isinstance(ref.get("sourcedId"), str):
                yield index, f"{head}[{i}]{tail}.sourcedId", ref["sourcedId"]


# ----- query helpers


def fields_param(query: Mapping[str, str]) -> str | None:
    """``fields=a,b`` (the REST binding's form) or ``fields=a&fields=b`` (the official document's exploded array)."""
    values = query.getlist("fields") if isinstance(query, QueryParams) else [query["fields"]] * ("fields" in query)
    return ",".join(values) if values else None


# What a listing reads as one value: given twice, which was meant? (QueryParams keeps the last.) Not ``fields``.
SINGULAR_PARAMS = ("filter", "sort", "orderBy", "limit", "offset", "search")


# What reads take ("fields" alone, a record by id); other names are ignored (a cache-buster, a client's own), but
# for one that is a near miss of these (``_refuse_misspelt``)
READ_PARAMS = (*SINGULAR_PARAMS, "fields")
_READ_PARAMS_FOLDED = {name.lower(): name for name in READ_PARAMS}


def _refuse_misspelt(query: Mapping[str, str]) -> None:
    """400 for a parameter a read does not take but nearly names one it does (``filtr``, ``orderby``, ``Sort``,
    ``field``): ignored, as other names are, a nightly export with one typo read the whole collection unfiltered,
    or in the other order, with nothing said (from the export engineer's run)."""
    for name in query:
        if name in READ_PARAMS:
            continue
        meant = _READ_PARAMS_FOLDED.get(name.lower())
        if meant is None and 3 <= len(name) <= 12:  # (difflib only for names of about the right length: cheap)
            import difflib

            close = difflib.get_close_matches(name, READ_PARAMS, n=1, cutoff=0.8)
            meant = close[0] if close else None
        if meant is not None:
            raise ApiError(
                400,
                f"Unknown query parameter {name!r}: did you mean {meant!r}? (names are case-sensitive; a read takes "
                f"{', '.join(READ_PARAMS)}, others are ignored)",
                code_minor="invaliddata",
                fields=[(name, f"unknown parameter; did you mean {meant!r}?")],
            )


def _given_once(query: QueryParams) -> None:
    """400 naming every parameter of ``SINGULAR_PARAMS`` the query repeats."""
    repeated = [(name, count) for name in SINGULAR_PARAMS if (count := len(query.getlist(name))) > 1]
    if repeated:
        shown = "; ".join(f"'{name}' was given {count} times" for name, count in repeated)
        hint = " (join filter predicates with AND)" if any(name == "filter" for name, _ in repeated) else ""
        raise ApiError(
            400,
            f"{shown}; send {'it' if len(repeated) == 1 else 'each'} once{hint}",
            code_minor="invaliddata",
            fields=[(name, f"given {count} times; send it once") for name, count in repeated],
        )


def parse_fields(raw: str | None, known: Mapping[str, Any]) -> list[str] | None:
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",")]
    if "" in names:  # (was "Unknown field in 'fields': ''")
        message = "is empty" if len(names) == 1 else "holds an empty name (two commas, or one at an end)"
        raise ApiError(400, f"'fields' {message}: name one field at least, comma-separated, or leave it out",
                       code_minor="invalid_selection_field", fields=[("fields", message)])  # fmt: skip
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ApiError(
            400,
            f"Unknown field in 'fields': {', '.join(repr(name) for name in unknown)}; fields takes {', '.join(known)}",
            code_minor="invalid_selection_field",
            fields=[("fields", name) for name in unknown],
        )
    return names


def _unaliased(coll: CollectionDef, fields: list[str] | None) -> list[str] | None:
    """``fields`` with the other names of fields (``aliases``) as the fields they name, each once."""
    if fields is None or not coll.aliases:
        return fields
    names = dict(coll.aliases)
    return list(dict.fromkeys(names.get(name, name) for name in fields))


def select_fields(record: dict[str, Any], fields: Iterable[str] | None) -> dict[str, Any]:
    if fields is None:
        return record
    return {name: record[name] for name in fields if name in record}


@functools.lru_cache(maxsize=64)  # (keyed by what callers ask: bounded)
def _picker(fields: tuple[str, ...]) -> SchemaValidator:
    """Reads a record's JSON text into a dict of ``fields`` alone, in their order: the others' values are skipped by
    the parser, never built (json.loads and dumps made a page of 3,000 rows 3x slower to answer than whole rows)."""
    picked = {name: core_schema.typed_dict_field(core_schema.any_schema(), required=False) for name in fields}
    return SchemaValidator(core_schema.typed_dict_schema(picked, extra_behavior="ignore"))


def _selected(rows: list[str], fields: list[str]) -> Iterator[str]:
    """Listed rows (JSON text) with only ``fields``, as ``select_fields`` selects them. (The parser reads every
    stored row: each was validated by pydantic-core's on its way in, past its nesting limit a 422.)"""
    pick = _picker(tuple(dict.fromkeys(fields)))
    return (to_json(pick.validate_json(row)).decode() for row in rows)


MAX_OFFSET = 2**63 - 1  # the largest integer SQLite takes; also declared in the OpenAPI document


def _non_negative_int(query: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]+", raw):
        value = minimum - 1
    else:  # int() refuses thousands of digits; anything that long is simply too large
        value = int(raw) if len(raw) <= 40 else (10**40 if raw[0] != "-" else minimum - 1)
    if value < minimum or (name == "offset" and value > MAX_OFFSET):
        bounds = f">= {minimum}" if name != "offset" else f"from {minimum} to {MAX_OFFSET}"
        raise ApiError(
            400,
            f"'{name}' must be an integer {bounds}, not {raw!r}",
            code_minor="invaliddata",
            fields=[(name, f"must be an integer {bounds}")],
        )
    return value


# Each link repeats the query: a 1,000-value ``@`` filter made a 150 KB header, past what clients read (aiohttp 8,190
# bytes a line, httpx 100 KB a head), so they failed on a 200. Longer than this, links are left out, ``next`` last.
LINK_HEADER_MAX = 8000


def link_header(
    url: str, query: Mapping[str, str], limit: int, offset: int, total: int, served: int | None = None
) -> str | None:
    """``first``, ``prev``, ``next`` and ``last``, ``limit`` apart from ``offset`` (``prev`` stopping at 0; ``next``
    after the ``served`` records when the page was answered short, its records' size bounded): the query
    as sent, every value of a repeated parameter kept (``fields=a&fields=b``) in its place, with only ``limit`` (the
    one served) and ``offset`` replaced (each given once at most: ``_given_once``). At most ``LINK_HEADER_MAX``
    bytes: past that, ``next`` is kept and then ``prev``, ``first`` and ``last`` as they fit (a client following
    ``next`` alone stopped without a word when the whole header was left out); None when not even ``next`` fits, or
    none is wanted (the total and the envelope still say where the pages are)."""
    sent = query.multi_items() if isinstance(query, QueryParams) else list(query.items())

    def at(new_offset: int) -> str:
        paging = {"limit": str(limit), "offset": str(new_offset)}
        params = [(name, paging.get(name, value)) for name, value in sent]
        params += [(name, value) for name, value in paging.items() if name not in query]
        return f"<{url}?{urlencode(params)}>"

    # Pages step by limit from the offset asked for: from offset=1&limit=2 of 4 records, last is where next leads
    # (3), not the grid from 0's last (2, behind the page at 3). Past the end, the same steps lead back.
    # (a page answered short: the pages after it step from where it ended, ``last`` among them, not before ``next``)
    after = offset + served if served and served < limit and offset + served < total else offset
    start = after % limit
    last = start + (total - 1 - start) // limit * limit if total > start else 0
    wanted = {
        "first": 0,
        "prev": min(max(0, offset - limit), last) if offset > 0 else None,  # (from past the end: the last page)
        "next": offset + (served or limit) if offset + (served or limit) < total else None,
        "last": last,
    }
    links = {rel: f'{at(to)}; rel="{rel}"' for rel, to in wanted.items() if to is not None}
    kept: set[str] = set()
    size = -2  # (the first link has no ", " before it)
    for rel in ("next", "prev", "first", "last"):  # (what a reader needs most first: sent as latin-1, a byte a char)
        if rel in links and size + 2 + len(links[rel]) <= LINK_HEADER_MAX:
            kept.add(rel)
            size += 2 + len(links[rel])
        elif rel == "next" and rel in links:  # (the rest without it would read as the last page)
            return None
    return ", ".join(link for rel, link in links.items() if rel in kept) or None
