from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """pgvector must exist before any vector column; the embedded server and the pgvector image ship it."""

    initial = True
    dependencies: list = []
    operations = [VectorExtension()]
