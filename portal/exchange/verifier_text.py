"""The words of the browser verifier (static/ledger/data-uses.js), in the person's language.

The script cannot hold translations (one static file for every language) and the CSP forbids
inline scripts, so the page hands it these strings in a JSON script element (data, never run).
``{n}``, ``{size}`` and ``{witnesses}`` are filled in by the script. Every reason code the
script reports has its sentence here (docs/browser-verifier.md, "Reasons").
"""

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
        "reasons": verifier_reasons(),
    }
