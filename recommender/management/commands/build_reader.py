"""Give a model version its learned reading of requests (the polarity reader and the word guesser,
recommender.lifecycle.training.train_reader), e.g. a version trained before the reader existed or a
checkpoint trained elsewhere: its requests are read by the rules alone until it has one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommender.lifecycle import training
from recommender.models import ModelVersion
from recommender.serving import runtime


class Command(BaseCommand):
    help = "Train (or copy from the cache) the learned request reader into a version's checkpoint folder."

    def add_arguments(self, parser):
        parser.add_argument("version", nargs="?", help="version name (v3) or id; default: the active one")

    def handle(self, *args, version=None, **options):
        found = _version(version)
        if not found.checkpoint_path or not Path(found.checkpoint_path).is_dir():
            raise CommandError(f"{found.name} has no checkpoint folder on this machine", returncode=2)
        self.stdout.write(f"{found.name}: training the request reader (cached by its corpus) ...")
        metrics = training.train_reader(Path(found.checkpoint_path))
        runtime.forget_reader(found.checkpoint_path)
        held_out = metrics["held_out_families"]
        self.stdout.write(self.style.SUCCESS(
            f"{found.name} reads requests with its learned reader (held-out families: accuracy "
            f"{held_out['accuracy']:.3f}; word guesser threshold {metrics['word_guess']['threshold']:.3f})."
        ))


def _version(name: str | None) -> ModelVersion:
    versions = ModelVersion.objects.all()
    if name is None:
        found = versions.filter(status=ModelVersion.Status.ACTIVE).first()
    elif name.lstrip("v").isdigit():
        found = versions.filter(pk=int(name.lstrip("v"))).first()
    else:
        found = None
    if found is None:
        raise CommandError(f"no such model version: {name or 'active'}", returncode=2)
    return found
