"""Shared by the shop's tests: a delivery address for the checkout's first step."""

ADDRESS = {
    "name": "Asha Rao", "line1": "12 MG Road", "line2": "", "city": "Bengaluru", "postcode": "560001",
    "phone": "+91 98450 12345", "email": "asha@example.com",
}  # fmt: skip


def give_address(client, **changes) -> object:
    """Post the checkout's address step (the cart must hold something)."""
    return client.post("/checkout/address/", {**ADDRESS, **changes})
