"""Login brute-force protection (django-axes) for logins made over HTTP."""

from axes.backends import AxesStandaloneBackend


class RequestLoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check, applied to every login that comes with a request (the admin login and
    any login view). A login without a request (the test client's login(), a script) has no
    client address to lock out, so it goes straight to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
