"""Services API for department systems (RFC 9421 signed requests) and staff sessions.

The same selectors and services as the back-office pages: a department sees only its own
applications and moves them only along the workflow, with the same role checks.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.services import access, selectors, services
from portal.services.api.permissions import IsDepartmentSystemOrStaff, actor_of
from portal.services.api.serializers import (
    ApplicationDetailOutputSerializer,
    ApplicationListOutputSerializer,
    TransitionInputSerializer,
)
from portal.services.models import Application, ApplicationEvent


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The application's status does not allow this now."
    default_code = "conflict"


def _application(request: Request, number: str) -> Application:
    """The calling department's submitted application (``access``); 404 for anything else."""
    _department, user, system = actor_of(request)
    if system is not None:
        return access.access_application_for_system(system=system, number=number)
    assert user is not None
    return access.access_application_for_staff(user=user, number=number)


def _detail(application: Application) -> Response:
    events = ApplicationEvent.objects.select_related("actor_user", "actor_system")
    application = (
        Application.objects.filter(pk=application.pk)
        .select_related("service", "firm")
        .prefetch_related(Prefetch("events", queryset=events), "materials__exchange_department")
        .get()
    )
    return Response(ApplicationDetailOutputSerializer(application).data)


class ApplicationListApi(ListAPIView[Application]):
    """The calling department's submitted applications, earliest due date first."""

    permission_classes = [IsDepartmentSystemOrStaff]
    serializer_class = ApplicationListOutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="Only this status"),
            OpenApiParameter("service", str, description="Only this service code"),
            OpenApiParameter("due", str, enum=["soon", "overdue"]),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Application]:
        department, user, _system = actor_of(self.request)
        if user is not None and not access.staff_may_handle(user=user, department=department):
            raise exceptions.PermissionDenied("Your roles do not include handling applications.")
        params = self.request.query_params
        status_filter = params.get("status", "")
        return selectors.application_queue(
            department=department,
            statuses=[status_filter] if status_filter else None,
            service_code=params.get("service", ""),
            due=params.get("due", ""),
        ).select_related("firm")


class ApplicationDetailApi(APIView):
    """One application of the calling department with its timeline and materials."""

    permission_classes = [IsDepartmentSystemOrStaff]

    @extend_schema(responses={200: ApplicationDetailOutputSerializer})
    def get(self, request: Request, number: str) -> Response:
        return _detail(_application(request, number))


class ApplicationTransitionApi(APIView):
    """Move an application: accept, refuse, start_review, request_supplement, approve, reject.

    403 when the caller's role may not; 409 when the status does not allow it now; 400 when a
    required reason is missing.
    """

    permission_classes = [IsDepartmentSystemOrStaff]

    @extend_schema(
        request=TransitionInputSerializer, responses={200: ApplicationDetailOutputSerializer}
    )
    def post(self, request: Request, number: str) -> Response:
        application = _application(request, number)
        body = TransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _department, user, system = actor_of(request)
        try:
            services.application_transition(
                application=application,
                action=body.validated_data["action"],
                user=user,
                system=system,
                reason=body.validated_data["reason"],
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise exceptions.ValidationError(exc.message_dict) from None
            raise Conflict(" ".join(exc.messages)) from None
        return _detail(application)
