"""A model version's status has one owner: recommender.lifecycle.versions (its TRANSITIONS table)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from recommender.lifecycle import versions
from recommender.models import ModelVersion

REPO = Path(__file__).resolve().parents[2]
OWNER = REPO / "recommender" / "lifecycle" / "versions.py"
# Where a version's status could be written: the store's code. Tests and the benchmarks set up
# the states they measure (a scratch version, an active one in a scratch database).
SCANNED = ("config", "recommender", "shop")
WRITES = {"create", "update", "update_or_create", "get_or_create", "ModelVersion"}


def _status_writes(path: Path) -> list[int]:
    """Lines assigning `<x>.status = ...` or passing status= to a create/update/ModelVersion(...)
    call (shop's orders have a status too: shop is scanned for ModelVersion's only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                targets += target.elts if isinstance(target, ast.Tuple) else [target]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", "")
            if name in WRITES and any(k.arg == "status" for k in node.keywords):
                lines.append(node.lineno)
    return lines


def _is_model_version_code(path: Path) -> bool:
    return "ModelVersion" in path.read_text(encoding="utf-8")


def test_status_is_written_in_one_module():
    found = []
    for package in SCANNED:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts or path == OWNER or not _is_model_version_code(path):
                continue
            found += [f"{path.relative_to(REPO)}:{line}" for line in _status_writes(path)]
    assert not found, f"status written outside recommender/lifecycle/versions.py: {found}"
    assert _status_writes(OWNER)  # the scan sees the owner's writes


def test_the_transition_table_refuses_what_it_does_not_list(db):
    S = ModelVersion.Status
    assert set(versions.TRANSITIONS) == {None, *S.values}
    assert versions.TRANSITIONS[S.FAILED] == frozenset()
    version = ModelVersion.objects.create(status=S.QUEUED)
    with pytest.raises(versions.PipelineError, match="cannot become ready"):
        versions.ready(version, {}, "")
    with pytest.raises(versions.PipelineError, match="only a ready or retired version"):
        versions.activate(version)
    versions.mark_failed(version, "gave up")
    version.refresh_from_db()
    assert version.status == S.FAILED
    ModelVersion.objects.filter(pk=version.pk).update(error="")
    versions.mark_failed(version, "again")  # a failed version stays as it failed
    version.refresh_from_db()
    assert version.status == S.FAILED and version.error == ""


def test_tasks_keep_their_names_wherever_their_module_stands():
    """settings.CELERY_TASK_ROUTES and the messages already queued name the tasks
    recommender.tasks.*: the names outlived the module's move into the lifecycle wing, and a
    worker imports the module by name (autodiscovery looks for an app's tasks.py only)."""
    from django.conf import settings

    from config.celery import app
    from recommender.lifecycle import tasks

    functions = ("train_model_version", "embed_catalog", "embed_chunk", "embed_new_products")
    names = {getattr(tasks, function).name for function in functions}
    assert names == {f"recommender.tasks.{function}" for function in functions}
    assert set(settings.CELERY_TASK_ROUTES) <= names
    assert tasks.__name__ in app.conf.imports
