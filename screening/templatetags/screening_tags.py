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


class CachedCardNode(template.Node):
    """A result card drawn once per content: the live panel re-draws its few dozen cards on
    every answer, and most of them read exactly as they did before it."""

    def __init__(
        self, nodelist: template.NodeList, item: template.FilterExpression, group: template.FilterExpression
    ):
        self.nodelist, self.item, self.group = nodelist, item, group

    def render(self, context) -> str:
        item, group = self.item.resolve(context), self.group.resolve(context)
        key = cards.key(context["state"], item, group.verdict, context.get("question_url"), get_language())
        found = cards.get(key)
        if found is None:
            found = cards.put(key, self.nodelist.render(context))
        return found


@register.tag
def cachedcard(parser, token) -> CachedCardNode:
    """{% cachedcard item group %}…{% endcachedcard %}: the card of `item` in `group`, kept by
    `screening.cards` under everything it shows (the card must read nothing else)."""
    try:
        _tag, item, group = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("cachedcard takes an item and its group") from None
    nodelist = parser.parse(("endcachedcard",))
    parser.delete_first_token()
    return CachedCardNode(nodelist, parser.compile_filter(item), parser.compile_filter(group))
