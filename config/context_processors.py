"""Navigation for the signed-in workspace: only the areas the user's roles can open."""

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict:
    # Worked out once per request: a table renders a template per row with the request.
    cached = getattr(request, "_workspace_nav", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = set(user.groups.values_list("name", flat=True))
    everything = user.is_superuser
    request._workspace_nav = {
        "can_see_patients": everything or bool(groups & {"Clinicians", "Coordinators"}),
        "can_see_impact": everything or bool(groups & {"Curators", "Coordinators"}),
    }
    return request._workspace_nav
