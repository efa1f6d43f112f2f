"""Policies API: public search and reading; writes for department systems and staff."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policies import access, selectors, services
from policies.api.permissions import IsDepartmentSystemOrStaff, MayManagePolicies, actor_for
from policies.api.serializers import (
    ImportInputSerializer,
    ImportOutputSerializer,
    NoteInputSerializer,
    PolicyDetailOutputSerializer,
    PolicyInputSerializer,
    PolicyOutputSerializer,
    PolicySearchInputSerializer,
    RuleInputSerializer,
    RuleOutputSerializer,
    RunOutputSerializer,
)
from policies.engine.rules import rule_errors
from policies.models import Policy, PolicyRun


def _invalid(exc: ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    )


class PolicyListApi(ListAPIView[Policy]):
    """Search published policies (public). ``q`` works for Chinese: 研发补贴 finds 研发费用补助.

    Filters: ``region`` (GB/T 2260; policies of the region and the regions above it),
    ``industry`` (GB/T 4754 code or section letter), ``topic``, ``size``, ``open_now``.
    """

    permission_classes = [AllowAny]
    serializer_class = PolicyOutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("region", str),
            OpenApiParameter("industry", str),
            OpenApiParameter("topic", str),
            OpenApiParameter("size", str),
            OpenApiParameter("open_now", bool),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Policy]:
        params = PolicySearchInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = {k: v for k, v in params.validated_data.items() if v}
        return selectors.policy_search(**filters)


class PolicyDetailApi(APIView):
    """One published (or withdrawn) policy, with its full text (public)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: PolicyDetailOutputSerializer})
    def get(self, request: Request, policy_id: int) -> Response:
        policy = selectors.policy_get_public(policy_id=policy_id)
        if policy is None:
            raise Http404
        return Response(PolicyDetailOutputSerializer(policy).data)


def _record(request: Request) -> tuple[dict[str, object], str]:
    body = PolicyInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    # The service validates the record itself; pass what was sent, as sent.
    raw = request.data if isinstance(request.data, dict) else {}
    fields = set(PolicyInputSerializer().fields) - {"note"}
    record = {k: v for k, v in raw.items() if k in fields}
    return record, str(body.validated_data.get("note", ""))


class PolicyCreateApi(APIView):
    """Create a draft policy of the caller's department."""

    permission_classes = [MayManagePolicies]

    @extend_schema(request=PolicyInputSerializer, responses={201: PolicyDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        actor = actor_for(request)
        record, note = _record(request)
        try:
            policy = services.policy_create(
                actor=actor, data={**record, "department": actor.department}, note=note
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(PolicyDetailOutputSerializer(policy).data, status=status.HTTP_201_CREATED)


def _own(request: Request, policy_id: int) -> Policy:
    return access.access_policy_for_department(
        department=actor_for(request).department, policy_id=policy_id
    )


class PolicyAmendApi(APIView):
    """Amend a policy (only the fields sent); the change is kept in its history."""

    permission_classes = [MayManagePolicies]

    @extend_schema(request=PolicyInputSerializer, responses={200: PolicyDetailOutputSerializer})
    def post(self, request: Request, policy_id: int) -> Response:
        policy = _own(request, policy_id)
        record, note = _record(request)
        try:
            policy, _changed = services.policy_amend(
                actor=actor_for(request), policy=policy, data=record, note=note
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(PolicyDetailOutputSerializer(policy).data)


class PolicyPublishApi(APIView):
    """Publish a draft; the push job then matches every firm and notifies the eligible."""

    permission_classes = [MayManagePolicies]

    @extend_schema(request=None, responses={200: PolicyDetailOutputSerializer})
    def post(self, request: Request, policy_id: int) -> Response:
        policy = _own(request, policy_id)
        try:
            policy = services.policy_publish(actor=actor_for(request), policy=policy)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(PolicyDetailOutputSerializer(policy).data)


class PolicyWithdrawApi(APIView):
    permission_classes = [MayManagePolicies]

    @extend_schema(request=NoteInputSerializer, responses={200: PolicyDetailOutputSerializer})
    def post(self, request: Request, policy_id: int) -> Response:
        policy = _own(request, policy_id)
        body = NoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            policy = services.policy_withdraw(
                actor=actor_for(request), policy=policy, note=body.validated_data["note"]
            )
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(PolicyDetailOutputSerializer(policy).data)


class PolicyImportApi(APIView):
    """Import policies in bulk: every row checked on its own; same 文号 updates.

    200 with the report (created, updated, unchanged, rejected rows with their reasons).
    """

    permission_classes = [MayManagePolicies]

    @extend_schema(request=ImportInputSerializer, responses={200: ImportOutputSerializer})
    def post(self, request: Request) -> Response:
        body = ImportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.policies_import(
            actor=actor_for(request),
            rows=body.validated_data["rows"],
            publish=body.validated_data["publish"],
        )
        payload = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": [
                {"row": row, "document_number": doc, "errors": errors}
                for row, doc, errors in report.rejected
            ],
        }
        return Response(ImportOutputSerializer(payload).data)


class PolicyRunListApi(ListAPIView[PolicyRun]):
    """The push and grant jobs of a policy, with their progress."""

    permission_classes = [IsDepartmentSystemOrStaff]
    serializer_class = RunOutputSerializer

    def get_queryset(self) -> QuerySet[PolicyRun]:
        policy = _own(self.request, int(self.kwargs["policy_id"]))
        return selectors.runs_for_policy(policy=policy)


class RuleValidateApi(APIView):
    """Check an eligibility rule without saving it (public: the format is public)."""

    permission_classes = [AllowAny]

    @extend_schema(request=RuleInputSerializer, responses={200: RuleOutputSerializer})
    def post(self, request: Request) -> Response:
        body = RuleInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        errors = rule_errors(body.validated_data["rule"])
        return Response({"valid": not errors, "errors": errors})
