"""What the staff's Model versions pages show of a run: progress, metrics in numbers and in
words, a recall plot with labelled axes, and how long a retraining takes on this machine.

Plain functions of a ModelVersion (its progress fields and metrics JSON, as
``recommender.lifecycle.versions`` and ``ml.train`` write them), so the admin's templates only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recommender.models import ModelVersion

# (key in metrics["val"], what the table calls it); the model first, then simpler ways to answer.
METHODS = (
    ("composed", "this model"),
    ("image_only", "matching the picture only"),
    ("seed", "the first prototype's method"),
    ("text_only", "matching the words only"),
    ("image_only_raw", "untrained picture features"),
)
FINISHED = (ModelVersion.Status.READY, ModelVersion.Status.ACTIVE, ModelVersion.Status.RETIRED)
RUNS_FOR_ESTIMATE = 5
BASELINES_PLOTTED = ("image_only", "seed")
KS = ("R@1", "R@10", "R@50")

def recall(value: float | None) -> str:
    """A recall as every page shows it: three decimals (— when unknown)."""
    return "—" if value is None else f"{float(value):.3f}"


@dataclass(frozen=True)
class RunProgress:
    stage: str  # features, training, reader, embedding, indexing, queued (or the status)
    percent: int  # of the stage
    detail: str  # "epoch 3 of 5 · step 100 of 1625"
    seconds_left: float | None

    @property
    def time_left(self) -> str:
        if self.seconds_left is None:
            return ""
        if self.seconds_left < 60:
            return "under a minute left"
        return f"about {round(self.seconds_left / 60)} min left"


def _detail(version: ModelVersion) -> str:
    """What the stage counts, from the version's progress fields (the message when it counts nothing)."""
    if version.stage == "training" and version.epoch and version.epochs:
        if version.step is not None and version.total:
            return f"epoch {version.epoch} of {version.epochs} · step {version.step} of {version.total}"
        return f"epoch {version.epoch} of {version.epochs} done"
    if version.stage == "embedding" and version.total:
        return f"{version.step or 0:,} of {version.total:,} products"
    if version.stage == "features" and version.total:
        return f"features {version.step or 0:,} of {version.total:,}"
    return version.progress_message


def run_progress(version: ModelVersion, now: datetime) -> RunProgress:
    """Where a running version is, and the time its current stage still needs (its ETA, from the
    stage's pace so far: recommender.lifecycle.versions.record_progress)."""
    if version.status == ModelVersion.Status.QUEUED:
        return RunProgress("queued", 0, "waiting for a worker", None)
    seconds_left = max(0.0, (version.eta - now).total_seconds()) if version.eta is not None else None
    stage = version.stage or version.status
    return RunProgress(stage, round(100 * version.progress), _detail(version), seconds_left)


def per_hundred(value: float) -> int:
    """A recall as "N of 100 test requests"."""
    return round(100 * float(value))


def _recall_at(version: ModelVersion | None, k: str = "R@10") -> float | None:
    value = ((version.metrics or {}).get("val", {}).get("composed", {}) if version else {}).get(k)
    return float(value) if value is not None else None


def in_words(version: ModelVersion, other: ModelVersion | None, other_role: str) -> list[str]:
    """The version's validation results as sentences a store owner reads, numbers kept:
    compared with `other` (the serving version, or the previous one: `other_role` says which)."""
    val = (version.metrics or {}).get("val", {})
    composed = val.get("composed", {})
    if composed.get("R@10") is None:
        return []
    before = _recall_at(other)
    then = ""
    if other is not None and before is not None:
        then = f" ({other_role}, {other.name}: {per_hundred(before)})"
    top10 = per_hundred(composed["R@10"])
    sentences = [f"Finds the requested product in its top 10 for {top10} of 100 test requests{then}."]
    if composed.get("R@1") is not None and composed.get("R@50") is not None:
        sentences.append(
            f"Shows it first for {per_hundred(composed['R@1'])} of 100, "
            f"and in its top 50 for {per_hundred(composed['R@50'])} of 100."
        )
    simpler = [(name, val[k]["R@10"]) for k, name in METHODS[1:3] if val.get(k, {}).get("R@10") is not None]
    if simpler:
        said = " and ".join(f"{name} for {per_hundred(value)}" for name, value in simpler)
        sentences.append(f"For comparison, the top 10 holds it with {said} of 100.")
    changes = {c: v["R@10"] for c, v in composed.get("by_change", {}).items() if v.get("R@10") is not None}
    if changes:
        hardest = min(changes, key=changes.get)
        sentences.append(
            f"Hardest kind of change: {hardest.replace('_', ' ')} ({per_hundred(changes[hardest])} of 100)."
        )
    if composed.get("n"):
        sentences.append(
            f"Measured on {composed['n']:,} test requests built from products the model never trained on."
        )
    return sentences


def _minutes(seconds: float) -> str:
    return "under a minute" if seconds < 60 else f"{round(seconds / 60)} min"


def retrain_estimate() -> str:
    """How long a retraining takes on this machine, from the last finished runs (training and
    embedding, queue to ready); a sentence for the Retrain confirmation."""
    runs = (
        ModelVersion.objects.filter(status__in=FINISHED, started_at__isnull=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:RUNS_FOR_ESTIMATE]
    )
    seconds = [(finished - started).total_seconds() for started, finished in runs]
    if not seconds:
        return (
            "No run has finished on this machine yet, so there is nothing to go by: the first one also "
            "reads every product photo once, which takes longest."
        )
    typical = sorted(seconds)[len(seconds) // 2]
    each = ", ".join(_minutes(s) for s in seconds)
    runs_said = "the last run" if len(seconds) == 1 else f"the last {len(seconds)} runs"
    return f"About {_minutes(typical)} on this machine ({runs_said}: {each})."


def metrics_rows(metrics: dict) -> list[dict]:
    """One row per method measured on val: name, R@1, R@10, R@50 (formatted)."""
    val = (metrics or {}).get("val", {})
    rows = []
    for key, name in METHODS:
        if key in val:
            r1, r10, r50 = (recall(val[key].get(k)) for k in KS)
            rows.append({"key": key, "name": name, "r1": r1, "r10": r10, "r50": r50})
    return rows


def change_rows(metrics: dict) -> tuple[list[str], list[dict]]:
    """R@10 per kind of change (colour, pattern, …): the columns (methods), one row per change."""
    val = (metrics or {}).get("val", {})
    methods = [key for key, _ in METHODS[:3] if key in val]
    changes = sorted(val.get("composed", {}).get("by_change", {}))
    rows = []
    for change in changes:
        cells = [recall(val[m].get("by_change", {}).get(change, {}).get("R@10")) for m in methods]
        n = val["composed"]["by_change"][change].get("n")
        rows.append({"change": change.replace("_", " "), "n": n, "cells": cells})
    names = dict(METHODS)
    return [names[m] for m in methods], rows


@dataclass(frozen=True)
class Plot:
    """An SVG line chart of val R@10 per epoch with the baselines as flat lines."""

    width: int
    height: int
    points: str  # "x,y x,y …" of the model's curve
    dots: list[tuple[float, float, str]]  # (x, y, tooltip)
    baselines: list[tuple[str, float, str]]  # (name, y, value)
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    left: int = 56  # where the plot area starts (the y axis' ticks and label are left of it)
    y_label: str = "found in the top 10, of 100 requests"
    x_label: str = "training round (epoch)"


def recall_plot(metrics: dict, width: int = 420, height: int = 220) -> Plot | None:
    history = [h for h in (metrics or {}).get("history", []) if h.get("val_R@10") is not None]
    if not history:
        return None
    val = metrics.get("val", {})
    baselines = {k: val[k]["R@10"] for k in BASELINES_PLOTTED if val.get(k, {}).get("R@10") is not None}
    values = [h["val_R@10"] for h in history] + list(baselines.values())
    low = max(0.0, min(values) - 0.05)
    high = min(1.0, max(values) + 0.05)
    left, right, top, bottom = 56, 12, 10, 42

    def x(i: int) -> float:
        return left + (width - left - right) * (i / max(len(history) - 1, 1))

    def y(value: float) -> float:
        return round(top + (height - top - bottom) * (1 - (value - low) / max(high - low, 1e-9)), 1)

    dots = [(round(x(i), 1), y(h["val_R@10"]), f"round {h['epoch']}: {per_hundred(h['val_R@10'])} of 100")
            for i, h in enumerate(history)]  # fmt: skip
    names = dict(METHODS)
    return Plot(
        width=width,
        height=height,
        points=" ".join(f"{dx},{dy}" for dx, dy, _ in dots),
        dots=dots,
        baselines=[(names[k], y(v), str(per_hundred(v))) for k, v in baselines.items()],
        y_ticks=[(y(v), str(per_hundred(v))) for v in (low + (high - low) * t / 4 for t in range(5))],
        x_ticks=[(round(x(i), 1), str(h["epoch"])) for i, h in enumerate(history)],
        left=left,
    )
