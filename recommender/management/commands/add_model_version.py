"""Serve a checkpoint trained elsewhere (`python -m ml train` on a GPU machine, say): register it
as a model version, embed the catalog with it, and activate it unless asked to wait for review."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml.checkpoint import IncompatibleCheckpointError, load_model
from recommender.lifecycle import training, versions
from recommender.models import EMBEDDING_DIM


class Command(BaseCommand):
    help = "Register a trained checkpoint folder as a model version and embed the catalog with it."

    def add_arguments(self, parser):
        parser.add_argument("checkpoint", help="checkpoint folder written by `python -m ml train`")
        parser.add_argument("--review", action="store_true", help="embed, but leave it ready for review")

    def handle(self, *args, checkpoint, review=False, **options):
        folder = Path(checkpoint).expanduser().resolve()
        try:
            model = load_model(folder, device="cpu")
        except (FileNotFoundError, IncompatibleCheckpointError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        if model.embedding_dim != EMBEDDING_DIM:
            message = f"{folder} makes {model.embedding_dim}-d vectors; the store holds {EMBEDDING_DIM}-d"
            raise CommandError(message, returncode=2)
        metrics_file = folder / "metrics.json"
        version = versions.register_checkpoint(
            str(folder),
            config=model.config.to_dict(),
            metrics=json.loads(metrics_file.read_text()) if metrics_file.is_file() else {},
            activate_when_ready=not review,
        )
        self.stdout.write(f"{version.name}: embedding the catalog with {folder} ...")
        version = training.embed_version(version.pk)
        self.stdout.write(self.style.SUCCESS(f"{version.name} is {version.status}."))
