"""The remedies against a refusal or rejection and their last days.

Administrative reconsideration (行政复议) within 60 days of learning of the decision (行政复议法,
2023 revision, art. 20) and an administrative lawsuit (行政诉讼) within 6 months (行政诉讼法
art. 46). Both run in calendar days and months from the day the decision is served; the
portal serves it on the day it is made (the notice appears at once).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from portal.services.constants import LAWSUIT_MONTHS, RECONSIDERATION_DAYS


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Remedies:
    served_on: dt.date
    reconsideration_by: dt.date
    lawsuit_by: dt.date
    reconsideration_days: int = RECONSIDERATION_DAYS
    lawsuit_months: int = LAWSUIT_MONTHS


def remedies_from(served_on: dt.date) -> Remedies:
    return Remedies(
        served_on=served_on,
        reconsideration_by=served_on + dt.timedelta(days=RECONSIDERATION_DAYS),
        lawsuit_by=add_months(served_on, LAWSUIT_MONTHS),
    )
