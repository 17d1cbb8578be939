from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def coordinator_required(view):
    """Signed-in coordinators only; others are sent to the login or get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
