"""Client addresses behind a proxy (NUM_PROXIES), and a lockout nobody can turn against a user:
request rates and the failed-login lockout both count the address the trusted proxy saw; what a
client writes into X-Forwarded-For itself neither escapes the rate nor picks the locked address.
Real Redis counters and django-axes rows in the real database."""

import json
import secrets

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from shop.security import client_ip
from tests.api.conftest import assert_json_error
from tests.api.test_limits import fresh_address

pytestmark = pytest.mark.django_db
PROXY = "172.18.0.5"  # the TLS proxy in front: every request arrives from it


def via_proxy(client_address: str, spoofed: str = "") -> dict:
    """What the app sees of a request the proxy passed on: the proxy appends the address it was
    reached from to whatever X-Forwarded-For the client sent."""
    header = f"{spoofed}, {client_address}" if spoofed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": header}


def token(client: Client, username: str, password: str, **extra):
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/v1/auth/token/", body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy: the header is the client's
        (1, PROXY, "198.51.100.1", "198.51.100.1"),
        (1, PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # spoofed part on the left: ignored
        (2, PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, PROXY, "198.51.100.1", PROXY),  # did not pass both proxies: the proxy's own address
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_proxies_in_front(proxies, remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(NUM_PROXIES=proxies):
        assert client_ip(request) == expected


def test_without_a_proxy_a_spoofed_forwarded_for_does_not_escape_the_login_rate():
    client = Client(REMOTE_ADDR=fresh_address())
    with override_settings(API_RATES={**settings.API_RATES, "login.anon": "3/min"}):
        statuses = [
            token(client, f"nobody{i}", "x", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code for i in range(5)
        ]
    assert statuses == [400, 400, 400, 429, 429]


@override_settings(NUM_PROXIES=1)
def test_behind_the_proxy_the_rate_is_per_client_and_spoofing_changes_nothing():
    attacker, shopper = fresh_address(), fresh_address()
    client = Client()
    with override_settings(API_RATES={**settings.API_RATES, "login.anon": "3/min"}):
        statuses = [
            token(client, f"nobody{i}", "x", **via_proxy(attacker, spoofed=f"10.9.{i}.1")).status_code
            for i in range(5)
        ]
        other = token(client, "nobody", "x", **via_proxy(shopper)).status_code
    assert statuses == [400, 400, 400, 429, 429] and other == 400  # the proxy's other clients pass


@override_settings(NUM_PROXIES=1, AXES_FAILURE_LIMIT=5)
def test_fifty_failures_for_admin_from_one_client_do_not_lock_admin_out_elsewhere(django_user_model):
    django_user_model.objects.create_user("admin-x", password="right-password-1", is_staff=True)
    attacker, admin_desk = fresh_address(), fresh_address()
    client = Client()
    statuses = {token(client, "admin-x", "wrong", **via_proxy(attacker)).status_code for _ in range(50)}
    assert statuses == {400, 429}  # 400 until the 5th failure, then locked
    assert_json_error(token(client, "admin-x", "right-password-1", **via_proxy(attacker)), 429)
    # The attacker cannot pick the address to lock, nor unlock theirs, by writing the header.
    spoofed = token(client, "admin-x", "right-password-1", **via_proxy(attacker, spoofed=admin_desk))
    assert_json_error(spoofed, 429)
    assert token(client, "admin-x", "right-password-1", **via_proxy(admin_desk)).status_code == 200


@override_settings(NUM_PROXIES=1, AXES_FAILURE_LIMIT=3)
def test_the_page_login_lockout_is_per_client_behind_the_proxy(django_user_model):
    django_user_model.objects.create_user("page-user", password="right-password-1")
    attacker, shopper = fresh_address(), fresh_address()
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/", {"username": "page-user", "password": "x"}, **via_proxy(attacker))
    locked = client.post(
        "/accounts/login/", {"username": "page-user", "password": "right-password-1"}, **via_proxy(attacker)
    )
    assert locked.status_code == 429
    shopper_login = Client().post(
        "/accounts/login/", {"username": "page-user", "password": "right-password-1"}, **via_proxy(shopper)
    )
    assert shopper_login.status_code == 302


def test_the_login_page_counts_the_same_rate_per_address_for_any_usernames():
    client = Client(REMOTE_ADDR=fresh_address())
    with override_settings(API_RATES={**settings.API_RATES, "login.anon": "3/min"}):
        statuses = [
            client.post("/accounts/login/", {"username": f"guess-{secrets.token_hex(4)}", "password": "x"})
            for _ in range(3)
        ] + [token(client, "another-guess", "x")]
        page = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]  # the form again, with its error
    assert_json_error(statuses[3], 429)  # the 4th try from that address, whichever door
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
