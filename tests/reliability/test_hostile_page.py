"""The page under hostile article text (issue #21): titles, bodies, sources, authors and URLs
holding ``<script>``, ``<img onerror>``, ``javascript:`` URLs and attribute-breaking quotes are
shown as text, on every page that shows them; in a real headless browser no script of theirs
runs (skips, saying why, without chromium)."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

import newsearch

pytest.importorskip("fastapi", reason="the serve extra (FastAPI, uvicorn) is not installed: uv sync")
from fastapi.testclient import TestClient  # noqa: E402

from newsearch.serve import create_app  # noqa: E402

# Each payload, if it ran, would set window.pwned (the browser test reads it).
PAYLOADS = [
    "<script>window.pwned='script'</script>",
    "<img src=x onerror=\"window.pwned='img'\">",
    "<svg onload=window.pwned='svg'>",
    "\" onmouseover=\"window.pwned='attribute'\" x=\"",
    "' onfocus='window.pwned=1' autofocus '",
    "</textarea></title><script>window.pwned='close'</script>",
    "<a href=\"javascript:window.pwned='link'\">click</a>",
    "<iframe src=\"javascript:parent.pwned='iframe'\"></iframe>",
]
EVIL = " ".join(PAYLOADS)
RECORDS = [
    {
        "id": f"evil-{number}",
        "title": f"Harbour {payload}",
        "body": f"The harbour reopened. {payload} Officials said the harbour talks went on.\n\n"
        f'"{payload} harbour," said {payload}.',
        "source": payload,
        "author": payload,
        "url": url,
        "date": "2016-09-12",
        "section": payload,
    }
    for number, (payload, url) in enumerate(
        zip(PAYLOADS, ["javascript:window.pwned='url'", "data:text/html,<script>alert(1)</script>", " JaVaScRiPt:alert(1)",
                       "vbscript:msgbox(1)", "https://example.org/\"><script>window.pwned='href'</script>",
                       "//evil.example/x", "javascript&colon;alert(1)", "http://"])
    )
]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("page")
    (root / "evil.jsonl").write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    newsearch.index_corpus(root / "evil.jsonl", root / "ix")
    return root / "ix"


def pages(client) -> dict[str, str]:
    """Every page that shows the articles' text, a query echoed back, or an error."""
    urls = [
        "/?q=harbour&collapse=false&limit=20",
        "/?q=harbour&view=quotes",
        "/?" + urllib.parse.urlencode({"q": EVIL[:900]}),
        "/?" + urllib.parse.urlencode({"q": "harbour", "source": PAYLOADS[0], "since": PAYLOADS[1]}),
        "/" + urllib.parse.quote("<script>window.pwned=404</script>"),
        *(f"/articles/{record['id']}?q=harbour" for record in RECORDS),
        "/stories/evil-0",
        "/stories/evil-3",
    ]
    return {url: client.get(url).text for url in urls}


def test_hostile_text_is_escaped_on_every_page(index):
    with TestClient(create_app(index), raise_server_exceptions=False) as client:
        shown = pages(client)
    assert len(shown) == 15
    for url, html in shown.items():
        for raw in ("<script>window", "<img src=x", "<svg", "<iframe", 'onmouseover="', "href=\"javascript", "href=\"data:",
                    "href=\"//evil", "href=\" JaVaScRiPt", "href=\"vbscript"):
            assert raw.lower() not in html.lower(), (url, raw)
    article = shown["/articles/evil-0?q=harbour"]
    assert "&lt;script&gt;window.pwned=&#x27;script&#x27;&lt;/script&gt;" in article


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no headless browser: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
)
def test_no_script_of_an_article_runs_in_a_browser(index, tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (dev group)")
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from ..test_serve import Server

    with TestClient(create_app(index), raise_server_exceptions=False) as client:
        urls = list(pages(client))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    server = Server(index)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        server.wait_ready()
        for url in urls:
            driver.get(server.base + url)
            # Hover and focus everything, click every link that stays on this page: an injected
            # handler or javascript: URL would run now.
            driver.execute_script(
                "for (const e of document.querySelectorAll('body *')) {"
                " e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); if (e.focus) e.focus(); }"
            )
            for link in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
                href = link.get_attribute("href") or ""
                assert href.startswith((server.base, "https://example.org/")), (url, href)
            assert driver.execute_script("return window.pwned") is None, url
            try:
                alert = driver.switch_to.alert.text
            except NoAlertPresentException:
                alert = None
            assert alert is None, (url, alert)
            page_text = driver.find_element(By.TAG_NAME, "body").text
            if url.startswith("/articles/evil-0"):
                assert "<script>window.pwned='script'</script>" in page_text
    finally:
        driver.quit()
        log = server.stop()
    assert "Traceback" not in log
