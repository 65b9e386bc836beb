"""Signals other apps may listen to; the shop itself knows nothing of who listens."""

from django.dispatch import Signal

# Sent after import_catalog wrote products in bulk (bulk writes send no post_save).
# Arguments: product_ids (list[int]).
products_imported = Signal()
