"""Storefront forms: add to cart, remove from cart, the checkout address, sign up."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from shop.models import Product
from shop.services import MAX_QUANTITY_PER_LINE, Shipping


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


class AddressForm(forms.Form):
    """Where the order goes; payment is on delivery, so this is all checkout asks."""

    name = forms.CharField(label="Full name", max_length=120)
    line1 = forms.CharField(label="Address", max_length=200, help_text="House, street, area")
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100)
    postcode = forms.RegexField(
        label="PIN code", regex=r"^[1-9][0-9]{5}$", error_messages={"invalid": "Enter a 6-digit PIN code."}
    )
    phone = forms.RegexField(
        regex=r"^\+?[0-9][0-9 ]{8,15}$",
        max_length=20,
        help_text="For the delivery person",
        error_messages={"invalid": "Enter a phone number of 10 to 15 digits."},
    )
    email = forms.EmailField(help_text="Where we send the confirmation")

    def shipping(self) -> Shipping:
        data = self.cleaned_data
        return Shipping(**{name: data[name].strip() for name in self.fields})


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)
