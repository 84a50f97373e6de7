from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from screening import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, for the language switch (plain links: no JS)."""
    request = context["request"]
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def screening_url(context, name: str, **kwargs) -> str:
    """A URL of the current screening's pages, wherever its answers' store serves them."""
    return context["state"].store.url(name, **kwargs)


@register.simple_tag(takes_context=True)
def card_key(context, item, group) -> str:
    """What the card of `item` in `group` shows, for {% cache %} (see screening.cards)."""
    return cards.key(context["state"], item, group.verdict, context.get("question_url"), get_language())
