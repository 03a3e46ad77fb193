"""The turn path's hot statements straight on SQLite's DBAPI cursor, compiled once.

A reply is two transactions of six small statements (conversation.py). On the single node's
SQLite file, SQLAlchemy's execution machinery around each one (execution context, parameter
construction, cursor result, row objects) cost about twice the statements themselves: ~780 us
of the gateway's database thread per reply against ~250 us for the same SQL on the raw cursor,
measured on this machine. `execute(conn, statement, params)` runs a statement built once (with
named bind parameters) on the connection's own DBAPI cursor, inside the same transaction, with
SQLAlchemy's own compiled SQL and its own bind and result processors for this dialect (the same
text stored: dates, JSON), so what is written and read back is what `conn.execute` gives:

- the connection's `before_cursor_execute` listeners still see each statement (the
  `counterpart_db_statements` metric and the tests' statement counts);
- a DBAPI error is handled by the connection as its own (`_handle_dbapi_exception`: wrapped in
  SQLAlchemy's exception classes, `handle_error` listeners and `counterpart_db_errors` told);
- any other database (PostgreSQL), or SQLite through another driver, keeps `conn.execute`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.dml import Insert

Processor = Callable[[Any], Any] | None


class _Compiled:
    """One statement compiled for one dialect: SQL text, parameter order, processors."""

    def __init__(self, statement: ClauseElement, dialect: Any, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
        self.compiled = compiled
        # values SQLAlchemy's execution context would compute (column defaults of columns not
        # given, expanding IN lists): such a statement keeps `conn.execute`
        self.fallback = bool(
            getattr(compiled, "insert_prefetch", None)
            or getattr(compiled, "update_prefetch", None)
            or getattr(compiled, "postfetch", None)
            or compiled.has_out_parameters
            or getattr(compiled, "_render_postcompile", False)
            or compiled.literal_execute_params
            or compiled.post_compile_params
        )
        self.sql = compiled.string
        self.positions: tuple[str, ...] = tuple(compiled.positiontup or ())
        binds = compiled.binds
        self.bind_processors: dict[str, Processor] = {}
        for name in self.positions:
            bind = binds.get(name)
            processor = bind.type._cached_bind_processor(dialect) if bind is not None else None
            if processor is not None:
                self.bind_processors[name] = processor
        columns = compiled._result_columns
        self.row = namedtuple("Row", [c[0] for c in columns], rename=True) if columns else None  # type: ignore[misc]
        self.result_processors: list[Processor] = [
            c[3]._cached_result_processor(dialect, None) for c in columns
        ]
        self.any_result_processor = any(p is not None for p in self.result_processors)

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(params, _check=False)
        processors = self.bind_processors
        out = []
        for name in self.positions:
            value = values[name]
            processor = processors.get(name)
            # None too: a JSON column stores None as JSON's null, as SQLAlchemy writes it
            out.append(processor(value) if processor is not None else value)
        return out

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        assert self.row is not None
        if self.any_result_processor:
            processors = self.result_processors
            raw = [
                tuple(p(v) if p is not None else v for p, v in zip(processors, r, strict=True))
                for r in raw
            ]
        make = self.row._make
        return [make(r) for r in raw]


class Result:
    """What the turn path reads of a result: first(), scalar(), the rows, the new key."""

    def __init__(self, rows: list[Any], lastrowid: int | None, rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.inserted_primary_key = (lastrowid,)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


class FastStatement:
    """A statement for `execute`; compiled on first use per dialect (and per set of insert
    columns, since an INSERT's column list follows the values given)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def compiled(self, dialect: Any, params: Mapping[str, Any]) -> _Compiled:
        keys = tuple(params) if isinstance(self.statement, Insert) else ()
        key = (dialect.name, keys)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self.statement, dialect, keys or None)
        return found


def execute(conn: Connection, statement: FastStatement, params: Mapping[str, Any]) -> Any:
    """`conn.execute(statement.statement, params)`, on SQLite's cursor directly (module
    docstring). Returns a `Result` there, SQLAlchemy's result elsewhere."""
    dialect = conn.dialect
    if dialect.name != "sqlite" or dialect.driver != "pysqlite":
        # (aiosqlite's adapted cursor, an in-memory database's, keeps SQLAlchemy's path too)
        return conn.execute(statement.statement, params)
    compiled = statement.compiled(dialect, params)
    if compiled.fallback:
        return conn.execute(statement.statement, params)
    parameters = compiled.parameters(params)
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.before_cursor_execute(conn, cursor, compiled.sql, parameters, None, False)
        try:
            cursor.execute(compiled.sql, parameters)
            raw = cursor.fetchall() if compiled.row is not None else []
        except Exception as error:
            conn._handle_dbapi_exception(error, compiled.sql, parameters, cursor, None)
            raise  # (the call above raises SQLAlchemy's exception; never reached)
        rows = compiled.rows(raw) if raw else []
        return Result(rows, cursor.lastrowid, cursor.rowcount)
    finally:
        cursor.close()


__all__ = ["FastStatement", "Result", "execute"]
