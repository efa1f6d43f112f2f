"""The words of the browser verifier (static/ledger/data-uses.js), in the person's language.

The script cannot hold translations (one static file for every language) and the CSP forbids
inline scripts, so the page hands it these strings in a JSON script element (data, never run).
``{n}``, ``{size}`` and ``{witnesses}`` are filled in by the script. Every reason code the
script reports has its sentence here (docs/browser-verifier.md, "Reasons").
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def verifier_reasons() -> dict[str, str]:
    """What failed, by the script's reason code."""
    return {
        "checkpoint_format": _("the ledger's checkpoint cannot be read"),
        "checkpoint_origin": _("the checkpoint is from another ledger"),
        "checkpoint_signature": _("the checkpoint is not signed by the ledger's key"),
        "witness_signature": _("a witness's co-signature on the checkpoint is forged"),
        "witness_quorum": _("too few independent witnesses co-signed the checkpoint"),
        "rollback": _("the ledger is shorter than on your last visit (it was rolled back)"),
        "fork": _("the ledger does not continue the one you saw on your last visit (a fork)"),
        "entry_format": _("the entry's bytes are not a valid ledger entry"),
        "vrf_key": _("the label was made with a key this verifier does not trust"),
        "label": _("the entry's label is not yours (its VRF proof does not verify)"),
        "inclusion": _("the entry is not in the checkpoint (its inclusion proof fails)"),
        "commitment": _("the details do not match the entry's commitment"),
        "opening_deleted": _("the details were deleted; only the entry itself can be checked"),
        "unseal_link": _("the sealed read does not match the entry that shows it to you"),
        "page_mismatch": _("the page shows other details than the ledger holds"),
        "missing": _("the portal sent no proof for this row"),
        "network": _("the verification data could not be loaded"),
        "index_policy": _("this verifier does not know the ledger's label index"),
        "index_format": _("the completeness proof cannot be read"),
        "index_checkpoint_format": _("the label index's checkpoint cannot be read"),
        "index_checkpoint_origin": _("the label index's checkpoint is from another ledger"),
        "index_checkpoint_signature": _("the label index is not signed by its key"),
        "index_witness_signature": _("a witness's co-signature on the label index is forged"),
        "index_witness_quorum": _(
            "too few independent witnesses checked and co-signed the label index"
        ),
        "index_leaf": _("the label index's entry cannot be read"),
        "index_inclusion": _("the label index's entry is not in its co-signed checkpoint"),
        "log_binding": _("the label index was not built from the ledger checked above"),
        "counters": _("your reads are not numbered 0, 1, 2 … without a gap"),
        "probes": _("the portal did not prove that there are no further reads"),
        "index_proof": _(
            "the label index does not match the list: a read is missing or another is hidden"
        ),
        "identifier": _("the completeness proof is about someone else"),
        "list_mismatch": _("a row on this page is not the read the label index holds"),
        "internal": _("the check could not run in this browser"),
    }


def verifier_strings() -> dict[str, object]:
    """Everything the script writes on the page."""
    return {
        "checking": _("Checking each row in your browser…"),
        "ok": _("checked in your browser"),
        "failed": _("check failed: {reason}"),
        "not_yet": _("not yet in a co-signed checkpoint; checked on a later visit"),
        "summary_ok": _(
            "Your browser checked {n} row(s) against the ledger's checkpoint of {size} entries, "
            "co-signed by {witnesses} independent witness(es)."
        ),
        "summary_failed": _(
            "Your browser found a problem: {reason}. The rows marked red could not be "
            "confirmed; you can object to them or keep the proof files."
        ),
        "summary_nothing": _("Nothing on this page is in a co-signed checkpoint yet."),
        "completeness_checking": _("Checking that this list is complete…"),
        "completeness_ok": _(
            "These are all the recorded reads of your data up to {time}: {n} in all, "
            "confirmed by the ledger's label index, which {witnesses} independent witness(es) "
            "rebuilt from the public ledger and co-signed."
        ),
        "completeness_none": _(
            "There are no recorded reads of your data up to {time}: the ledger's label index, "
            "rebuilt and co-signed by {witnesses} independent witness(es), holds none of your "
            "labels."
        ),
        "completeness_not_yet": _(
            "The ledger's label index is not published yet; completeness is checked later."
        ),
        "completeness_failed": _(
            "Your browser could not confirm that this list is complete: {reason}."
        ),
        "locale": "en" if get_language() == "en" else "zh-CN",
        "reasons": verifier_reasons(),
    }
