"""A witness's owner is a department code: the ledger stores it as given and imports nothing of
the portal to check it."""

from io import StringIO

import pytest
from django.core.management import call_command

from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.models import Witness

pytestmark = pytest.mark.django_db


def test_a_witness_is_registered_with_its_departments_code() -> None:
    key = generate("witness.rsj.example.gov.cn", ALG_COSIGNATURE_V1)
    out = StringIO()
    call_command(
        "ledger_witness_add",
        "https://witness.rsj.example",
        key.vkey,
        "--department",
        "rsj",
        stdout=out,
    )
    witness = Witness.objects.get(name="witness.rsj.example.gov.cn")
    assert witness.department == "rsj"
    call_command("ledger_witness_add", "https://witness.rsj.example", key.vkey, stdout=out)
    witness.refresh_from_db()
    assert witness.department == ""  # registered again without an owner: none
