"""The database behind the label index: ``IndexNode`` rows as a prefix-tree ``NodeStore``.

Implements ``ledger.core.prefix_tree.NodeStore``: each version's nodes go in with one ``COPY``
(PostgreSQL) and are never changed (the table refuses UPDATE and DELETE); a node is read as
of a version with one index probe per path (``LATERAL … ORDER BY version DESC LIMIT 1``).
Call it inside the caller's transaction; a version is written by one writer only (a second
writer of the same version fails on the primary key).
"""

from collections.abc import Collection, Mapping

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from ledger.core.prefix_tree import IndexValue, Node, node_id
from ledger.models import IndexNode

_ROOT = node_id(0, 0)

_PG_READ = """
SELECT n.path, n.hash, n.key, n.entry_index, n.entry_leaf_hash, n.left_hash, n.right_hash
FROM unnest(%s::bytea[]) AS wanted(path)
CROSS JOIN LATERAL (
    SELECT path, hash, key, entry_index, entry_leaf_hash, left_hash, right_hash
    FROM ledger_indexnode
    WHERE path = wanted.path AND version <= %s ORDER BY version DESC LIMIT 1
) AS n
"""

_Bytes = bytes | memoryview
_Row = tuple[_Bytes, _Bytes, _Bytes | None, int | None, _Bytes | None, _Bytes | None,
             _Bytes | None]  # fmt: skip


def _node(row: _Row) -> tuple[bytes, Node]:
    path, h, key, index, leaf, left, right = row
    if key is None:
        if left is None or right is None:
            return bytes(path), Node(bytes(h))
        return bytes(path), Node(bytes(h), None, None, bytes(left), bytes(right))
    assert index is not None and leaf is not None
    return bytes(path), Node(bytes(h), bytes(key), IndexValue(index, bytes(leaf)))


def _copy_line(path: bytes, version: int, node: Node) -> str:
    head = f"\\\\x{path.hex()}\t{version}\t\\\\x{node.hash.hex()}"
    if node.key is None or node.value is None:
        if node.left is None or node.right is None:
            return head + "\t\\N\t\\N\t\\N\t\\N\t\\N\n"
        return f"{head}\t\\N\t\\N\t\\N\t\\\\x{node.left.hex()}\t\\\\x{node.right.hex()}\n"
    value = node.value
    return (
        f"{head}\t\\\\x{node.key.hex()}\t{value.entry_index}\t\\\\x{value.leaf_hash.hex()}"
        "\t\\N\t\\N\n"
    )


class DatabaseNodeStore:
    """``NodeStore`` over the append-only ``ledger_indexnode`` table."""

    def latest_version(self) -> int | None:
        """The newest version of the root node: every written version writes the root."""
        row = (
            IndexNode.objects.filter(path=_ROOT)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return row

    def read_nodes(self, version: int, ids: Collection[bytes]) -> dict[bytes, Node]:
        if not ids:
            return {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_PG_READ, [list(ids), version])
                return dict(_node(row) for row in cursor.fetchall())
        newest = (
            IndexNode.objects.filter(path=OuterRef("path"), version__lte=version)
            .order_by("-version")
            .values("version")[:1]
        )
        rows = IndexNode.objects.filter(path__in=list(ids), version=Subquery(newest)).values_list(
            "path", "hash", "key", "entry_index", "entry_leaf_hash", "left_hash", "right_hash"
        )
        return dict(_node(row) for row in rows)

    def write_nodes(self, version: int, nodes: Mapping[bytes, Node]) -> None:
        if connection.vendor == "postgresql":
            # One COPY (one statement, so all or nothing), text format written whole:
            # bytea as \\x and hex, \\N for NULL.
            rows = "".join(_copy_line(path, version, node) for path, node in nodes.items())
            columns = (
                "path, version, hash, key, entry_index, entry_leaf_hash, left_hash, right_hash"
            )
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY ledger_indexnode ({columns}) FROM STDIN") as copy,
            ):
                copy.write(rows)
            return
        with transaction.atomic():
            IndexNode.objects.bulk_create(
                [
                    IndexNode(
                        path=path,
                        version=version,
                        hash=node.hash,
                        key=node.key,
                        entry_index=node.value.entry_index if node.value else None,
                        entry_leaf_hash=node.value.leaf_hash if node.value else None,
                        left_hash=node.left,
                        right_hash=node.right,
                    )
                    for path, node in nodes.items()
                ],
                batch_size=2000,
            )
