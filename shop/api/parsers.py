"""Request body parsing for the API: JSON with a bounded nesting depth.

Python's JSON decoder raises RecursionError on bodies nested thousands of levels deep, which
DRF would turn into a 500; no request of this API needs more than a few levels.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


def json_depth(value: object) -> int:
    """Nesting depth of a parsed JSON value (iterative: safe on any input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels).") from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels).")
        return data
