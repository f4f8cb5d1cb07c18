"""适老化: one link on every page switches this browser to large text with strong contrast, and back."""

from __future__ import annotations


def test_large_display_is_kept_in_this_browser_until_switched_back(client, sample):
    first = client.get("/").get_data(as_text=True)
    assert 'class="large-display"' not in first and "大字号、高对比（适老化）" in first
    switched = client.get("/display/large", query_string={"next": "/guide/?q=出生"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/guide/?q=%E5%87%BA%E7%94%9F"
    assert (
        "max-age=" in switched.headers["Set-Cookie"].lower()
        and "httponly" in switched.headers["Set-Cookie"].lower()
    )
    page = client.get("/track").get_data(as_text=True)  # any page, afterwards
    assert '<html lang="zh-CN" class="large-display">' in page and "标准字号" in page
    assert client.get("/display/standard").status_code == 302
    assert 'class="large-display"' not in client.get("/").get_data(as_text=True)
    assert client.get("/display/huge").status_code == 404
    assert (
        client.get("/display/large", query_string={"next": "//elsewhere.example/"}).headers["Location"] == "/"
    )
