"""The benchmark's load client keeps cookies as a browser does (benchmarks/bench_progress.py)."""

from __future__ import annotations

from benchmarks.bench_progress import _keep_cookies


def test_the_client_keeps_set_cookies_and_drops_cleared_ones() -> None:
    jar = {"sessionid": "abc"}
    _keep_cookies(jar, ["csrftoken=s3cret; expires=Sat, 04 Dec 2027 10:00:00 GMT; Max-Age=31449600; Path=/"])
    assert jar == {"sessionid": "abc", "csrftoken": "s3cret"}
    _keep_cookies(jar, ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'])
    assert jar == {"csrftoken": "s3cret"}
    _keep_cookies(jar, [])
    assert jar == {"csrftoken": "s3cret"}
