"""Bearer authentication for the API's write endpoints with personal tokens (accounts/tokens.py).

A missing, unknown or revoked token answers 401. Each token may make 120 writes an hour
(core.ratelimit, shared by all web processes); beyond that the answer is 429.
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer

from smartregion.core import ratelimit

from . import tokens

WRITE_RATE = "120/h"


class ApiTokenAuth(HttpBearer):
    openapi_description = (
        "Personal API token from /konto/tokens/, sent as `Authorization: Bearer sr_…`. "
        "Acts with the rights of its owner; 120 writes per hour and token."
    )

    def authenticate(self, request, token: str):
        found = tokens.authenticate(token)
        if found is None:
            return None
        wait = ratelimit.hit("api-token", str(found.pk), WRITE_RATE)
        if wait:
            minutes = max(1, round(wait / 60))
            raise HttpError(
                429, f"Rate limit: 120 writes per hour and token; try again in {minutes} min."
            )
        request.user = found.user
        request.api_token = found
        return found.user


token_auth = ApiTokenAuth()
