# The trial and criterion admin is built by the curation work; registry imports register theirs here.
from trials import admin_imports  # noqa: F401
