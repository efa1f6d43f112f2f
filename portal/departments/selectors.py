from django.db.models import QuerySet

from portal.departments.models import Department


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("parent").order_by("code")


def department_get(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()
