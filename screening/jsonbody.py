"""JSON from a request, read so that bad input is a 400 naming the field at fault.

Two things make Python's json module give up on input that is still JSON: an integer of
more than 4 300 digits (ValueError) and nesting deeper than the interpreter's recursion
limit (RecursionError). Neither should be "the body is not valid JSON": a 5 000-digit number
is read as infinity, which the Validator refuses as "must be a finite number" on its concept;
nesting too deep to parse raises `JSONTooDeep` with the path where it happened (the envelope
field, and the concept under `answers`), found by a plain scan that only runs in that case.
"""

from __future__ import annotations

import json

# Longer integers are read as floats: no answer needs them, and float() of a long digit
# string is cheap (infinity past 309 digits) where int() is quadratic.
MAX_INT_DIGITS = 100
# Where the path scan says nesting became too deep: far below the recursion limit.
REPORTED_DEPTH = 100


class JSONTooDeep(ValueError):
    def __init__(self, path: tuple[str, ...]):
        super().__init__("nested too deeply")
        self.path = path


def _number(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else float(text)


def loads(raw: str | bytes) -> object:
    """json.loads; raises ValueError (UnicodeDecodeError included) for what is not JSON and
    JSONTooDeep for JSON nested too deeply to read."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text, parse_int=_number)
    except RecursionError:
        raise JSONTooDeep(deep_path(text)) from None


def deep_path(text: str, limit: int = REPORTED_DEPTH) -> tuple[str, ...]:
    """The object keys (at most two: a field and, inside it, a concept) leading to the first
    place where `text` nests deeper than `limit`; () when that is at the top level."""
    stack: list[str | None] = []  # per open container: the key it is under (None in a list)
    key: str | None = None  # the last string read, if it turns out to be a key
    pending: str | None = None  # the key of the value now being read
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char == '"':
            end = i + 1
            while end < length and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            try:
                key = json.loads(text[i : end + 1])
            except ValueError:
                key = None
            i = end + 1
            continue
        if char == ":":
            pending, key = key, None
        elif char in "{[":
            stack.append(pending)
            pending, key = None, None
            if len(stack) > limit:
                break
        elif char in "}]":
            if stack:
                stack.pop()
            pending, key = None, None
        elif char == ",":
            pending, key = None, None
        i += 1
    return tuple(k for k in stack[1:3] if isinstance(k, str))
