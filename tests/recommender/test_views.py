"""The shopper's results page (no JavaScript needed) and the staff admin for model versions."""

import re

import pytest
from django.contrib.auth.models import User

from recommender.models import ModelVersion
from shop.models import Product
from shop.services import OrderItem, place_order
from tests.conftest import make_version


def _shirt():
    return Product.objects.filter(article_type="Shirts").order_by("pk").first()


def test_results_page_without_javascript(client, active_model):
    shirt = _shirt()
    response = client.get("/recommendations/", {"reference": shirt.pk, "text": "in black"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card"') == 20
    assert f'/products/{shirt.pk}/"' not in html.split("like-this-grid")[1]  # the reference is not a result
    # Each result carries the trail (this reference and request) to its page, for the next step.
    assert f"?step={shirt.pk}%3Ain+black" in html
    assert 'class="like-this-reference"' in html and shirt.image.url in html  # the reference beside


def test_fragment_for_instant_results(client, active_model):
    params = {"reference": _shirt().pk, "text": "in red", "fragment": 1}
    response = client.get("/recommendations/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "data-like-this-grid" in html and "data-signature=" in html
    again = client.get("/recommendations/", params)
    other = client.get("/recommendations/", {**params, "text": "in white"})
    # The box redraws only when the answer changed: same request, same signature.
    assert again.context["signature"] == response.context["signature"] != other.context["signature"]


def test_product_page_after_a_refinement_shows_the_trail_and_an_empty_box(client, active_model):
    shirt, second = Product.objects.filter(article_type="Shirts").order_by("pk")[:2]
    response = client.get(f"/products/{second.pk}/", {"step": f"{shirt.pk}:now in red"})
    html = response.content.decode()
    assert 'class="like-this-trail"' in html
    assert f'href="/products/{shirt.pk}/"' in html  # the first step, clickable
    assert f"/recommendations/?reference={shirt.pk}&amp;text=now+in+red" in html
    assert 'name="text" type="search" maxlength="500"\n           value=""' in html  # emptied
    assert f'name="step" value="{shirt.pk}:now in red"' in html  # the trail goes on


@pytest.mark.parametrize("step", ["abc", "1", ":x", "99999999999999999999:x", "0:x", "5:" + "x" * 600])
def test_a_broken_trail_is_ignored(client, active_model, step):
    response = client.get(f"/products/{_shirt().pk}/", {"step": step})
    assert response.status_code == 200 and 'class="like-this-trail"' not in response.content.decode()


def _buy(user, product) -> None:
    size = product.sizes.filter(stock__gt=0).first()
    place_order(user, [OrderItem(product.pk, size.label if size else "", 1)])


def _checked(html: str) -> list[str]:
    """The product ids of the checked "Start from" radio buttons."""
    return re.findall(r'name="reference" value="(\d+)" checked', html)


def test_any_purchase_or_cart_product_can_start(client, active_model):
    user = User.objects.create_user("dora", password="pw-12345678")
    older, newer, in_cart = Product.objects.filter(article_type__in=["Shirts", "Tshirts"]).order_by("pk")[:3]
    _buy(user, older)
    _buy(user, newer)
    client.login(username="dora", password="pw-12345678")
    size = in_cart.sizes.filter(stock__gt=0).first()
    client.post(f"/cart/add/{in_cart.pk}/", {"size": size.label if size else "", "quantity": 1})
    html = client.get("/purchases/").content.decode()
    assert "Like one of my purchases, but" in html
    offered = re.findall(r'name="reference" value="(\d+)"', html)
    assert offered == [str(newer.pk), str(older.pk), str(in_cart.pk)]  # newest first, then the cart
    assert _checked(html) == [str(newer.pk)] and "in your cart" in html
    assert f'href="?start={older.pk}#like-this"' in html  # "Like this, but …" beside each line
    picked = client.get("/purchases/", {"start": older.pk}).content.decode()
    assert _checked(picked) == [str(older.pk)]
    stranger = Product.objects.exclude(pk__in=[older.pk, newer.pk, in_cart.pk]).first()
    for foreign in ("abc", "999999999", str(stranger.pk)):
        assert _checked(client.get("/purchases/", {"start": foreign}).content.decode()) == [str(newer.pk)]
    # The box's form sends the pick as the reference: the answer starts from the older purchase.
    response = client.get("/recommendations/", {"reference": older.pk, "text": "with short sleeves"})
    assert response.status_code == 200 and response.context["recommendation"].reference == older
    last = client.get("/recommendations/", {"text": "with short sleeves"})
    assert last.context["recommendation"].reference == newer and "Your last purchase" in last.content.decode()


def test_results_page_errors_are_friendly(client, active_model):
    assert client.get("/recommendations/", {"reference": "abc"}).status_code == 400
    assert client.get("/recommendations/", {"reference": 999999999}).status_code == 400
    assert client.get("/recommendations/", {"text": "in red"}).status_code == 400  # anonymous, no reference
    bad_filter = client.get("/recommendations/", {"reference": _shirt().pk, "min_price": "cheap"})
    assert bad_filter.status_code == 400 and "check the filters" in bad_filter.content.decode()


def test_results_page_before_the_first_model(client, catalog):
    response = client.get("/recommendations/", {"reference": _shirt().pk, "text": "in red"})
    assert response.status_code == 503 and "try again" in response.content.decode()


def test_admin_lists_versions_with_metrics(admin_client, active_model):
    response = admin_client.get("/admin/recommender/modelversion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Retrain model" in html and "Serving shoppers" in html
    val = active_model.metrics["val"]  # written by the real training run of the fixture
    shown = " / ".join(f"{val[m]['R@10']:.3f}" for m in ("composed", "image_only", "seed"))
    assert shown in html  # val R@10: model / image only / seed


def test_admin_retrain_button_queues_once(admin_client, catalog):
    admin_client.post("/admin/recommender/modelversion/retrain/")
    admin_client.post("/admin/recommender/modelversion/retrain/")
    assert ModelVersion.objects.filter(status="queued").count() == 1


def test_admin_activate_and_roll_back(admin_client, catalog, trained_checkpoint):
    first = make_version(trained_checkpoint)
    second = make_version(trained_checkpoint, activate=False)
    response = admin_client.post(
        "/admin/recommender/modelversion/",
        {"action": "activate_selected", "_selected_action": [second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert ModelVersion.objects.get(status="active") == second
    admin_client.post("/admin/recommender/modelversion/rollback/")
    assert ModelVersion.objects.get(status="active") == first


def test_plain_users_cannot_reach_the_admin_actions(client, catalog):
    User.objects.create_user("eve", password="pw-12345678")
    client.login(username="eve", password="pw-12345678")
    response = client.post("/admin/recommender/modelversion/retrain/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not ModelVersion.objects.exists()


def test_admin_deletes_a_retired_version_but_never_the_active_one(admin_client, catalog, trained_checkpoint):
    active = make_version(trained_checkpoint)
    ready = make_version(trained_checkpoint, activate=False)
    assert (
        admin_client.post(f"/admin/recommender/modelversion/{active.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = admin_client.post(f"/admin/recommender/modelversion/{ready.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(ModelVersion.objects.all()) == [active]
