"""The shop's part of /api/v1/ (mounted by config/urls.py). Names are prefixed with ``api-``."""

from django.urls import path

from shop.api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-auth-token"),
    path("products/", views.ProductListView.as_view(), name="api-product-list"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="api-product-detail"),
    path("me/purchases/", views.PurchaseListView.as_view(), name="api-purchase-list"),
    path("orders/", views.OrderListView.as_view(), name="api-order-list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="api-order-detail"),
]
