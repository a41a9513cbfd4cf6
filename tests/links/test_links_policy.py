"""Pure pieces: Retry-After, backoff, status words, URL canonicalisation."""

from __future__ import annotations

import pytest

from medlint.links.policy import backoff_delay, is_retryable, parse_retry_after, status_reason
from medlint.links.urls import MalformedURL, UnsupportedScheme, prepare_url

NOW = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: retry now
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:30", None),  # no zone: not an HTTP-date
        (None, None),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=lambda: NOW) == seconds


def test_backoff_grows_is_jittered_and_reproducible() -> None:
    delays = [backoff_delay(attempt, "https://a.example/") for attempt in range(4)]
    assert delays == [backoff_delay(attempt, "https://a.example/") for attempt in range(4)]
    assert all(0.1 <= d / 2**i <= 0.2 for i, d in enumerate(delays))
    assert backoff_delay(0, "https://a.example/") != backoff_delay(0, "https://b.example/")
    assert backoff_delay(30, "x") == 5.0


@pytest.mark.parametrize(
    ("status", "retry"), [(429, True), (500, True), (503, True), (501, False), (404, False)]
)
def test_retryable(status: int, retry: bool) -> None:
    assert is_retryable(status) is retry


def test_status_words() -> None:
    assert status_reason(404) == "404 Not Found"
    assert status_reason(599) == "HTTP 599"


@pytest.mark.parametrize(
    ("written", "prepared"),
    [
        ("HTTPS://Example.COM", "https://example.com/"),
        ("https://example.com:443/a?b=1#frag", "https://example.com/a?b=1"),
        ("http://example.com:8080/", "http://example.com:8080/"),
        ("http://user:secret@example.com/x", "http://example.com/x"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("  https://example.com/ \n", "https://example.com/"),
        ("https://bücher.example/", "https://bücher.example/"),
    ],
)
def test_prepare_url(written: str, prepared: str) -> None:
    assert prepare_url(written) == prepared


@pytest.mark.parametrize(
    "written", ["http://[::1", "http://", "https://:80/", "http://example.com:99999/"]
)
def test_malformed_urls(written: str) -> None:
    with pytest.raises(MalformedURL):
        prepare_url(written)


@pytest.mark.parametrize("written", ["mailto:a@b.example", "ftp://example.com/", "/relative"])
def test_unsupported_schemes(written: str) -> None:
    with pytest.raises(UnsupportedScheme):
        prepare_url(written)
