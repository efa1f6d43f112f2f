"""Static files go out compressed (Brotli, else gzip) to browsers that accept it.

The chart script is a megabyte; WhiteNoise serves the copies ``collectstatic`` made beside it
(CompressedManifestStaticFilesStorage; the ``brotli`` package makes the .br ones).
"""

import pytest
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db


def _get(client: Client, url: str, accept: str) -> tuple[int, str, int]:
    response = client.get(url, HTTP_ACCEPT_ENCODING=accept)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.status_code, response.get("Content-Encoding", ""), len(body)


def test_the_chart_script_is_sent_brotli_or_gzip_compressed_when_accepted(client: Client) -> None:
    url = static("policies/vendor/echarts.min.js")
    assert url != "/static/policies/vendor/echarts.min.js", "pages name the hashed file"
    status, encoding, plain = _get(client, url, "")
    assert (status, encoding) == (200, "")
    assert plain > 1_000_000
    status, encoding, br = _get(client, url, "gzip, deflate, br")
    assert (status, encoding) == (200, "br")
    status, encoding, gz = _get(client, url, "gzip")
    assert (status, encoding) == (200, "gzip")
    assert br < gz < plain / 2


def test_hashed_static_files_are_cached_for_a_year_and_vary_on_encoding(client: Client) -> None:
    response = client.get(static("css/portal.css"), HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert (
        "max-age=315360000" in response["Cache-Control"] or "immutable" in response["Cache-Control"]
    )
    assert "Accept-Encoding" in response["Vary"]
