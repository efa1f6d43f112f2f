"""The one authentication policy of pages, API and admin: password, lockout, second factor.

Every way in calls this module, so that a new route cannot skip a step:

- the back-office decorator (``portal.backoffice.access.staff_required``),
- the API's session authentication (``PortalSessionAuthentication`` in
  ``portal.departments.api.authentication``),
- the admin site (``portal.accounts.admin_site.PortalAdminSite``),
- every password sign-in form (citizen, back office, admin): django-axes counts failures
  through ``AUTHENTICATION_BACKENDS`` with the adapters below.

Client address: ``client_address`` is the only place that reads ``X-Forwarded-For``. It
trusts exactly ``PORTAL_TRUSTED_PROXIES`` proxies (default 0: the header is ignored), with
the same rule as DRF's ``NUM_PROXIES`` (which is set from the same setting), so that lockout,
page throttles, API throttles and logs agree on who the client is.

Lockout (django-axes, database handler): ``LOGIN_MAX_FAILURES`` wrong passwords for one
account (the name is NFKC-normalised and case-folded, as sign-in itself normalises it, and
resolved to the account when there is one), or ``LOGIN_MAX_FAILURES_PER_ADDRESS`` from one
client address, within ``LOGIN_LOCKOUT_SECONDS``, pause sign-in. The counters live in
PostgreSQL, the store that checks the password: when it is down nobody can sign in anyway,
and a Redis outage no longer switches the lockout off.
"""

import datetime as dt
import ipaddress
import logging
import unicodedata
from typing import TYPE_CHECKING

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

SECOND_FACTOR_URL_NAME = "backoffice:two_factor"


# --- Client address -----------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting ``PORTAL_TRUSTED_PROXIES`` proxies in front.

    With N trusted proxies, each appends the address it saw to ``X-Forwarded-For``; the client
    is the N-th entry from the right (DRF's rule). Anything left of it was written by the
    client and is ignored. With N = 0 the header is ignored and REMOTE_ADDR is the client.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted: int = settings.PORTAL_TRUSTED_PROXIES
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(trusted, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# --- Lockout (django-axes adapters, named in settings) -----------------------------------


def normalised_username(name: str) -> str:
    """The form of a user name that sign-in compares: NFKC (as Django does), case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def lockout_username(request: HttpRequest | None, credentials: dict[str, object] | None) -> str:
    """The key of the per-account counter: the resolved account, else the normalised name.

    ``zhaoliｕ`` (full-width u) and ``ZhaoLiu`` count against the same account as ``zhaoliu``.
    """
    raw = (credentials or {}).get(get_user_model().USERNAME_FIELD, "")
    name = normalised_username(str(raw or ""))
    account = (
        get_user_model()
        ._default_manager.filter(username__iexact=unicodedata.normalize("NFKC", str(raw or "")))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"account:{account}" if account is not None else f"name:{name}"


def lockout_failure_limit(request: HttpRequest | None, credentials: object) -> int:
    limit: int = settings.LOGIN_MAX_FAILURES
    return limit


def lockout_cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def lockout_message() -> str:
    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    return ngettext(
        "Too many failed attempts. For your safety, sign-in is paused for "
        "%(minutes)d minute. You can reset your password meanwhile.",
        "Too many failed attempts. For your safety, sign-in is paused for "
        "%(minutes)d minutes. You can reset your password meanwhile.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object = None
) -> HttpResponse:
    """What a locked-out sign-in sees: the sign-in form with the message, else a 429 page."""
    if original_response is not None and getattr(request, "portal_lockout_shown", False):
        return original_response
    return render(request, "accounts/too_many.html", {"message": lockout_message()}, status=429)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with two limits (per account, and higher per address).

    axes has one failure limit compared against the largest of its per-parameter counts; the
    per-address count is scaled here so that reaching LOGIN_MAX_FAILURES_PER_ADDRESS from one
    address counts as reaching LOGIN_MAX_FAILURES. A successful sign-in resets only the
    account's counter, never the address's (else one valid account would reset it between
    guesses at others).
    """

    def get_failures(
        self, request: HttpRequest, credentials: dict[str, object] | None = None
    ) -> int:
        by_account, by_address = (
            qs.values_list("failures_since_start", flat=True)
            for qs in self.get_user_attempts(request, credentials)
        )
        account_failures: int = sum(by_account)
        address_failures: int = sum(by_address)
        address_limit: int = settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        if address_failures >= address_limit:
            return lockout_failure_limit(request, credentials)
        return account_failures

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, object] | None = None
    ) -> int:
        by_account = self.filter_user_attempts(request, credentials)[0]
        count: int = by_account.delete()[0]
        return count


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, also for ``authenticate()`` calls without a request.

    Every sign-in form passes the request. Code that does not (Django's test ``Client.login``)
    is still refused while the account is locked (checked on the name alone); its failures are
    not counted, since there is no client to count them against.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> None:
        super().authenticate(
            request if request is not None else HttpRequest(),
            username=username,
            password=password,
            **kwargs,
        )


# --- Second factor ---------------------------------------------------------------------------


def second_factor_required(user: object) -> bool:
    """Staff and admin users need a verified authenticator when STAFF_TWO_FACTOR is on."""
    if not settings.STAFF_TWO_FACTOR:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        getattr(user, "is_department_staff", False)
        or getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
    )


def second_factor_missing(user: object) -> bool:
    """True when this signed-in session must still pass the second step.

    django-otp's middleware gives the request's user ``is_verified()``; a user object without
    it (no middleware) counts as not verified.
    """
    if not second_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def second_factor_instructions() -> str:
    return _(
        "This account needs the second sign-in step. Open the two-step sign-in page "
        "(/backoffice/two-factor/) in this browser, enter the code from your authenticator "
        "app, then try again."
    )


# --- Rate limits of pages per client address --------------------------------------------------


class AddressRateThrottle(SimpleRateThrottle):
    """DRF's throttle arithmetic for any request, keyed on ``client_address``.

    Rates are in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES under ``scope``. If the cache is
    unreachable the request is let through (logged): a Redis outage must not stop sign-up.
    """

    def __init__(self, scope: str, *, per: str = "") -> None:
        self.scope = scope
        self.per = per  # counted per address and this (e.g. an account), if given
        super().__init__()

    def get_cache_key(self, request: object, view: "APIView | None") -> str:
        django_request = getattr(request, "_request", request)
        assert isinstance(django_request, HttpRequest)
        ident = client_address(django_request) + (f"|{self.per}" if self.per else "")
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: object, view: "APIView | None") -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[arg-type]  # a page's request
        except Exception:  # cache backend down
            logger.warning("throttle cache unreachable; request allowed")
            return True


def page_rate_exceeded(request: HttpRequest, *, scope: str, per: str = "") -> int | None:
    """Count this request against ``scope`` (per client address, and per ``per`` if given);
    the seconds to wait if over the limit, else None."""
    throttle = AddressRateThrottle(scope, per=per)
    if throttle.allow_request(request, None):
        return None
    return max(1, int(throttle.wait() or 1))


def too_many_response(request: HttpRequest, *, wait_seconds: int, message: str) -> HttpResponse:
    response = render(request, "accounts/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def lockout_log_label(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    """How axes names a client in its log lines: the path only, never a name or address."""
    return f"{{path: {path_info!r}}}"
