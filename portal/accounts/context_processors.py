from django.http import HttpRequest


def acting_as(request: HttpRequest) -> dict[str, object]:
    return {"acting_for": getattr(request, "acting_for", None)}
