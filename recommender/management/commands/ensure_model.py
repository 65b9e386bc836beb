"""Make sure the store has a model: queue (or run) the first training when none is active."""

from django.core.management.base import BaseCommand, CommandError

from recommender.lifecycle import retrain, training, versions
from recommender.models import ModelVersion


class Command(BaseCommand):
    help = "Queue the train -> embed -> activate pipeline when no model version is active or running."

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true", help="run the pipeline in this process and wait")

    def handle(self, *args, sync=False, **options):
        active = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
        if active is not None:
            self.stdout.write(f"Model {active.name} is active: recommendations are live.")
            return
        versions.fail_stale_versions()
        running = ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).first()
        if sync:
            version = running or versions.request_retrain()
            try:
                version = training.run_pipeline(version.pk)
            except Exception as exc:
                raise CommandError(f"model pipeline failed: {exc}", returncode=2) from None
            self.stdout.write(self.style.SUCCESS(f"Model {version.name} is {version.status}."))
            return
        if running is not None:
            self.stdout.write(
                f"Model {running.name} is {running.status}: {running.progress_message or 'starting'}."
            )
            return
        version = retrain.start_retrain()
        self.stdout.write(
            f"Queued model {version.name}: the worker computes the image features (once; cached in "
            "var/cache/ml), trains the model and embeds the catalog. The 'Like this, but …' box answers "
            "as soon as it is active: 20 to 30 minutes on a 2-core CPU the first time (the image features "
            "are computed once), about 15 minutes on later retrains (README)."
        )
