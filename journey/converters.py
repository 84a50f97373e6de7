"""The `token` URL converter: a patient screening's link (43 URL-safe characters)."""

from django.urls import register_converter

from journey.models import TOKEN_PATTERN


class TokenConverter:
    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")
