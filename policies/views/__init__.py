"""Pages: search and read policies, "policies for me", the back office, supervision.

One module per page family: ``public`` (search, a policy), ``for_me`` (a firm's
representative), ``backoffice`` (the issuing department) and ``supervision`` (督查);
``policies.urls`` routes to the views re-exported here.
"""

from policies.views.backoffice import (
    bo_detail,
    bo_edit,
    bo_import,
    bo_list,
    bo_new,
    bo_publish,
    bo_run,
    bo_run_detail,
    bo_withdraw,
)
from policies.views.for_me import (
    apply,
    award_decline,
    declare,
    for_me,
    for_me_refresh,
    notices,
    notices_read,
    rate,
)
from policies.views.public import detail, search
from policies.views.supervision import supervision, supervision_policy

__all__ = [
    "apply",
    "award_decline",
    "bo_detail",
    "bo_edit",
    "bo_import",
    "bo_list",
    "bo_new",
    "bo_publish",
    "bo_run",
    "bo_run_detail",
    "bo_withdraw",
    "declare",
    "detail",
    "for_me",
    "for_me_refresh",
    "notices",
    "notices_read",
    "rate",
    "search",
    "supervision",
    "supervision_policy",
]
