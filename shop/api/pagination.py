from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StorePagination(PageNumberPagination):
    """Page-number pagination reporting `count`; a bad page or page_size is a 400, not a 404."""

    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": f"'{raw}' is not an integer."}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": f"must be between 1 and {self.max_page_size}."})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page": f"'{raw}' is not a page number (1, 2, ...)."})
        return super().paginate_queryset(queryset, request, view)
