"""Login limits at a service centre: its staff share one address behind the centre's gateway, so the
limit that stops password guessing is per account; the one per address is wide, and behind a reverse
proxy it counts the client's address (``TRUSTED_PROXIES``), never a header a client made up."""

from __future__ import annotations

from factories import PASSWORD


def test_a_seventh_login_from_one_address_succeeds_and_guessing_locks_only_that_account(
    app, sample, make_user
):
    for n in range(8):
        make_user("window", login=f"clerk-{n}")
    for n in range(7):  # the morning shift signs in at the counters, within a minute
        signed_in = app.test_client().post("/login", data={"login": f"clerk-{n}", "password": PASSWORD})
        assert signed_in.status_code == 302, (n, signed_in.status_code)
    guesser = app.test_client()
    tries = [
        guesser.post("/login", data={"login": "clerk-7", "password": f"Wrong-{n}"}).status_code
        for n in range(6)
    ]
    assert tries == [200] * 5 + [429]
    refused = guesser.post("/login", data={"login": " CLERK-7 ", "password": PASSWORD})  # typed otherwise
    assert refused.status_code == 429 and "该账号登录尝试过于频繁" in refused.get_data(as_text=True)
    other = app.test_client().post("/login", data={"login": "clerk-1", "password": PASSWORD})
    assert other.status_code == 302  # the others at the centre are not locked out


def _limited_app(app_config, **config):
    from bundler import create_app

    return create_app({**app_config, "LOGIN_LIMIT_PER_ADDRESS": "3 per minute", **config})


def _attempts(client, forwarded_for: str, n: int) -> list[int]:
    return [
        client.post(
            "/login",
            data={"login": f"nobody-{forwarded_for}-{i}", "password": "Wrong-1"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
        for i in range(n)
    ]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(app_config, app, sample):
    proxied = _limited_app(app_config, TRUSTED_PROXIES=1)
    with proxied.app_context():
        client = proxied.test_client()
        assert _attempts(client, "203.0.113.5", 4) == [200, 200, 200, 429]
        assert _attempts(client, "203.0.113.6", 1) == [200]  # another client behind the same proxy


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app_config, app, sample):
    direct = _limited_app(app_config)
    with direct.app_context():
        client = direct.test_client()
        assert _attempts(client, "203.0.113.7", 3) == [200, 200, 200]
        assert _attempts(client, "198.51.100.1", 1) == [429]  # a made-up header changes nothing
