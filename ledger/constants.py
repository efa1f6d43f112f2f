from django.db import models
from django.utils.translation import gettext_lazy as _

# Tables that only grow: a database trigger refuses UPDATE and DELETE on them.
APPEND_ONLY_TABLES = (
    "ledger_entry",
    "ledger_treehash",
    "ledger_checkpoint",
    "ledger_cosignature",
    "ledger_ledgerkey",
    "ledger_indexnode",
    "ledger_indexlogleaf",
    "ledger_indextreehash",
    "ledger_indexcheckpoint",
    "ledger_indexcosignature",
)

# pg_advisory_xact_lock key of the sequencer ("LEDGERSQ" as an int).
SEQUENCER_LOCK_ID = 0x4C45444745525351 & 0x7FFFFFFFFFFFFFFF
# pg_advisory_xact_lock key of the index epoch builder ("LEDGERIX").
INDEX_LOCK_ID = 0x4C45444745524958 & 0x7FFFFFFFFFFFFFFF

ZERO_HASH_HEX = "0" * 64
MAX_ENTRIES_PAGE = 1000


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class KeyKind(models.TextChoices):
    LOG = "log", _("Log key")
    WITNESS = "witness", _("Witness key")
    VRF = "vrf", _("VRF key (labels)")
    INDEX = "index", _("Index log key")


class Namespace(models.TextChoices):
    """Label namespaces of format version 2 (``ledger.core.label.NAMESPACES``)."""

    PERSON = "person", _("Ordinary read")
    SEALED = "sealed", _("Sealed read")
