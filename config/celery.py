"""Celery application: `default` queue for small tasks, `gpu` queue for training and bulk embedding."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fashionstore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
