"""The database router: which reads a replica may serve, and that nothing changes without one."""

import threading

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import router, transaction

from config import db_router
from config.settings.base import replica_settings
from recommender.models import ModelVersion, ProductEmbedding
from shop.models import Order, OrderLine, Product, ProductSize, SavedCart

REPLICAS = ["replica1", "replica2"]
PRIMARY_ONLY = (Order, OrderLine, SavedCart, User, Session, ModelVersion)


@pytest.fixture(autouse=True)
def replicas_answer(monkeypatch):
    """The aliases here name no real server: every replica counts as reachable."""
    monkeypatch.setattr(db_router, "answers", lambda alias: True)


def test_replica_urls_become_mirrored_database_aliases():
    replicas = replica_settings(["postgres://store:pw@replica-a:5432/store", "postgres://store:pw@b/store"])
    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica1"]["HOST"] == "replica-a" and replicas["replica2"]["HOST"] == "b"
    assert replicas["replica1"]["TEST"] == {"MIRROR": "default"}  # tests create no database for it
    assert replicas["replica1"]["OPTIONS"]["connect_timeout"] == 3  # a dead replica is left out quickly


def test_without_replicas_the_router_leaves_every_decision_to_django(settings):
    settings.DATABASE_REPLICAS = []
    routing = db_router.ReplicaRouter()
    for model in (Product, ProductEmbedding, Order):
        assert routing.db_for_read(model) is None and routing.db_for_write(model) is None
    assert routing.allow_migrate("default", "shop") is None


def test_catalog_and_vector_reads_go_to_a_replica_and_the_rest_to_the_primary(settings):
    settings.DATABASE_REPLICAS = REPLICAS
    db_router.unpin()
    chosen = {router.db_for_read(model) for model in (Product, ProductSize, ProductEmbedding)}
    assert len(chosen) == 1 and chosen <= set(REPLICAS)  # one replica for the whole request
    for model in PRIMARY_ONLY:
        assert router.db_for_read(model) == "default"
    for model in (Product, ProductEmbedding, Order):
        assert router.db_for_write(model) == "default"
    assert not router.allow_migrate("replica1", "shop") and router.allow_migrate("default", "shop")


@pytest.mark.django_db
def test_reads_that_must_see_a_write_go_to_the_primary(settings):
    settings.DATABASE_REPLICAS = REPLICAS
    db_router.unpin()
    with transaction.atomic():  # the test's own transaction already is one; nested is the same
        assert router.db_for_read(Product) == "default"


def test_primary_reads_block_and_new_requests(settings):
    settings.DATABASE_REPLICAS = REPLICAS
    db_router.unpin()
    with db_router.primary_reads():
        assert router.db_for_read(ProductEmbedding) == "default"
    assert router.db_for_read(ProductEmbedding) in REPLICAS
    picked = []
    for _ in range(40):  # each request may pick another replica
        db_router.unpin()
        picked.append(router.db_for_read(Product))
    assert set(picked) == set(REPLICAS)

    other = []
    thread = threading.Thread(target=lambda: other.append(router.db_for_read(Product)))
    thread.start()
    thread.join()
    assert other[0] in REPLICAS  # each thread pins its own


def test_staff_pages_read_from_the_primary(settings, rf):
    settings.DATABASE_REPLICAS = REPLICAS
    db_router.unpin()
    seen = {}

    def view(request):
        seen[request.path] = router.db_for_read(Product)

    middleware = db_router.PrimaryForStaffMiddleware(view)
    for path in ("/admin/shop/product/1/change/", "/api/v1/admin/jobs/1/", "/products/1/"):
        middleware(rf.get(path))
    assert seen["/admin/shop/product/1/change/"] == seen["/api/v1/admin/jobs/1/"] == "default"
    assert seen["/products/1/"] in REPLICAS
