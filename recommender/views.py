"""The shopper's results page for the "Like this, but …" box (and its fragment for instant results)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recommender.serving import page, services, trail
from shop.selectors import FilterError


def results(request: HttpRequest) -> HttpResponse:
    """GET ?reference=<id>&text=…&relax=…&max_price=…&size=…&sort=…&step=…: works without
    JavaScript; ?fragment=1 returns only the answer, for the box's instant mode."""
    ask, recommendation, error, status = None, None, None, 200
    try:
        ask = page.parse_request(request.GET)
        recommendation = services.recommend(ask.asked_by(request.user))
    except FilterError as exc:
        error, status = f"Please check the filters: {exc}.", 400
    except services.RecommendationError as exc:
        error, status = str(exc), exc.status_code
    context = {"ask": ask, "error": error, "recommendation": recommendation, "instant": False}
    if recommendation is not None:
        context.update(_answer_context(ask, recommendation))
    elif ask is not None:
        context["options"] = page.box_options(ask.reference, ask)
    if ask is not None and not request.GET.get("fragment"):
        context["trail_entries"] = trail.resolve(list(ask.steps))
    template = "recommender/_results.html" if request.GET.get("fragment") else "recommender/results.html"
    return render(request, template, context, status=status)


def _answer_context(ask: page.PageRequest, recommendation: services.Recommendation) -> dict:
    """What the results template shows of an answer: chips, cards in the asked order, links."""
    # The request as answered (the last purchase when no reference was given).
    ask = replace(ask, reference=recommendation.reference)
    results = page.sort_results(recommendation.results, ask.sort)
    prefetch_related_objects([p for p, _ in results], "sizes")  # sizes on the cards, one query
    chips = page.chips(ask, recommendation)
    steps_query = urlencode(trail.step_params(ask.next_steps()))
    return {
        "ask": ask,
        "results": results,
        "chips": chips,
        "interpretation": recommendation.interpretation,
        "results_url": ask.url(),
        "result_link_query": f"?{steps_query}",
        "options": page.box_options(recommendation.reference, ask),
        "signature": page.signature([p.pk for p, _ in results], [c.label for c in chips], ask.text),
    }
