"""Container health check for `web`: GET /healthz on the local gunicorn.

Sends the first ALLOWED_HOSTS name as Host (Django rejects unknown hosts) and says the request
came over https, as the TLS proxy would, so the check passes with HTTPS=true as well.
"""

import os
import sys
import urllib.error
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".") or "localhost"
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as error:
    print(error.read().decode(errors="replace"))
    sys.exit(1)
except OSError as error:
    print(error)
    sys.exit(1)
