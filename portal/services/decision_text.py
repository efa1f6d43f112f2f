"""The words of a decision document: what was applied for and decided, on which legal basis,
and (for a refusal or rejection) why and which remedies are open.

The texts follow the Administrative Licensing Law (中华人民共和国行政许可法): art. 32 (an
application outside the department's remit or not needing a licence is not accepted, with a
written notice), art. 38 (a licence is granted by a written decision; a refusal states the
reason and the right to reconsideration or a lawsuit). Documents are issued in Chinese, the
language of the administrative act.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.utils import timezone

from portal.accounts.identity import mask_resident_id
from portal.core.text import application_for
from portal.services.constants import LAWSUIT_MONTHS, RECONSIDERATION_DAYS, DecisionKind
from portal.services.models import Application
from portal.services.remedies import remedies_from

LICENSING_LAW = "《中华人民共和国行政许可法》"
# The article of the Licensing Law each kind of decision is made under.
LAW_ARTICLE = {
    DecisionKind.APPROVAL: "第三十八条第一款",
    DecisionKind.REFUSAL: "第三十二条第一款",
    DecisionKind.REJECTION: "第三十八条第二款",
}
# Field types whose value is not part of what is decided: declarations and consents, and the
# applicant's contact details.
_NOT_PARTICULARS = frozenset({"boolean", "phone", "email"})


def _value_text(spec: Mapping[str, object], value: object) -> str:
    """A stored form value in words, as printed (Chinese labels of choices)."""
    if spec.get("type") == "choice":
        choices = spec.get("choices")
        for choice in choices if isinstance(choices, list) else []:
            if isinstance(choice, dict) and str(choice.get("value")) == str(value):
                return str(choice.get("label", value))
    if spec.get("type") == "id_number" and isinstance(value, str):
        return mask_resident_id(value)  # a document is shown around: numbers masked
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def decision_particulars(application: Application) -> list[tuple[str, str]]:
    """What was applied for, field by field: the licensed object of an approval, the subject
    of a refusal. The applicant's identity (prefilled from the account) and declarations are
    not repeated; empty answers are left out."""
    rows: list[tuple[str, str]] = []
    for step in application.service.form_steps:
        fields = step.get("fields")
        for spec in fields if isinstance(fields, list) else []:
            if not isinstance(spec, dict) or "prefill" in spec:
                continue
            if spec.get("type") in _NOT_PARTICULARS:
                continue
            value = application.data.get(str(spec.get("name")))
            if value is None or value == "" or value == []:
                continue
            rows.append((str(spec.get("label", spec.get("name"))), _value_text(spec, value)))
    return rows


def legal_basis_text(application: Application, kind: DecisionKind) -> str:
    """The legal basis in one sentence: the Licensing Law's article and the service's own
    basis (from its guide), when it has one."""
    law = f"{LICENSING_LAW}{LAW_ARTICLE[kind]}"
    own = application.service.legal_basis.strip()
    return f"{law}和{own}" if own else law


def decision_body(application: Application, kind: DecisionKind) -> str:
    """The operative paragraph: who applied for what, when, and what was decided."""
    filed_on = timezone.localdate(application.submitted_at or application.created_at)
    filed = (
        f"你（单位）于{filed_on:%Y年%m月%d日}提出的{application_for(application.service.name)}"
        f"（申请编号 {application.number}）"
    )
    basis = legal_basis_text(application, kind)
    if kind == DecisionKind.REFUSAL:
        return f"{filed}，经审查，不属于本机关受理范围或不符合受理条件。依据{basis}，决定不予受理。"
    if kind == DecisionKind.REJECTION:
        return f"{filed}，经审查，不符合法定条件和标准。依据{basis}，决定不予许可。"
    return f"{filed}，经审查，符合法定条件和标准。依据{basis}，决定准予许可。"


def remedies_text(kind: DecisionKind, served_on: dt.date) -> str:
    """The remedies against a refusal or rejection, with their last days; none for approval."""
    if kind == DecisionKind.APPROVAL:
        return ""
    remedies = remedies_from(served_on)
    return (
        f"如不服本决定，可以自收到本文书之日起{RECONSIDERATION_DAYS}日内"
        f"（{remedies.reconsideration_by:%Y年%m月%d日}前）依法申请行政复议，"
        f"或者自收到本文书之日起{LAWSUIT_MONTHS}个月内"
        f"（{remedies.lawsuit_by:%Y年%m月%d日}前）依法向人民法院提起行政诉讼。"
    )


def particulars_heading(kind: DecisionKind) -> str:
    return "许可内容" if kind == DecisionKind.APPROVAL else "申请内容"


def particulars_lines(rows: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{label}：{value}" for label, value in rows]
