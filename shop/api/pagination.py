from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from shop.params import MAX_ID, ParamError, parse_int


class StorePagination(PageNumberPagination):
    """Page-number pagination reporting `count`; a bad page or page_size is a 400, not a 404."""

    page_size = settings.PRODUCTS_PER_PAGE
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            return parse_int(raw, self.page_size_query_param, minimum=1, maximum=self.max_page_size)
        except ParamError as exc:
            raise ValidationError({exc.name: exc.message}) from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            parse_int(request.query_params.get(self.page_query_param, "1"), "page", minimum=1, maximum=MAX_ID)
        except ParamError as exc:
            raise ValidationError({exc.name: exc.message}) from None
        return super().paginate_queryset(queryset, request, view)
