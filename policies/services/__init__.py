"""Writes of the policies part: publication and history, import, profiles, push, grants.

Business rules live here; views, the API, admin and tasks call these functions.
Who may write a policy: a department system of the issuing department (signed API), or
staff of the issuing department holding ``administer_department`` (the department
administrator role); ``policies.access`` decides.

One module per sub-domain: ``actor`` (who writes), ``validation`` (a policy record),
``publication``, ``importing``, ``profiles``, ``push``, ``grants`` (免申即享) and
``feedback`` (notices and ratings). Callers import from ``policies.services``.
"""

from policies.services.actor import Actor
from policies.services.feedback import notices_mark_read, notices_mark_read_for_user, policy_rate
from policies.services.grants import award_decline, award_mark_paid, policy_grant_decide
from policies.services.importing import (
    ImportReport,
    parse_csv_rows,
    parse_json_rows,
    policies_import,
)
from policies.services.profiles import (
    firm_declaration_save,
    firm_profile_read,
    firm_profile_refresh,
    firm_profiles_refresh_batch,
    granting_reader,
    matching_reader,
)
from policies.services.publication import (
    policy_amend,
    policy_create,
    policy_publish,
    policy_withdraw,
)
from policies.services.push import policy_run_execute, policy_run_start
from policies.services.validation import EDITABLE_FIELDS, policy_clean

__all__ = [
    "EDITABLE_FIELDS",
    "Actor",
    "ImportReport",
    "award_decline",
    "award_mark_paid",
    "firm_declaration_save",
    "firm_profile_read",
    "firm_profile_refresh",
    "firm_profiles_refresh_batch",
    "granting_reader",
    "matching_reader",
    "notices_mark_read",
    "notices_mark_read_for_user",
    "parse_csv_rows",
    "parse_json_rows",
    "policies_import",
    "policy_amend",
    "policy_clean",
    "policy_create",
    "policy_grant_decide",
    "policy_publish",
    "policy_rate",
    "policy_run_execute",
    "policy_run_start",
    "policy_withdraw",
]
