"""Storefront forms: add to cart, remove from cart, sign up."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from shop.models import Product
from shop.services import MAX_QUANTITY_PER_LINE


class AddToCartForm(forms.Form):
    size = forms.CharField(max_length=20, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY_PER_LINE, initial=1)

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.sizes = list(product.sizes.all())

    def clean_size(self) -> str:
        label = (self.cleaned_data.get("size") or "").strip()
        if not self.sizes:
            if label:
                raise forms.ValidationError("This product comes in one size only.")
            return ""
        size = next((s for s in self.sizes if s.label == label), None)
        if size is None:
            raise forms.ValidationError("Please choose a size.")
        if not size.in_stock:
            raise forms.ValidationError(f"Size {label} is sold out.")
        return label

    def clean(self):
        cleaned = super().clean()
        label, quantity = cleaned.get("size"), cleaned.get("quantity")
        size = next((s for s in self.sizes if s.label == label), None)
        if size is not None and quantity and quantity > size.stock:
            self.add_error("quantity", f"Only {size.stock} left in size {label}.")
        return cleaned


class RemoveFromCartForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    size = forms.CharField(max_length=20, required=False)


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)
