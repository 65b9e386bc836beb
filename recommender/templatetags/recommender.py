"""Template tags of the recommender: the "Like this, but …" panel other pages embed.

Pages of the shop show the panel with ``{% load recommender %}{% like_this_panel product %}``;
the panel brings its own markup, CSS and script, so the shop knows nothing of them. On a
product page reached from a result, the panel shows the trail of refinements that led there
(``?step=…``, see recommender.serving.trail) and an empty box for the next step.
"""

from django import template

from recommender.serving import page, starts, trail
from shop.cart import Cart

register = template.Library()


@register.inclusion_tag("recommender/_like_this_panel.html", takes_context=True)
def like_this_panel(context, reference=None, heading: str = "", intro: str = "") -> dict:
    """The box for "like `reference`, but …"; without one, for any of the shopper's purchases
    or cart products (the newest purchase first, `?start=<id>` picks another)."""
    request = context.get("request")
    steps = trail.parse_steps(request.GET.getlist(trail.PARAM)) if request is not None else []
    ask = page.PageRequest(reference=reference, steps=tuple(steps))
    choices = []
    if reference is None and request is not None:
        choices = starts.start_choices(request.user, Cart.of(request), request.GET.get("start"))
    return {
        "starts": choices,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "ask": ask,
        "options": page.box_options(reference),
        "trail_entries": trail.resolve(steps),
        "instant": True,
        "heading": heading,
        "intro": intro,
    }
