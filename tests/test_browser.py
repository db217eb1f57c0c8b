"""The search page in a real headless browser (Debian's chromium and chromedriver, driven by
selenium), against a real ``newsearch serve``: type a query, see the passages highlighted,
click a facet, see the list narrow. Skips, saying why, where no browser is installed (`.ci/run`
installs one where apt-get can)."""

from __future__ import annotations

import shutil

import pytest

import newsearch

from .conftest import SEED_ORIGINAL, SEED_REWRITE

pytest.importorskip("fastapi", reason="the serve extra (fastapi, uvicorn) is not installed")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (dev group)")
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no headless browser: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from .test_serve import Server  # noqa: E402

# A third article about the same talks, with other people in it, so that a facet can narrow.
TALKS = (
    "Geneva talks stall over Aleppo\n\n"
    "Diplomats in Geneva said on Tuesday that a regime of silence in Aleppo was still out of reach.\n\n"
    '"We are not there yet," said Helena Markova, a mediator for the United Nations, after the session.\n'
)


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,1400",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_search_highlight_and_narrow_by_a_facet_in_a_browser(make_corpus, tmp_path, browser):
    corpus = make_corpus(
        {SEED_ORIGINAL.name: SEED_ORIGINAL.read_bytes(), SEED_REWRITE.name: SEED_REWRITE.read_bytes(), "talks.txt": TALKS}
    )
    index = tmp_path / "index"
    newsearch.index_corpus(corpus, index)
    server = Server(index)
    try:
        server.wait_ready()
        browser.get(server.base + "/")
        box = browser.find_element(By.NAME, "q")
        Select(browser.find_element(By.NAME, "collapse")).select_by_value("false")  # every version, not one a story
        box.send_keys("regime of silence", Keys.RETURN)
        wait = WebDriverWait(browser, 30)
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "li.hit")))

        hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
        titles = [hit.find_element(By.CSS_SELECTOR, "h2, h3, a").text for hit in hits]
        assert len(hits) == 3, titles
        for seed in (SEED_ORIGINAL, SEED_REWRITE):
            seed_title = seed.read_text(encoding="utf-8").strip().splitlines()[0]
            [hit] = [h for h in hits if seed_title in h.text]
            marked = {mark.text.lower() for mark in hit.find_elements(By.TAG_NAME, "mark")}
            assert {"regime", "silence"} <= marked, marked
        browser.save_screenshot(str(tmp_path / "results.png"))

        # The facet with the fewest articles narrows the list to them.
        facets = browser.find_elements(By.CSS_SELECTOR, "aside.facets li")
        counts = [(int(f.text.split()[-1]), f) for f in facets if f.text.split()[-1].isdigit()]
        fewest, facet = min(counts, key=lambda pair: pair[0])
        assert fewest < len(hits)
        name = facet.find_element(By.TAG_NAME, "a").text
        facet.find_element(By.TAG_NAME, "a").click()
        wait.until(expected_conditions.staleness_of(hits[0]))
        narrowed = browser.find_elements(By.CSS_SELECTOR, "li.hit")
        assert len(narrowed) == fewest and name.lower() in browser.find_element(By.NAME, "q").get_attribute("value").lower()
        browser.save_screenshot(str(tmp_path / "narrowed.png"))
        assert (tmp_path / "narrowed.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        log = server.stop()
    assert "Traceback" not in log
