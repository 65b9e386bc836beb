"""Staff tools: retrain, watch progress and metrics, activate or roll back a model version."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from recommender import services, versions
from recommender.models import ModelVersion


def _recall(metrics: dict, method: str) -> float | None:
    return (metrics or {}).get("val", {}).get(method, {}).get("R@10")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    change_list_template = "admin/recommender/modelversion/change_list.html"
    list_display = ["name", "status_badge", "progress_bar", "recall_vs_baselines", "created_by", "created_at",
                    "activated_at"]  # fmt: skip
    list_filter = ["status"]
    actions = ["activate_selected"]
    readonly_fields = [
        "status", "progress", "progress_message", "error", "metrics", "config", "checkpoint_path",
        "activate_when_ready", "task_id", "created_by", "created_at", "updated_at", "started_at",
        "finished_at", "activated_at",
    ]  # fmt: skip

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
        return format_html('<span class="mv-status mv-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description="progress")
    def progress_bar(self, obj: ModelVersion) -> str:
        if not obj.is_running:
            return obj.progress_message or "—"
        return format_html(
            '<progress max="100" value="{}"></progress> {}', int(obj.progress * 100), obj.progress_message
        )

    @admin.display(description="val R@10: model / image only / seed")
    def recall_vs_baselines(self, obj: ModelVersion) -> str:
        values = [_recall(obj.metrics, m) for m in ("composed", "image_only", "seed")]
        if values[0] is None:
            return "—"
        return " / ".join("—" if v is None else f"{v:.3f}" for v in values)

    @admin.action(description="Activate the selected version (the current one is retired)")
    def activate_selected(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        try:
            version = versions.activate(queryset.get())
        except versions.PipelineError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{version.name} is now serving shoppers.", messages.SUCCESS)

    def get_urls(self):
        custom = [
            path("retrain/", self.admin_site.admin_view(self.retrain_view), name="recommender_retrain"),
            path("rollback/", self.admin_site.admin_view(self.rollback_view), name="recommender_rollback"),
        ]
        return custom + super().get_urls()

    def _back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:recommender_modelversion_changelist"))

    def retrain_view(self, request: HttpRequest):
        if request.method != "POST" or not self.has_change_permission(request):
            return self._back()
        try:
            version = services.start_retrain(user=request.user)
        except versions.AlreadyRunning as exc:
            self.message_user(request, str(exc), messages.WARNING)
        except services.QueueUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, f"{version.name} queued: training, then embedding the catalog.", messages.SUCCESS
            )
        return self._back()

    def rollback_view(self, request: HttpRequest):
        if request.method != "POST" or not self.has_change_permission(request):
            return self._back()
        try:
            version = versions.rollback()
        except versions.PipelineError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Rolled back: {version.name} is serving again.", messages.SUCCESS)
        return self._back()

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "running": ModelVersion.objects.filter(status__in=ModelVersion.RUNNING).first(),
            "active": ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first(),
        }
        return super().changelist_view(request, extra_context)
