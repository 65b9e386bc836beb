"""Model versions (one trained checkpoint each) and their product vectors in pgvector."""

from django.conf import settings
from django.db import models
from pgvector.django import VectorField

from shop.models import Product

EMBEDDING_DIM = 256


class ModelVersion(models.Model):
    """One run of the train -> embed pipeline and the checkpoint it produced.

    Life cycle: queued -> training -> embedding -> ready -> active -> retired (and back to
    active on rollback); any step may end in failed. Exactly one version is active (a partial
    unique index enforces it) and a failed run never touches the active one.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        TRAINING = "training"
        EMBEDDING = "embedding"
        READY = "ready"
        ACTIVE = "active"
        FAILED = "failed"
        RETIRED = "retired"

    RUNNING = (Status.QUEUED, Status.TRAINING, Status.EMBEDDING)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    config = models.JSONField(default=dict, blank=True, help_text="ml TrainConfig overrides")
    checkpoint_path = models.CharField(max_length=500, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    # Progress, written by recommender.lifecycle.versions.record_progress and read as fields (never parsed
    # back from the message, which is only shown).
    progress = models.FloatField(default=0.0, help_text="0..1 within the current stage")
    progress_message = models.CharField(max_length=200, blank=True)
    stage = models.CharField(
        max_length=20, blank=True, help_text="features, training, reader, embedding or indexing"
    )
    epoch = models.PositiveIntegerField(null=True, blank=True, help_text="the training epoch (from 1)")
    epochs = models.PositiveIntegerField(null=True, blank=True)
    step = models.PositiveIntegerField(null=True, blank=True, help_text="steps (or items) of the stage done")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="steps (or items) the stage has")
    stage_started_at = models.DateTimeField(null=True, blank=True)
    eta = models.DateTimeField(null=True, blank=True, help_text="when the stage should end, at its pace")
    error = models.TextField(blank=True)
    activate_when_ready = models.BooleanField(default=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(
        max_length=200, blank=True, help_text="the Celery worker running the current step"
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="starts of the current step")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="the running step's heartbeat")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="active"),
                name="exactly_one_active_model_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def name(self) -> str:
        return f"v{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def val_recall_at_10(self) -> float | None:
        value = (self.metrics or {}).get("val", {}).get("composed", {}).get("R@10")
        return float(value) if value is not None else None


class ProductEmbedding(models.Model):
    """A product's vector under one model version.

    Each version gets its own partial HNSW index (``embedding_hnsw_v<id>``, built when its
    vectors are complete), so a query for the active version walks an index of exactly its
    rows and filters stay cheap with pgvector's iterative scan.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="embeddings")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="embeddings")
    embedding = VectorField(dimensions=EMBEDDING_DIM)
    # The product's gender and article type as of the vector's write (a product's edit rewrites
    # its vector): the conditions of the per-gender and per-type partial HNSW indexes a large
    # version gets (recommender.serving.vectors).
    gender = models.CharField(max_length=10, blank=True, db_default="")
    article_type = models.CharField(max_length=60, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "product"], name="one_vector_per_product_version"
            )
        ]
        # A filter's vectors, found without the graph: how many there are (recommender.serving.vectors
        # decides from it to compare them one by one) and which, for that exact scan.
        indexes = [
            models.Index(
                fields=["model_version", "article_type", "gender"], name="embedding_version_type_gender"
            )
        ]

    def __str__(self) -> str:
        return f"product {self.product_id} @ v{self.model_version_id}"


class EmbeddingChunk(models.Model):
    """A slice of the catalog (consecutive product ids) that one worker embeds for a version.

    A version's embedding is planned as chunks; any worker claims one that is not done and that no
    live worker holds, writes its vectors batch by batch (each batch with the chunk's count, in one
    transaction), and marks it done. Once every chunk is done the version is indexed and activated
    (recommender.lifecycle.training). `updated_at` is the holder's heartbeat: a silent holder's chunk is
    taken over and resumes from the vectors already written.
    """

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_product_id = models.BigIntegerField()
    last_product_id = models.BigIntegerField()
    products = models.PositiveIntegerField(help_text="products planned in this chunk")
    embedded = models.PositiveIntegerField(default=0, help_text="products embedded (or skipped) so far")
    skipped = models.JSONField(default=list, blank=True, help_text="ids whose image could not be read")
    worker = models.CharField(max_length=200, blank=True, help_text="the worker process holding it")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="claims of this chunk")
    done = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True, help_text="the holder's heartbeat")

    class Meta:
        ordering = ["model_version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "number"], name="one_chunk_per_number")
        ]

    def __str__(self) -> str:
        return f"v{self.model_version_id} chunk {self.number}"
