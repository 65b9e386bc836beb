"""The staff's Model versions pages: progress, metrics and plot, review before activation
(candidate beside the serving version on fixed sample requests), activate, discard, rollback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recommender.lifecycle import dashboard, review
from recommender.models import ModelVersion
from tests.conftest import make_version

LIST = "/admin/recommender/modelversion/"


def _page(version: ModelVersion) -> str:
    return f"{LIST}{version.pk}/change/"


def test_progress_reads_epochs_and_estimates_the_time_left(db):
    """Progress is stored as fields (versions.record_progress) and read back as fields: the ETA is
    the stage's pace so far."""
    from recommender.lifecycle import versions

    version = ModelVersion.objects.create(status=ModelVersion.Status.TRAINING)
    fraction = (2 + 100 / 1625) / 5
    versions.record_progress(version, versions.Progress("training", 0.01, "epoch 1", epoch=1, epochs=5))
    ModelVersion.objects.filter(pk=version.pk).update(stage_started_at=timezone.now() - timedelta(minutes=10))
    progress = versions.Progress("training", fraction, "", epoch=3, epochs=5, step=100, total=1625)
    versions.record_progress(version, progress)
    version.refresh_from_db()
    now = timezone.now()
    run = dashboard.run_progress(version, now)
    assert run.stage == "training" and run.percent == round(100 * fraction)
    assert run.detail == "epoch 3 of 5 · step 100 of 1625"
    assert run.seconds_left == pytest.approx(600 * (1 - fraction) / fraction, abs=5)
    assert run.time_left == f"about {round(600 * (1 - fraction) / fraction / 60)} min left"
    ModelVersion.objects.filter(pk=version.pk).update(status=ModelVersion.Status.EMBEDDING)
    versions.record_progress(version, versions.Progress("embedding", 512 / 9583, "", step=512, total=9583))
    version.refresh_from_db()
    embedding = dashboard.run_progress(version, timezone.now())
    assert embedding.stage == "embedding" and embedding.detail == "512 of 9,583 products"
    assert version.stage_started_at > now - timedelta(seconds=5)  # a new stage starts its clock
    assert embedding.seconds_left is not None


def test_list_shows_a_progress_bar_not_a_float(admin_client, catalog):
    ModelVersion.objects.create(
        status=ModelVersion.Status.TRAINING,
        progress=0.6081101301810564,
        progress_message="epoch 2 of 4, step 50 of 200",
        stage="training", epoch=2, epochs=4, step=50, total=200,
        eta=timezone.now() + timedelta(minutes=3),
        started_at=timezone.now() - timedelta(minutes=3),
    )
    html = admin_client.get(LIST).content.decode()
    assert "<progress" in html and "epoch 2 of 4 · step 50 of 200" in html and "left" in html
    assert "0.6081101301810564" not in html
    assert "disabled" in html.split("Retrain model")[0].rsplit("<button", 1)[1]  # one run at a time


def test_version_page_shows_metrics_table_and_plot_without_save(admin_client, active_model):
    html = admin_client.get(_page(active_model)).content.decode()
    val = active_model.metrics["val"]
    assert "How well it answers (validation recall)" in html and 'class="mv-table"' in html
    for method in ("composed", "image_only", "seed"):
        assert dashboard.recall(val[method]["R@10"]) in html  # one rounding everywhere
    assert "<svg" in html and "<polyline" in html and 'class="baseline' in html
    assert html.count('class="dot"') == len(active_model.metrics["history"])
    assert 'name="_save"' not in html and 'name="_continue"' not in html  # a record, read only
    assert '"history":' not in html  # no wall of JSON


def test_rollback_is_disabled_without_a_previous_version(admin_client, catalog, trained_checkpoint):
    first = make_version(trained_checkpoint)
    html = admin_client.get(LIST).content.decode()
    assert 'disabled title="No version has served before the current one">Roll back' in html
    second = make_version(trained_checkpoint)  # activates: first is retired, with activated_at
    html = admin_client.get(LIST).content.decode()
    assert f"Roll back to {first.name}" in html
    admin_client.post(f"{LIST}rollback/")
    second.refresh_from_db()
    assert ModelVersion.objects.get(status="active") == first and second.status == "retired"


def test_retrain_can_wait_for_review(admin_client, catalog, settings):
    admin_client.post(f"{LIST}retrain/", {"review": "1"})
    assert ModelVersion.objects.get().activate_when_ready is False


def test_review_shows_candidate_and_serving_side_by_side_then_activates(
    admin_client, catalog, trained_checkpoint
):
    serving = make_version(trained_checkpoint)
    candidate = make_version(trained_checkpoint, activate=False)
    assert candidate.status == ModelVersion.Status.READY  # waits for review
    listing = admin_client.get(LIST).content.decode()
    assert "waits for your review" in listing and _page(candidate) in listing

    html = admin_client.get(_page(candidate)).content.decode()
    samples = review.sample_references()
    assert len(samples) >= 4
    assert html.count('<th scope="row">\n              <img') == len(samples)  # each request with its image
    for reference, text in samples:
        assert f"“{text}”" in html and reference.image.url in html
    assert f"{candidate.name} (candidate)" in html and f"{serving.name} (serving)" in html
    assert f"Activate {candidate.name}" in html and f"Discard {candidate.name}" in html

    response = admin_client.post(f"{LIST}{candidate.pk}/activate/")
    assert response.status_code == 302
    assert ModelVersion.objects.get(status="active") == candidate


def test_discard_removes_a_candidate_but_never_the_serving_version(admin_client, catalog, trained_checkpoint):
    serving = make_version(trained_checkpoint)
    candidate = make_version(trained_checkpoint, activate=False)
    assert admin_client.get(f"{LIST}{candidate.pk}/discard/").status_code == 302  # GET changes nothing
    assert ModelVersion.objects.filter(pk=candidate.pk).exists()
    admin_client.post(f"{LIST}{serving.pk}/discard/")
    assert ModelVersion.objects.filter(pk=serving.pk, status="active").exists()
    admin_client.post(f"{LIST}{candidate.pk}/discard/")
    assert list(ModelVersion.objects.all()) == [serving]
    assert admin_client.post(f"{LIST}987654/discard/").status_code == 404


def test_a_version_in_words_with_labelled_axes_and_technical_fields_under_details(
    admin_client, catalog, trained_checkpoint
):
    serving = make_version(trained_checkpoint)
    candidate = make_version(trained_checkpoint, activate=False)
    val = candidate.metrics["val"]["composed"]
    html = admin_client.get(_page(candidate)).content.decode()
    top10, before = dashboard.per_hundred(val["R@10"]), dashboard.per_hundred(serving.val_recall_at_10)
    assert (
        f"Finds the requested product in its top 10 for {top10} of 100 test requests "
        f"(serving now, {serving.name}: {before})."
    ) in html
    assert f"Shows it first for {dashboard.per_hundred(val['R@1'])} of 100" in html
    assert "matching the picture only" in html and "seed report" not in html and "triplets" not in html
    assert "found in the top 10, of 100 requests" in html and "training round (epoch)" in html  # both axes
    # The engineer's fields are there, folded under "Details".
    details = html.split("<details")[1]
    assert "Details" in details and str(candidate.checkpoint_path) in details and "Task id" in details
    assert str(candidate.checkpoint_path) not in html.split("<details")[0]
    serving_words = admin_client.get(_page(serving)).content.decode()
    assert f"top 10 for {before} of 100 test requests" in serving_words


def test_retrain_asks_first_and_says_how_long_it_takes_here(admin_client, catalog):
    page = admin_client.get(f"{LIST}retrain/")
    html = page.content.decode()
    assert page.status_code == 200 and "Retrain the model?" in html
    assert "No run has finished on this machine yet" in html and "Yes, retrain now" in html
    assert not ModelVersion.objects.exists()  # asking queued nothing
    now = timezone.now()
    for minutes in (14, 20, 16):
        ModelVersion.objects.create(
            status=ModelVersion.Status.RETIRED, started_at=now - timedelta(minutes=minutes), finished_at=now
        )
    expected = "About 16 min on this machine (the last 3 runs: 14 min, 20 min, 16 min)."
    assert dashboard.retrain_estimate() == expected
    assert "About 16 min on this machine" in admin_client.get(f"{LIST}retrain/").content.decode()
    admin_client.post(f"{LIST}retrain/", {"review": "1"})
    assert ModelVersion.objects.filter(status="queued", activate_when_ready=False).count() == 1


def test_review_says_what_changed_and_flags_a_request_that_got_worse(catalog):
    a, b, c, d = catalog.order_by("pk")[:4]
    row = review.Comparison(a, "in navy", candidate=[b, c, d], active=[c, a, b], candidate_matches=1,
                            active_matches=3)  # fmt: skip
    assert row.new == [d] and row.dropped == [a] and row.moved == 2
    assert [(p.product, p.moved) for p in row.candidate_placed] == [(b, 2), (c, -1), (d, 0)]
    assert row.worse
    same = review.Comparison(a, "in navy", [b, c], [b, c], candidate_matches=2, active_matches=2)
    assert not same.worse and not same.new and not same.dropped and same.moved == 0
    assert review.Comparison(a, "cheaper", [b], [b, c]).worse  # a shorter answer is worse too
    assert not review.Comparison(a, "asdf", [b, c], [c, b]).worse  # nothing read: no yardstick
