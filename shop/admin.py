"""Admin for the catalog and orders. Users stay on Django's default admin."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from shop.models import Order, OrderLine, Product, ProductSize
from shop.params import is_id


def _with_id_search(request, fields: tuple[str, ...]) -> tuple[str, ...]:
    """Search by exact id too, but only when the search term is a number (else Postgres errors)."""
    term = request.GET.get("q", "").strip()
    return ("=id", *fields) if is_id(term) else fields


class ProductSizeInline(admin.TabularInline):
    model = ProductSize
    extra = 0
    fields = ("label", "stock", "position")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail", "id", "name", "brand", "gender", "article_type", "base_colour", "price",
        "discounted_price", "split", "is_active",
    )  # fmt: skip
    list_display_links = ("thumbnail", "id", "name")
    list_filter = ("gender", "article_type", "master_category", "split", "is_active")
    list_editable = ("is_active",)
    search_fields = ("name", "brand")  # and the id, when the search is a number
    list_per_page = 50
    readonly_fields = ("preview", "created_at", "updated_at")
    inlines = [ProductSizeInline]

    class Media:
        css = {"all": ("shop/admin.css",)}  # styles in a file: the CSP allows no style attributes

    fieldsets = (
        (None, {"fields": ("name", "brand", "gender", "age_group", "is_active")}),
        ("Category", {"fields": ("master_category", "sub_category", "article_type", "usage", "season")}),
        ("Colours", {"fields": ("base_colour", "colour1", "colour2")}),
        ("Attributes", {"fields": ("attributes", "description")}),
        ("Price", {"fields": ("price", "discounted_price")}),
        ("Image", {"fields": ("image", "preview")}),
        ("Catalog", {"fields": ("year", "split", "created_at", "updated_at")}),
    )

    def get_search_fields(self, request):
        return _with_id_search(request, ("name", "brand"))

    @admin.display(description="Image")
    def thumbnail(self, obj: Product):
        if not obj.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" class="product-thumb" width="48" height="48">',
            obj.image.url,
        )

    @admin.display(description="Preview")
    def preview(self, obj: Product):
        if not obj.image:
            return "—"
        return format_html('<img src="{}" alt="" width="224" height="224">', obj.image.url)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product", "size", "quantity", "unit_price", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description="Line total")
    def line_total(self, obj: OrderLine):
        return obj.line_total


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "status", "total", "line_count", "created_at")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created_at"
    readonly_fields = ("user", "total", "created_at")
    fields = ("user", "status", "total", "created_at")
    list_select_related = ("user",)
    inlines = [OrderLineInline]

    def get_search_fields(self, request):
        return _with_id_search(request, self.search_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_lines=Count("lines"))

    @admin.display(description="Lines", ordering="n_lines")
    def line_count(self, obj: Order) -> int:
        return obj.n_lines
