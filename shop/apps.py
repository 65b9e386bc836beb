from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Store"

    def ready(self) -> None:
        from shop import receivers  # noqa: F401  (merges the saved cart at login)
