"""Storefront forms: add to cart, remove from cart, the checkout address, sign up, log in."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from shop.cart import Cart
from shop.models import Product
from shop.security import credential_problems
from shop.services import MAX_QUANTITY_PER_LINE, Shipping


class AddToCartForm(forms.Form):
    """A size and a quantity of one product. With `cart`, what that cart holds of the size counts
    against its stock too (two adds of 2 when 3 are left are refused the second time)."""

    size = forms.CharField(max_length=20, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY_PER_LINE, initial=1)

    def __init__(self, *args, product: Product, cart: Cart | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.cart = cart
        self.sizes = list(product.sizes.all())

    def in_cart(self, label: str) -> int:
        """How many of this size the cart already holds (0 without a cart)."""
        return self.cart.quantity(self.product.pk, label) if self.cart is not None else 0

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
        already = self.in_cart(label) if size is not None else 0
        if size is not None and quantity and already + quantity > size.stock:
            in_cart = f" ({already} in your cart already)" if already else ""
            self.add_error("quantity", f"Only {size.stock} left in size {label}{in_cart}.")
        return cleaned


class CartQuantityForm(AddToCartForm):
    """A new quantity for a line of the cart: the line must be there, and its size have the stock."""

    def in_cart(self, label: str) -> int:
        return 0  # the quantity replaces the line's, it does not add to it

    def clean(self):
        cleaned = super().clean()
        size = cleaned.get("size")
        if size is not None and self.cart is not None and not self.cart.quantity(self.product.pk, size):
            raise forms.ValidationError("That item is not in your cart.")
        return cleaned


class RemoveFromCartForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    size = forms.CharField(max_length=20, required=False)


def _text(autocomplete: str, **attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


class AddressForm(forms.Form):
    """Where the order goes; payment is on delivery, so this is all checkout asks.

    Each field names its autocomplete token (browsers fill the address in) and its keyboard
    (a phone opens digits for the PIN code and a dial pad for the phone number)."""

    name = forms.CharField(label="Full name", max_length=120, widget=_text("name"))
    line1 = forms.CharField(
        label="Address", max_length=200, help_text="House, street, area", widget=_text("address-line1")
    )
    line2 = forms.CharField(
        label="Address line 2", max_length=200, required=False, widget=_text("address-line2")
    )
    city = forms.CharField(max_length=100, widget=_text("address-level2"))
    postcode = forms.RegexField(
        label="PIN code",
        regex=r"^[1-9][0-9]{5}$",
        max_length=6,
        error_messages={"invalid": "Enter a 6-digit PIN code."},
        widget=_text("postal-code", inputmode="numeric"),
    )
    phone = forms.RegexField(
        regex=r"^\+?[0-9][0-9 ]{8,15}$",
        max_length=20,
        help_text="For the delivery person",
        error_messages={"invalid": "Enter a phone number of 10 to 15 digits."},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        help_text="Where we send the confirmation", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def shipping(self) -> Shipping:
        data = self.cleaned_data
        return Shipping(**{name: data[name].strip() for name in self.fields})


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a username or password that no query or hasher can take
    (over 150 characters, NUL, lone surrogates) as the field's error, before authenticate() and
    so the lockout's records see it: Django gives the username field a maxlength for the
    browser but no validator, and a username over 255 characters failed the lockout's insert."""

    def clean_username(self) -> str:
        return self._checked("username")

    def clean_password(self) -> str:
        return self._checked("password")

    def _checked(self, name: str) -> str:
        value = self.cleaned_data[name]
        problems = credential_problems({name: value}).get(name)
        if problems:
            raise forms.ValidationError(problems)
        return value
