"""Template tags of the recommender: the "Like this, but …" panel other pages embed.

Pages of the shop show the panel with ``{% load recommender %}{% like_this_panel product %}``;
the panel brings its own markup, CSS and script, so the shop knows nothing of them.
"""

from django import template

register = template.Library()


@register.inclusion_tag("recommender/_like_this_panel.html", takes_context=True)
def like_this_panel(context, reference=None, heading: str = "", intro: str = "") -> dict:
    """The box for "like `reference`, but …" (or the shopper's last purchase when None)."""
    return {
        "request": context.get("request"),
        "reference": reference,
        "heading": heading,
        "intro": intro,
    }
