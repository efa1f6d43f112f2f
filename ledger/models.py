"""Ledger storage. Entries, tree hashes, checkpoints, cosignatures, keys and label index nodes
only grow.

``PendingEvent`` is the queue between the caller's transaction and the sequencer;
it is the only table rows are deleted from, and only by the sequencer, in the same
transaction that appends their entries.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.constants import KeyKind, Namespace


class PendingEvent(models.Model):
    """An access waiting to be sequenced: written in the caller's transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("recorded at"))
    # The entry's public label, dataset and outcome (copied to the entry row's columns).
    payload = models.JSONField(_("payload"))
    # The canonical entry bytes made (and validated) when the event was recorded, with
    # ``prev`` still 64 zeros: the sequencer only writes the chain hash into them.
    data = models.BinaryField(_("entry bytes before chaining"))

    class Meta:
        ordering = ["created_at", "id"]
        # The sequencer takes the oldest batch in this order: an index scan, not a sort.
        indexes = [models.Index(fields=["created_at", "id"], name="ledger_pending_order")]
        verbose_name = _("pending event")
        verbose_name_plural = _("pending events")

    def __str__(self) -> str:
        return f"pending {self.id}"


class Entry(models.Model):
    """A sequenced ledger entry: canonical bytes, leaf hash, log signature."""

    index = models.BigIntegerField(_("index"), primary_key=True)
    event_id = models.UUIDField(_("event"), unique=True)
    data = models.BinaryField(_("entry bytes"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    key_id = models.CharField(_("log key"), max_length=140, help_text=_("name+hash of the vkey"))
    signature = models.BinaryField(_("signature"), max_length=64)
    # Denormalised from the entry bytes (format version 2) for "who used my data", filters and
    # the public transparency report (counted in SQL); ``ledger_verify`` checks them against
    # the bytes.
    label = models.CharField(_("label"), max_length=64, db_index=True, default="")
    department = models.CharField(_("department"), max_length=64, default="", db_default="")
    dataset = models.CharField(_("dataset"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16)
    # A sealed read's public unseal-by date, and the sealed entry an unseal entry opens.
    sealed_until = models.DateField(_("sealed until"), null=True, blank=True, db_index=True)
    unseals = models.BigIntegerField(_("unseals entry"), null=True, blank=True, db_index=True)
    recorded_at = models.DateTimeField(_("time"))
    sequenced_at = models.DateTimeField(_("sequenced at"), auto_now_add=True)

    class Meta:
        ordering = ["index"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"#{self.index}"


class TreeHash(models.Model):
    """A stored Merkle tree node, addressed as in Go's sumdb/tlog (StoredHashIndex)."""

    index = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("tree hash")
        verbose_name_plural = _("tree hashes")

    def __str__(self) -> str:
        return f"hash {self.index}"


class Checkpoint(models.Model):
    """A signed tree head as a C2SP signed note (log signature only)."""

    tree_size = models.BigIntegerField(_("tree size"), db_index=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class Cosignature(models.Model):
    """A witness's C2SP tlog-cosignature/v1 signature line on a checkpoint."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness_name = models.CharField(_("witness"), max_length=128)
    line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checkpoint_id", "witness_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness_name"], name="one_cosignature_per_witness"
            )
        ]
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")

    def __str__(self) -> str:
        return f"{self.witness_name} on {self.checkpoint_id}"


class LedgerKey(models.Model):
    """A public key ever used by the log or a witness (C2SP vkey). Private keys never here."""

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=KeyKind.choices)
    vkey = models.CharField(_("verifier key"), max_length=300, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = _("ledger key")
        verbose_name_plural = _("ledger keys")

    def __str__(self) -> str:
        return self.vkey


class Witness(models.Model):
    """A witness the log sends checkpoints to (C2SP tlog-witness), run by another department."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    url = models.URLField(_("URL"), help_text=_("Base URL; /add-checkpoint is appended"))
    vkey = models.CharField(_("cosigner verifier key"), max_length=300)
    # The code of the department that runs it (the ledger knows departments by code only).
    department = models.CharField(_("department"), max_length=64, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self) -> str:
        return self.name


class SubjectCounter(models.Model):
    """The next label counter of one subject in one namespace (private; never published).

    Incremented with one upsert in the recording transaction: the row lock it takes makes
    concurrent readers of one person get consecutive counters (``ledger.services``).
    """

    namespace = models.CharField(_("namespace"), max_length=16, choices=Namespace.choices)
    # The subject's keyed hash (HMAC-SHA-256 with LEDGER_SUBJECT_SECRET), never the identifier.
    subject = models.CharField(_("subject hash"), max_length=64)
    next_counter = models.BigIntegerField(_("next counter"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["namespace", "subject"], name="one_counter_per_subject")
        ]
        verbose_name = _("label counter")
        verbose_name_plural = _("label counters")

    def __str__(self) -> str:
        return f"{self.namespace} counter {self.next_counter}"


class ReadDetails(models.Model):
    """The private half of a version 2 entry: what its label and commitment hide.

    The person (and an auditor or a court) is shown these and checks them against the public
    entry: ``vrf_proof`` proves ``label`` for (namespace, identifier, counter); ``details``
    and ``opening`` open ``commitment``. Deleting the opening (``opening`` null) makes the
    entry opaque for good without touching the tree.
    """

    event_id = models.UUIDField(_("event"), unique=True)
    namespace = models.CharField(_("namespace"), max_length=16, choices=Namespace.choices)
    subject = models.CharField(_("subject hash"), max_length=64)
    counter = models.BigIntegerField(_("counter"))
    label = models.CharField(_("label"), max_length=64, unique=True)
    vrf_key_id = models.CharField(_("VRF key"), max_length=140)
    vrf_proof = models.BinaryField(_("VRF proof"), max_length=80)
    commitment = models.CharField(_("commitment"), max_length=64)
    # Canonical JSON of ``ledger.core.commitment.Details``.
    details = models.BinaryField(_("details"))
    opening = models.BinaryField(_("opening"), max_length=16, null=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    # A sealed read: the date by which it is shown to the person; set on namespace "sealed".
    unseal_by = models.DateField(_("unseal by"), null=True, blank=True)
    # A sealed read only, until it is unsealed: the subject's identifier, which the unseal
    # entry's label (namespace "person") needs; emptied when the read is unsealed.
    sealed_identifier = models.CharField(max_length=64, blank=True, default="")
    # On an unseal entry: the sealed read it opens.
    unseals = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="unsealed_as"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["namespace", "subject", "counter"], name="one_label_per_counter"
            )
        ]
        indexes = [models.Index(fields=["subject", "namespace", "counter"], name="details_subject")]
        verbose_name = _("read details")
        verbose_name_plural = _("read details")

    def __str__(self) -> str:
        return f"{self.namespace} #{self.counter}"


class IndexNode(models.Model):
    """A node of the label index (``ledger.core.prefix_tree``) as written at one version.

    Copy-on-write: each version (epoch) adds the nodes its inserts changed and never touches
    an older row, so the tree of every earlier version can still be read and proven. The
    node of a path as of version v is its row with the highest ``version`` <= v.
    """

    pk = models.CompositePrimaryKey("path", "version")
    # ``ledger.core.prefix_tree.node_id``: uint16 depth, then the path's bits.
    path = models.BinaryField(_("path"), max_length=34)
    version = models.BigIntegerField(_("version"))
    hash = models.BinaryField(_("hash"), max_length=32)
    # A leaf only: its label and the entry the label belongs to; null on a parent.
    key = models.BinaryField(_("label"), max_length=32, null=True)
    entry_index = models.BigIntegerField(_("entry index"), null=True)
    entry_leaf_hash = models.BinaryField(_("entry leaf hash"), max_length=32, null=True)
    # A parent only: its children's hashes, so that a search reads its path, not the siblings.
    left_hash = models.BinaryField(_("left child hash"), max_length=32, null=True)
    right_hash = models.BinaryField(_("right child hash"), max_length=32, null=True)

    class Meta:
        verbose_name = _("label index node")
        verbose_name_plural = _("label index nodes")

    def __str__(self) -> str:
        return f"index node {bytes(self.path).hex()} v{self.version}"


class IndexLogLeaf(models.Model):
    """A leaf of the index log (``ledger.core.index_log.IndexLeaf``): one per epoch.

    ``index`` is the epoch (the leaf's index in the index log and the label index's version);
    the other columns repeat what the bytes say, for queries (``ledger_verify`` checks them).
    """

    index = models.BigIntegerField(_("epoch"), primary_key=True)
    data = models.BinaryField(_("leaf bytes"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    log_size = models.BigIntegerField(_("access-log size"))
    log_root = models.BinaryField(_("access-log root"), max_length=32)
    index_root = models.BinaryField(_("index root"), max_length=32)
    created_at = models.DateTimeField(_("built at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("index log leaf")
        verbose_name_plural = _("index log leaves")

    def __str__(self) -> str:
        return f"epoch {self.index}"


class IndexTreeHash(models.Model):
    """A stored Merkle node of the index log (as ``TreeHash`` for the access log)."""

    index = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("index log tree hash")
        verbose_name_plural = _("index log tree hashes")

    def __str__(self) -> str:
        return f"index hash {self.index}"


class IndexCheckpoint(models.Model):
    """A signed tree head of the index log (C2SP signed note, the index log's signature)."""

    tree_size = models.BigIntegerField(_("tree size"), db_index=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        verbose_name = _("index log checkpoint")
        verbose_name_plural = _("index log checkpoints")

    def __str__(self) -> str:
        return f"index checkpoint {self.tree_size}"


class IndexCosignature(models.Model):
    """A witness's cosignature line on an index-log checkpoint (after auditing the index)."""

    checkpoint = models.ForeignKey(
        IndexCheckpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness_name = models.CharField(_("witness"), max_length=128)
    line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checkpoint_id", "witness_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness_name"], name="one_index_cosignature_per_witness"
            )
        ]
        verbose_name = _("index log cosignature")
        verbose_name_plural = _("index log cosignatures")

    def __str__(self) -> str:
        return f"{self.witness_name} on index {self.checkpoint_id}"
