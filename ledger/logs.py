"""The two logs the ledger keeps, in the same formats: the access log and the index log.

Both are RFC 6962 trees stored in Go ``sumdb/tlog`` order, published as C2SP signed-note
checkpoints co-signed by witnesses and served as C2SP tlog-tiles; only their tables, origin and
key differ. Code that stores, signs, serves or sends checkpoints takes a :class:`LogTables`
instead of naming the access log's tables (docs/ledger-formats.md sections 4, 5a, 9).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ledger.constants import KeyKind
from ledger.core.signing import SigningKey
from ledger.keys import index_signing_key, log_signing_key
from ledger.models import (
    Checkpoint,
    Cosignature,
    Entry,
    IndexCheckpoint,
    IndexCosignature,
    IndexLogLeaf,
    IndexTreeHash,
    TreeHash,
)


@dataclass(frozen=True)
class LogTables:
    """Where one log's leaves, tree nodes, checkpoints and cosignatures are stored."""

    name: str
    leaf_model: Any  # ``index`` (the leaf index) and ``data`` (its bytes)
    hash_model: Any  # ``index`` (stored hash index) and ``hash``
    checkpoint_model: Any
    cosignature_model: Any
    key_kind: str
    origin_setting: str
    signing_key: Callable[[], SigningKey]

    @property
    def origin(self) -> str:
        return str(getattr(settings, self.origin_setting))


ACCESS_LOG = LogTables(
    name="access",
    leaf_model=Entry,
    hash_model=TreeHash,
    checkpoint_model=Checkpoint,
    cosignature_model=Cosignature,
    key_kind=KeyKind.LOG,
    origin_setting="LEDGER_ORIGIN",
    signing_key=log_signing_key,
)

INDEX_LOG = LogTables(
    name="index",
    leaf_model=IndexLogLeaf,
    hash_model=IndexTreeHash,
    checkpoint_model=IndexCheckpoint,
    cosignature_model=IndexCosignature,
    key_kind=KeyKind.INDEX,
    origin_setting="LEDGER_INDEX_ORIGIN",
    signing_key=index_signing_key,
)
