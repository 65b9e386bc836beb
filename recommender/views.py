"""The shopper's results page for the "Like this, but …" box (and its fragment for instant results)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recommender import services
from shop.models import Product
from shop.params import is_id
from shop.selectors import FilterError, parse_product_filters


def results(request: HttpRequest) -> HttpResponse:
    """GET ?reference=<id>&text=...&gender=...: works without JavaScript; ?fragment=1 returns
    only the results grid for the box's instant mode."""
    reference, error, recommendation, status = None, None, None, 200
    raw_reference = request.GET.get("reference", "").strip()
    text = request.GET.get("text", "")
    try:
        if raw_reference:
            if not is_id(raw_reference):
                raise services.RecommendationError("That product does not exist.")
            reference = Product.objects.filter(pk=int(raw_reference), is_active=True).first()
            if reference is None:
                raise services.RecommendationError("That product does not exist.")
        filters = parse_product_filters(request.GET)
        recommendation = services.recommend(
            reference=reference, text=text, user=request.user, filters=filters
        )
        reference = recommendation.reference
    except FilterError as exc:
        error, status = f"Please check the filters: {exc}.", 400
    except services.RecommendationError as exc:
        error, status = str(exc), exc.status_code
    context = {
        "reference": reference,
        "text": text,
        "recommendation": recommendation,
        "error": error,
        # Each result links to its page with the request kept, for the next refinement.
        "result_link_query": f"?{urlencode({'like': recommendation.text})}"
        if recommendation and recommendation.text
        else "",
    }
    template = "recommender/_results.html" if request.GET.get("fragment") else "recommender/results.html"
    return render(request, template, context, status=status)
