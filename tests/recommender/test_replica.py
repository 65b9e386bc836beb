"""Read replicas with a real streaming replica (pg_basebackup of the test server, hot standby):
shoppers' recommendations are read there, and a version activated on the primary is used only
once the replica has replayed its vectors and index; 0 failed requests throughout."""

import threading
from pathlib import Path

import pytest
from django.db import connection, connections, router
from django.db.backends.signals import connection_created
from rest_framework.test import APIClient

from config.db_router import unpin
from recommender.serving import services, vectors
from shop.models import Product
from tests.conftest import make_version
from tests.recommender.conftest import wait_for
from tests.replica import Replica, replica_alias, streaming_replica


def answer(**request):
    """services.recommend() of a request checked as the API and the page check theirs."""
    return services.recommend(services.RecommendationRequest.checked(**request))

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ALIAS = "replica_test"


@pytest.fixture
def replica(catalog, settings, django_db_blocker):
    with streaming_replica() as replica, replica_alias(ALIAS, replica, django_db_blocker):
        settings.DATABASE_REPLICAS = [ALIAS]
        yield replica


@pytest.fixture
def shopper_queries():
    """(database, statement) of every query the shopper threads run, counted where Django
    sends them."""
    counted = []

    def count(execute, sql, params, many, context):
        if threading.current_thread().name.startswith("shopper"):
            counted.append((context["connection"].alias, sql))
        return execute(sql, params, many, context)

    def on_connect(sender, connection, **kwargs):
        connection.execute_wrappers.append(count)

    connection_created.connect(on_connect)
    yield counted
    connection_created.disconnect(on_connect)


def vector_table_reads(replica) -> int:
    """Scans of the vector table the replica's own statistics counted."""
    sql = "SELECT seq_scan + idx_scan FROM pg_stat_user_tables WHERE relname = 'recommender_productembedding'"
    return int(replica.query(sql)[0][0])


def shoppers(reference, served, errors, stop, count=3):
    """Threads asking for recommendations until `stop`, through the service and the API."""

    def ask(number: int) -> None:
        api = APIClient()
        body = {"reference_product": reference.pk, "text": "in black", "limit": 10}
        try:
            while not stop.is_set():
                if number == 0:  # a request: the router picks its replica anew
                    response = api.post("/api/v1/recommendations/", body, format="json")
                    assert response.status_code == 200, response.content
                    data = response.json()
                    served.append((number, data["model_version"], len(data["results"])))
                else:
                    unpin()
                    result = answer(reference=reference, text="in black", limit=10)
                    served.append((number, result.model_version.name, len(result.results)))
        except Exception as exc:  # any failure is what this test is about
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(n,), name=f"shopper-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def last_answers(served) -> set[str]:
    """The version of each shopper's latest answer."""
    return set({number: name for number, name, _ in served}.values())


def test_shoppers_read_the_replica_and_switch_only_once_it_has_the_new_version(
    catalog, trained_checkpoint, replica, shopper_queries
):
    first = make_version(trained_checkpoint)  # embedded, indexed and activated on the primary
    replica.wait_for_primary()
    reference = Product.objects.filter(article_type="Shirts").order_by("pk").first()
    served, errors, stop = [], [], threading.Event()
    threads = shoppers(reference, served, errors, stop)
    try:
        wait_for(lambda: len(served) >= 6 or errors, 60, "answers from the replica")
        replica.query("SELECT pg_wal_replay_pause()")  # the replica falls behind from here
        second = make_version(trained_checkpoint)
        assert services.active_version().pk == second.pk  # on the primary
        before = len(served)
        wait_for(lambda: len(served) >= before + 6 or errors, 60, "answers while the replica lags")
        lagging = served[before:]
        replica.query("SELECT pg_wal_replay_resume()")
        switched = lambda: last_answers(served) == {second.name} or errors  # noqa: E731
        wait_for(switched, 60, "every shopper on the new version")
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert not errors, errors
    assert {name for _, name, _ in lagging} == {first.name}  # not before its vectors are there
    assert all(n == 10 for _, _, n in served)
    for shopper in range(len(threads)):  # each switched once, never back
        names = [name for number, name, _ in served if number == shopper]
        assert names == sorted(names, key=[first.name, second.name].index) and names[-1] == second.name
    # The shoppers' catalog and vector reads ran on the replica (its own statistics count them);
    # only their session, account and throttle bookkeeping went to the primary.
    on_primary = [sql for alias, sql in shopper_queries if alias == "default"]
    assert not [sql for sql in on_primary if "shop_product" in sql or "recommender_" in sql], on_primary
    # Each answer: the version with the reference's vector, then the search (and its cards' sizes).
    assert sum(alias == ALIAS for alias, _ in shopper_queries) >= 2 * len(served)
    assert vector_table_reads(replica) >= len(served)


def test_a_replica_without_the_version_index_is_not_read(
    catalog, trained_checkpoint, settings, django_db_blocker
):
    """Should a replica show the active version but not its index, the primary answers."""
    version = make_version(trained_checkpoint)
    vectors.drop_index(version)
    primary = connection.settings_dict
    port = int(primary["PORT"] or 5432)
    same_server = Replica(folder=Path(primary["HOST"]), port=port, database=primary["NAME"])  # no index
    with replica_alias("without_index", same_server, django_db_blocker):
        settings.DATABASE_REPLICAS = ["without_index"]
        unpin()
        assert services.serving_version_and_vector()[:2] == (version, "default")
        vectors.build_index(version)
        assert services.serving_version_and_vector()[:2] == (version, "without_index")
        assert len(answer(reference=catalog.first(), text="in black", limit=5).results) == 5


def test_an_unreachable_replica_is_left_out_and_the_primary_answers(catalog, settings, django_db_blocker):
    dead = Replica(folder=Path("/nonexistent"), port=1, database="nothing")
    with replica_alias("down", dead, django_db_blocker):
        settings.DATABASE_REPLICAS = ["down"]
        unpin()
        assert router.db_for_read(Product) == "default"
        assert Product.objects.filter(article_type="Shirts").exists()  # read on the primary, no error
        unpin()
        assert router.db_for_read(Product) == "default"  # not tried again for a while
