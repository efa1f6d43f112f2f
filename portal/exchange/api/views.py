"""Exchange API for department systems (RFC 9421 signed requests) and staff sessions."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.models import User
from portal.departments.api.authentication import request_signature_of
from portal.exchange import access, selectors, services
from portal.exchange.api.permissions import (
    IsDepartmentSystemOrStaff,
    MayReadExchange,
    MayRequestGrants,
    reader_for,
)
from portal.exchange.api.serializers import (
    AccessOutputSerializer,
    DatasetOutputSerializer,
    GrantDecisionInputSerializer,
    GrantOutputSerializer,
    GrantRequestInputSerializer,
    ReadInputSerializer,
    ReadOutputSerializer,
    RecordInputSerializer,
    RecordsBulkInputSerializer,
)
from portal.exchange.constants import PurposeKind, ReadReason
from portal.exchange.models import Access, Dataset, SharingGrant


def _validation(exc: ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    )


class DatasetListApi(ListAPIView[Dataset]):
    """The data resource catalogue (public)."""

    permission_classes = [AllowAny]
    serializer_class = DatasetOutputSerializer

    def get_queryset(self) -> Any:
        qs = selectors.dataset_list()
        owner = self.request.query_params.get("owner")
        return qs.filter(owner__code=owner) if owner else qs


class ExchangeReadApi(APIView):
    """Read a subject's record of another department's dataset, through the one chokepoint.

    Granted: 200 with only the granted fields. Refused: 403 problem details with the reason.
    No record: 404. Every answer but a malformed request is written to the ledger.
    """

    permission_classes = [MayReadExchange]

    @extend_schema(request=ReadInputSerializer, responses={200: ReadOutputSerializer})
    def post(self, request: Request) -> Response:
        body = ReadInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = services.exchange_read(
                reader=reader_for(request),
                dataset_code=data["dataset"],
                subject_identifier=data["subject"],
                fields=data.get("fields"),
                purpose=data["purpose"],
                purpose_en=data.get("purpose_en", ""),
                application_number=data.get("application", ""),
                request_signature=request_signature_of(request),
                purpose_kind=PurposeKind(data["purpose_kind"]),
                legal_order=data.get("legal_order", ""),
                unseal_by=data.get("unseal_by"),
            )
        except services.DatasetNotFound:
            raise exceptions.NotFound("There is no dataset with this code.") from None
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise _validation(exc) from None
        payload = {
            "outcome": result.outcome,
            "reason": result.reason,
            "fields": result.fields,
            "data": result.data,
            "access_id": result.access.pk,
            "ledger_event_id": result.access.ledger_event_id,
            "sealed_until": result.access.sealed_until,
        }
        if result.granted:
            return Response(ReadOutputSerializer(payload).data)
        code = status.HTTP_404_NOT_FOUND if result.reason == ReadReason.UNKNOWN_SUBJECT else 403
        return Response(
            {
                "type": "about:blank",
                "title": "Read refused" if code == 403 else "No record",
                "status": code,
                "detail": str(ReadReason(result.reason).label),
                "code": result.reason,
                "access_id": str(result.access.pk),
                "ledger_event_id": str(result.access.ledger_event_id),
            },
            status=code,
            content_type="application/problem+json",
        )


def _own_dataset(request: Request, code: str) -> Dataset:
    """The dataset, if the caller may maintain it (checked before reading the body)."""
    reader = reader_for(request)
    try:
        return access.access_dataset_for_maintenance(
            code=code, user=reader.user, system=reader.system
        )
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from None


class RecordPutApi(APIView):
    """The owning department creates or replaces one record (validated against the fields)."""

    permission_classes = [IsDepartmentSystemOrStaff]

    @extend_schema(request=RecordInputSerializer, responses={200: None})
    def put(self, request: Request, code: str) -> Response:
        dataset = _own_dataset(request, code)
        body = RecordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            reader = reader_for(request)
            services.record_put(
                dataset=dataset,
                department=reader.department,
                subject_identifier=body.validated_data["subject"],
                data=body.validated_data["data"],
                user=reader.user,
                system=reader.system,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise _validation(exc) from None
        return Response({"saved": 1})


class RecordsBulkApi(APIView):
    """Put many records at once: all are saved, or none and every bad row is reported."""

    permission_classes = [IsDepartmentSystemOrStaff]

    @extend_schema(request=RecordsBulkInputSerializer, responses={200: None})
    def post(self, request: Request, code: str) -> Response:
        dataset = _own_dataset(request, code)
        body = RecordsBulkInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            reader = reader_for(request)
            result = services.records_put_bulk(
                dataset=dataset,
                department=reader.department,
                rows=body.validated_data["rows"],
                user=reader.user,
                system=reader.system,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        if result.errors:
            raise exceptions.ValidationError(
                {"rows": {str(row): errors for row, errors in result.errors.items()}}
            )
        return Response({"saved": result.saved})


class GrantRequestApi(APIView):
    permission_classes = [MayRequestGrants]

    @extend_schema(request=GrantRequestInputSerializer, responses={201: GrantOutputSerializer})
    def post(self, request: Request) -> Response:
        body = GrantRequestInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        reader = reader_for(request)
        dataset = selectors.dataset_get(code=data["dataset"])
        if dataset is None:
            raise exceptions.NotFound("There is no dataset with this code.")
        try:
            grant = services.grant_request(
                dataset=dataset,
                requester=reader.department,
                fields=data["fields"],
                purpose=data["purpose"],
                legal_basis=data["legal_basis"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                requested_by=reader.user,
                system=reader.system,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise _validation(exc) from None
        return Response(GrantOutputSerializer(grant).data, status=status.HTTP_201_CREATED)


def _grant_for_steward(user: User, grant_id: int) -> SharingGrant:
    """The grant, if ``user`` is a data steward of its dataset's owner (else 403/404)."""
    try:
        return access.access_grant_for_steward(user=user, grant_id=grant_id)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from None


class GrantDecideApi(APIView):
    """The owner's data steward (a person, signed in) approves, narrows or refuses."""

    @extend_schema(request=GrantDecisionInputSerializer, responses={200: GrantOutputSerializer})
    def post(self, request: Request, grant_id: int) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise exceptions.PermissionDenied("A data steward decides grants, signed in.")
        grant = _grant_for_steward(user, grant_id)
        body = GrantDecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            grant = services.grant_decide(
                actor=user,
                grant=grant,
                approve=data["approve"],
                fields=data.get("fields"),
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise _validation(exc) from None
        return Response(GrantOutputSerializer(grant).data)


class GrantRevokeApi(APIView):
    @extend_schema(request=GrantDecisionInputSerializer, responses={200: GrantOutputSerializer})
    def post(self, request: Request, grant_id: int) -> Response:
        user = request.user
        if not isinstance(user, User):
            raise exceptions.PermissionDenied("A data steward revokes grants, signed in.")
        grant = _grant_for_steward(user, grant_id)
        try:
            grant = services.grant_revoke(
                actor=user, grant=grant, note=str(request.data.get("note", ""))
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            raise _validation(exc) from None
        return Response(GrantOutputSerializer(grant).data)


class GrantListApi(ListAPIView[SharingGrant]):
    """Grants the caller's department asked for and grants on its datasets."""

    permission_classes = [IsDepartmentSystemOrStaff]
    serializer_class = GrantOutputSerializer

    def get_queryset(self) -> Any:
        department = reader_for(self.request).department
        qs = selectors.grant_list_for_owner(
            department=department
        ) | selectors.grant_list_for_requester(department=department)
        wanted = self.request.query_params.get("status")
        return qs.filter(status=wanted) if wanted else qs


class AccessListApi(ListAPIView[Access]):
    """The caller's department's own reads, newest first; filter by dataset and outcome."""

    permission_classes = [IsDepartmentSystemOrStaff]
    serializer_class = AccessOutputSerializer

    @extend_schema(parameters=[OpenApiParameter("dataset", str), OpenApiParameter("outcome", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        reader = reader_for(self.request)
        qs = selectors.access_list_for_reader(
            department=reader.department,
            include_sealed=access.may_see_sealed_reads(
                department=reader.department, user=reader.user, system=reader.system
            ),
        )
        params = self.request.query_params
        if params.get("dataset"):
            qs = qs.filter(dataset__code=params["dataset"])
        if params.get("outcome"):
            qs = qs.filter(outcome=params["outcome"])
        return qs
