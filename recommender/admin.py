"""Staff tools: retrain (optionally waiting for review), watch progress and metrics, review a
candidate against the serving version, activate, discard or roll back a model version.

Model versions are records of runs: read only, with no Save buttons; every change is one of
the buttons here, each a POST that redirects back (post/redirect/get).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from recommender.lifecycle import dashboard, retrain, review, versions
from recommender.models import ModelVersion


def _recall(metrics: dict, method: str) -> float | None:
    return (metrics or {}).get("val", {}).get(method, {}).get("R@10")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    change_list_template = "admin/recommender/modelversion/change_list.html"
    change_form_template = "admin/recommender/modelversion/change_form.html"
    list_display = ["name", "status_badge", "progress_bar", "recall_vs_baselines", "history"]
    list_filter = ["status"]
    actions = ["activate_selected"]
    # What a store owner reads first; the engineer's fields (paths, task ids, workers) under "Details".
    fieldsets = [
        (None, {"fields": ["status", "progress_message", "error", "activate_when_ready", "created_by",
                           "created_at", "activated_at"]}),
        ("Details", {"classes": ["collapse"], "fields": ["checkpoint_path", "task_id", "worker",
                                                         "attempts", "config", "started_at", "finished_at",
                                                         "updated_at"]}),
    ]  # fmt: skip
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from the Retrain button, with a trained checkpoint

    def has_delete_permission(self, request: HttpRequest, obj: ModelVersion | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or (obj.status != ModelVersion.Status.ACTIVE and not obj.is_running))

    def delete_model(self, request: HttpRequest, obj: ModelVersion) -> None:
        versions.delete_version(obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for version in queryset:
            try:
                versions.delete_version(version)
            except versions.PipelineError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    @admin.display(description="version")
    def name(self, obj: ModelVersion) -> str:
        return obj.name

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: ModelVersion) -> str:
        ready = obj.status == ModelVersion.Status.READY
        label = "ready for review" if ready else obj.get_status_display()
        return format_html('<span class="mv-status mv-{}">{}</span>', obj.status, label)

    @admin.display(description="progress")
    def progress_bar(self, obj: ModelVersion) -> str:
        if not obj.is_running:
            return obj.progress_message or "—"
        run = dashboard.run_progress(obj, timezone.now())
        return format_html(
            '<div class="mv-progress"><progress max="100" value="{}">{}%</progress>'
            '<span class="mv-stage">{} {}</span><span class="mv-detail">{}</span>'
            '<span class="mv-left">{}</span></div>',
            run.percent, run.percent, run.stage, f"{run.percent}%", run.detail, run.time_left,
        )  # fmt: skip

    @admin.display(description="finds it in the top 10 (of 100 test requests)")
    def recall_vs_baselines(self, obj: ModelVersion) -> str:
        model, picture, prototype = (_recall(obj.metrics, m) for m in ("composed", "image_only", "seed"))
        if model is None:
            return "—"
        simpler = [f"{name}: {dashboard.per_hundred(v)}" for name, v in (("picture only", picture),
                   ("first prototype", prototype)) if v is not None]  # fmt: skip
        return format_html(
            "<strong>{}</strong> <span class='mv-detail'>{}</span><br><span class='mv-detail'>R@10 {}</span>",
            dashboard.per_hundred(model), f"({', '.join(simpler)})" if simpler else "",
            " / ".join(dashboard.recall(v) for v in (model, picture, prototype)),
        )  # fmt: skip

    @admin.display(description="created / served", ordering="created_at")
    def history(self, obj: ModelVersion) -> str:
        created = f"{timezone.localtime(obj.created_at):%d %b %H:%M}"
        by = f" by {obj.created_by}" if obj.created_by else ""
        served = f"{timezone.localtime(obj.activated_at):%d %b %H:%M}" if obj.activated_at else "never served"
        return format_html("{}{}<br><span class='mv-detail'>{}</span>", created, by, served)

    @admin.action(description="Activate the selected version (the current one is retired)")
    def activate_selected(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        self._activate(request, queryset.get())

    def _activate(self, request: HttpRequest, version: ModelVersion) -> None:
        try:
            version = versions.activate(version)
        except versions.PipelineError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{version.name} is now serving shoppers.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        custom = [
            path("retrain/", view(self.retrain_view), name="recommender_retrain"),
            path("rollback/", view(self.rollback_view), name="recommender_rollback"),
            path("<int:pk>/activate/", view(self.activate_view), name="recommender_activate"),
            path("<int:pk>/discard/", view(self.discard_view), name="recommender_discard"),
        ]
        return custom + super().get_urls()

    def _back(self, version: ModelVersion | None = None) -> HttpResponseRedirect:
        if version is not None:
            return HttpResponseRedirect(reverse("admin:recommender_modelversion_change", args=[version.pk]))
        return HttpResponseRedirect(reverse("admin:recommender_modelversion_changelist"))

    def _may_change(self, request: HttpRequest) -> bool:
        return request.method == "POST" and self.has_change_permission(request)

    def retrain_view(self, request: HttpRequest):
        """GET: what retraining does and how long it takes here, to confirm; POST: queue it."""
        if request.method == "GET" and self.has_change_permission(request):
            return self._retrain_confirmation(request)
        if not self._may_change(request):
            return self._back()
        review_first = request.POST.get("review") == "1"
        try:
            version = retrain.start_retrain(user=request.user, activate_when_ready=not review_first)
        except versions.AlreadyRunning as exc:
            self.message_user(request, str(exc), messages.WARNING)
        except retrain.QueueUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            then = "it waits for your review" if review_first else "it serves as soon as it is ready"
            message = f"{version.name} queued: training, then embedding the catalog; {then}."
            self.message_user(request, message, messages.SUCCESS)
        return self._back()

    def _retrain_confirmation(self, request: HttpRequest) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Retrain the model?",
            "estimate": dashboard.retrain_estimate(),
            "serving": ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first(),
            "running": ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).first(),
        }
        return TemplateResponse(request, "admin/recommender/modelversion/retrain_confirm.html", context)

    def rollback_view(self, request: HttpRequest):
        if not self._may_change(request):
            return self._back()
        try:
            version = versions.rollback()
        except versions.PipelineError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Rolled back: {version.name} is serving again.", messages.SUCCESS)
        return self._back()

    def activate_view(self, request: HttpRequest, pk: int):
        version = get_object_or_404(ModelVersion, pk=pk)
        if self._may_change(request):
            self._activate(request, version)
        return self._back()

    def discard_view(self, request: HttpRequest, pk: int):
        version = get_object_or_404(ModelVersion, pk=pk)
        if not (request.method == "POST" and self.has_delete_permission(request, version)):
            self.message_user(request, f"{version.name} cannot be discarded now.", messages.ERROR)
            return self._back(version)
        versions.delete_version(version)
        message = f"{version.name} discarded: its vectors and checkpoint are gone."
        self.message_user(request, message, messages.SUCCESS)
        return self._back()

    def changelist_view(self, request: HttpRequest, extra_context=None):
        active = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
        extra_context = {
            **(extra_context or {}),
            "running": ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).first(),
            "active": active,
            "active_recall": dashboard.recall(active.val_recall_at_10) if active else "",
            "active_top10": dashboard.per_hundred(active.val_recall_at_10 or 0) if active else "",
            "previous": versions.previous_version(),
            "awaiting_review": ModelVersion.objects.filter(status=ModelVersion.Status.READY),
            "title": "Model versions",
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        version = self.get_object(request, object_id)
        extra = {
            "title": "Model version",
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        if version is not None:
            extra.update(self._version_context(version))
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _version_context(self, version: ModelVersion) -> dict:
        """Progress, metrics, plot, and the side-by-side review against the serving version."""
        active = ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()
        comparisons = []
        if active is not None and active.pk != version.pk and review.can_review(version):
            comparisons = review.compare(version, active)
        change_methods, change_rows = dashboard.change_rows(version.metrics)
        # In words, beside the serving version (or, for the serving one, the one before it).
        other, role = (active, "serving now") if active is not None and active.pk != version.pk else (
            versions.previous_version(), "the previous version")  # fmt: skip
        return {
            "in_words": dashboard.in_words(version, other, role),
            "worse": [c for c in comparisons if c.worse],
            "version": version,
            "run": dashboard.run_progress(version, timezone.now()) if version.is_running else None,
            "metrics_rows": dashboard.metrics_rows(version.metrics),
            "change_methods": change_methods,
            "change_rows": change_rows,
            "plot": dashboard.recall_plot(version.metrics),
            "serving": active,
            "comparisons": comparisons,
            "can_activate": review.can_review(version),
            "can_discard": version.status != ModelVersion.Status.ACTIVE and not version.is_running,
        }
