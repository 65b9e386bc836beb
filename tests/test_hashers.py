"""The store's password hasher: Django's PBKDF2 unchanged (same strength, same stored form), with at
most PASSWORD_HASHING_CONCURRENCY hashes at once per process, so a crowd of logins queues instead
of holding every core while the pages wait (config/hashers.py)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import hashers as django_hashers
from django.test import override_settings

from config.hashers import QueuedPBKDF2PasswordHasher

STORE_HASHERS = {"PASSWORD_HASHERS": ["config.hashers.QueuedPBKDF2PasswordHasher"]}


def test_the_hash_is_djangos_pbkdf2_at_full_strength():
    """Same algorithm name and iterations as Django's own, and the same stored form, so the
    passwords stored before verify unchanged and nothing is weaker."""
    queued, plain = QueuedPBKDF2PasswordHasher(), django_hashers.PBKDF2PasswordHasher()
    assert queued.algorithm == plain.algorithm == "pbkdf2_sha256"
    assert queued.iterations == plain.iterations >= 1_000_000
    stored = plain.encode("a-long-test-password-42", "salt1234salt", iterations=1000)
    assert queued.encode("a-long-test-password-42", "salt1234salt", iterations=1000) == stored
    assert queued.verify("a-long-test-password-42", stored)
    assert not queued.verify("another-password", stored)


def test_the_base_settings_hash_new_passwords_with_it_and_check_old_ones_with_it():
    """In config.settings.base it is the default hasher and the one that checks pbkdf2_sha256
    passwords (Django's own, the same name, is not listed: the last one listed would check them)."""
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "config.hashers.QueuedPBKDF2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" not in base.PASSWORD_HASHERS
    assert base.PASSWORD_HASHING_CONCURRENCY == 1
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        stored = django_hashers.PBKDF2PasswordHasher().encode("a-long-test-password-42", "s4ltS4lt", 1000)
        assert isinstance(django_hashers.identify_hasher(stored), QueuedPBKDF2PasswordHasher)
        assert django_hashers.check_password("a-long-test-password-42", stored)
        assert isinstance(django_hashers.get_hasher(), QueuedPBKDF2PasswordHasher)


def most_hashes_at_once(monkeypatch, hashes: int) -> int:
    """Hash `hashes` passwords on as many threads at once; the most that hashed at the same time
    (each hash made to take 50 ms)."""
    running, most, lock = 0, 0, threading.Lock()
    real = django_hashers.pbkdf2

    def slow_pbkdf2(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(django_hashers, "pbkdf2", slow_pbkdf2)
    hasher = QueuedPBKDF2PasswordHasher()
    with ThreadPoolExecutor(hashes) as pool:
        encoded = list(pool.map(lambda n: hasher.encode(f"password-{n}", "salt1234", 1000), range(hashes)))
    assert all(hasher.verify(f"password-{n}", e) for n, e in enumerate(encoded))  # each hash is right
    return most


@pytest.mark.parametrize("limit, expected", [(1, 1), (2, 2), (0, 6)])
def test_a_process_computes_at_most_the_set_number_of_hashes_at_once(monkeypatch, limit, expected):
    """6 logins at once: with a limit they take turns (the others wait for a slot); 0 is no bound."""
    with override_settings(PASSWORD_HASHING_CONCURRENCY=limit):
        assert most_hashes_at_once(monkeypatch, 6) == expected


@pytest.mark.django_db
def test_logins_known_or_not_go_through_the_queue(client, monkeypatch, django_user_model):
    """A login's password check, a wrong password and an unknown username (Django hashes a dummy
    password so both take the same time) each take a slot."""
    import config.hashers

    taken = []
    real_slot = config.hashers.hashing_slot

    def counted_slot():
        taken.append(1)
        return real_slot()

    monkeypatch.setattr(config.hashers, "hashing_slot", counted_slot)
    with override_settings(**STORE_HASHERS):
        django_user_model.objects.create_user("queued-shopper", password="a-long-test-password-42")
        taken.clear()
        tries = [("queued-shopper", "wrong-password-1"), ("nobody-here", "x-password-2"),
                 ("queued-shopper", "a-long-test-password-42")]  # fmt: skip  (logged in: last)
        statuses = [
            client.post("/accounts/login/", {"username": username, "password": password}).status_code
            for username, password in tries
        ]
    assert statuses == [200, 200, 302] and len(taken) == 3
