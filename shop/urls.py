from django.urls import path

from shop import views

app_name = "shop"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("products/<int:pk>/", views.product_detail, name="product"),
    path("search/suggestions/", views.search_suggestions, name="search_suggestions"),
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/<int:pk>/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/address/", views.checkout_address, name="checkout_address"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<int:pk>/placed/", views.order_placed, name="order_placed"),
    path("purchases/", views.purchases, name="purchases"),
]
