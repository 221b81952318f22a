"""Open the built book in headless Chromium and check what a reader would see.

Run by `make test` after the book is built (Debian's chromium and chromium-driver). Every page of
the TOC must exist and load, every math element must be typeset by MathJax (no raw TeX left, no
MathJax error), every image must load, nothing may be fetched from outside the book, and no code
cell may need a horizontal scrollbar in a laptop's browser window.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from assocmem.book.build import toc_files

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
PAGES = toc_files(ROOT / "_toc.yml")
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]
WINDOW = (1280, 900)  # a laptop's browser window
RAW_TEX = re.compile(r"\\(frac|sum|max|min|log|operatorname|lVert|rVert|mathbb|begin|le|ge)\b|\$\$")

PAGE_REPORT = """
const done = arguments[arguments.length - 1];
// MathJax is a deferred script: give it up to 10 s to start where the page has math
const loaded = async () => {
  for (let i = 0; i < 100 && document.querySelector('.math')
       && !(window.MathJax && MathJax.version && MathJax.startup); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  return (window.MathJax && MathJax.startup && MathJax.startup.promise) || null;
};
loaded().then(() => {
  // collapsed cells (bookkeeping behind a toggle) must fit too, once a reader opens them
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const math = [...document.querySelectorAll('.math')];
  const untypeset = math.filter(m => !m.querySelector('mjx-container')).length;
  const errors = document.querySelectorAll('mjx-merror').length;
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, mjx-container, script, .math, .cell_output')
       .forEach(e => e.remove());
  const images = [...document.images].map(i => [i.src, i.complete && i.naturalWidth > 0]);
  const resources = performance.getEntriesByType('resource').map(r => r.name);
  const wide = [...document.querySelectorAll('.cell_input pre')]
      .filter(p => p.scrollWidth > p.clientWidth + 1)
      .map(p => p.innerText.split('\\n').reduce((a, b) => b.length > a.length ? b : a, ''));
  done({title: document.title, math: math.length, untypeset, errors,
        text: clone.innerText, images, resources, wide,
        mathjax: !!(window.MathJax && MathJax.version)});
}).catch(e => done({error: String(e)}));
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no built book at {HTML}; run `make book` first")
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        pytest.fail("chromium and chromedriver are needed (Debian: chromium chromium-driver)")
    options = Options()
    options.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--window-size={WINDOW[0]},{WINDOW[1]}",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.set_script_timeout(60)
    chrome.set_page_load_timeout(60)
    yield chrome
    chrome.quit()


@pytest.mark.browser
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page, server, browser):
    assert (HTML / f"{page}.html").is_file(), f"TOC page {page} was not built"
    browser.get(f"{server}/{page}.html")
    report = browser.execute_async_script(PAGE_REPORT)
    if "error" in report:  # seen once on the first page of a fresh browser: the script ran
        browser.get(f"{server}/{page}.html")  # before the document had a body; load again
        report = browser.execute_async_script(PAGE_REPORT)
    assert "error" not in report, report.get("error")
    assert "404" not in report["title"]
    assert report["mathjax"] or report["math"] == 0, "the page has math but MathJax did not load"
    assert report["untypeset"] == 0, f"{report['untypeset']} of {report['math']} math left as TeX"
    assert report["errors"] == 0, "MathJax reported TeX errors"
    raw = RAW_TEX.findall(report["text"])
    assert not raw, f"raw TeX in the page text: {raw[:5]}"
    broken = [src for src, ok in report["images"] if not ok]
    assert not broken, f"broken images: {broken}"
    outside = [r for r in report["resources"] if not r.startswith(server)]
    assert not outside, f"resources fetched from outside the book: {outside}"
    assert not report["wide"], (f"{len(report['wide'])} code cells scroll sideways at "
                                f"{WINDOW[0]} px; the longest line: {report['wide'][0]!r}")


@pytest.mark.browser
def test_scorecard_links_to_checks(server, browser):
    browser.get(f"{server}/book/scorecard.html")
    links = browser.execute_script(
        "return [...document.querySelectorAll('table a.reference')]"
        ".map(a => [a.innerText, a.href])")
    assert links, "the scorecard lists no claims"
    for text, href in links:
        target, _, anchor = href.partition("#")
        browser.get(target)
        found = False
        for _ in range(50):  # a page can still be parsing when get() returns: up to 5 s
            found = bool(anchor) and browser.execute_script(
                "return !!document.getElementById(arguments[0])", anchor)
            if found:
                break
            time.sleep(0.1)
        assert found, f"{text}: {href} broken"


@pytest.mark.browser
def test_notebook_pages_have_figures(server, browser):
    for page in CHAPTERS:
        browser.get(f"{server}/{page}.html")
        images = browser.execute_script(
            "return [...document.querySelectorAll('.cell_output img')]"
            ".map(i => [i.getAttribute('alt') || '', i.getAttribute('src')])")
        assert images, f"{page} shows no figure"
        for alt, src in images:  # a reader without the image gets a description of it
            assert len(alt.split()) >= 12 and not alt.endswith(".png"), (
                f"{page}: figure {src} has no alt text ({alt!r})")
            with Image.open(HTML / page.rsplit("/", 1)[0] / src) as png:  # opaque: dark mode
                alpha = png.convert("RGBA").getchannel("A")
                assert alpha.getextrema() == (255, 255), f"{page}: figure {src} is transparent"


@pytest.mark.browser
def test_every_chapter_opens_with_its_findings(server, browser):
    for page in CHAPTERS:
        browser.get(f"{server}/{page}.html")
        found = browser.execute_script(
            "const box = document.querySelector('.admonition.findings');"
            "return box && [box.compareDocumentPosition(document.querySelector("
            "'article h2') || document.body) & Node.DOCUMENT_POSITION_FOLLOWING,"
            " [...box.querySelectorAll('li')].map(li => li.innerText),"
            " [...box.querySelectorAll('a')].map(a => a.href)]")
        assert found, f"{page} has no findings box"
        before_sections, items, links = found
        assert before_sections, f"{page}: the findings box comes after the first section"
        assert items and len(links) == len(items), f"{page}: findings without links: {items}"
        assert all("#" in href for href in links)


@pytest.mark.browser
def test_the_ledger_is_published_as_data(server, browser):
    browser.get(f"{server}/book/scorecard.html")
    links = browser.execute_script(
        "return [...document.querySelectorAll('a')].map(a => a.href)"
        ".filter(h => /claims\\.(json|csv)$/.test(h))")
    assert sorted(link.rsplit("/", 1)[1] for link in links) == ["claims.csv", "claims.json"]
    rows = browser.execute_script(
        "return [...document.querySelectorAll('table.scorecard tbody tr')].length")
    for link in links:  # fetched by the page, as a reader's browser would (a CSV downloads)
        text = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.ok ? r.text() : 'HTTP ' + r.status)"
            ".then(done).catch(e => done(String(e)));", link)
        if link.endswith(".json"):
            data = json.loads(text)
            assert data["schema_version"] >= 2 and data["claims"], link
            assert len(data["claims"]) <= rows
            assert {"id", "verdict", "impact", "evidence", "chapter"} <= set(data["claims"][0])
        else:
            assert text.startswith("id,where,statement,verdict,impact"), text[:80]


@pytest.mark.browser
def test_scorecard_filters_and_keeps_an_anchor_per_claim(server, browser):
    browser.get(f"{server}/book/scorecard.html")
    assert browser.execute_script("return !!document.getElementById('prop-5')"), \
        "scorecard.html#prop-5 has no anchor"
    report = browser.execute_script("""
        const rows = [...document.querySelectorAll('table.scorecard tbody tr')];
        const select = document.getElementById('filter-verdict');
        const options = [...select.options].map(o => o.value).filter(v => v);
        select.value = 'refuted';
        select.dispatchEvent(new Event('change'));
        const shown = rows.filter(r => r.style.display !== 'none');
        return {total: rows.length, options,
                shown: shown.map(r => r.cells[3].textContent.trim()),
                count: document.getElementById('filter-count').textContent};""")
    assert "refuted" in report["options"] and "holds" in report["options"], report["options"]
    assert 0 < len(report["shown"]) < report["total"]
    assert set(report["shown"]) == {"refuted"}
    assert report["count"] == f"{len(report['shown'])} of {report['total']} claims"


@pytest.mark.browser
def test_claim_boxes_are_rendered_from_the_catalogue(server, browser):
    browser.get(f"{server}/notebooks/01_logsumexp.html")
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('div.proof')].map(d => d.innerText)")
    assert len(boxes) >= 4, boxes
    assert any("lemma-2" in b and "App. C, Lemma 2" in b for b in boxes), boxes
    assert not browser.execute_script(
        "return document.body.innerText.includes('{claim}')"), "an unrendered claim fence"


@pytest.mark.browser
def test_each_chapter_offers_its_executed_notebook_and_launches_it(server, browser):
    for page in CHAPTERS:
        stem = page.rsplit("/", 1)[1]
        browser.get(f"{server}/{page}.html")
        links = browser.execute_script(
            "return [...document.querySelectorAll('a')].map(a => a.href)")
        download = [h for h in links if h.endswith(f"{stem}.ipynb") and h.startswith(server)]
        assert download, f"{page}: no link to download its .ipynb"
        text = browser.execute_async_script(  # followed as a reader's browser would
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.ok ? r.text() : 'HTTP ' + r.status)"
            ".then(done).catch(e => done(String(e)));", download[0])
        notebook = json.loads(text)
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code[0]["metadata"]["tags"] == ["remove-cell"] and "google.colab" in \
            "".join(code[0]["source"]), f"{page}: the notebook lacks its Colab set-up cell"
        assert sum(bool(c.get("outputs")) for c in code) >= 3, f"{page}: .ipynb without outputs"
        assert notebook["metadata"].get("papermill", {}).get("duration"), page
        path = f"blob/executed/notebooks/{stem}.ipynb"
        assert any(h.startswith("https://colab.research.google.com/github/") and
                   h.endswith(path) for h in links), f"{page}: no Colab button on {path}"
        assert any(h.startswith("https://mybinder.org/v2/gh/") and "/executed?" in h and
                   h.endswith(f"notebooks/{stem}.ipynb") for h in links), \
            f"{page}: no Binder button opening the executed notebook"


@pytest.mark.browser
def test_the_interactive_figure_answers_its_slider_with_no_network(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/notebooks/02_energy_landscapes.html")
    state = ("const g = document.getElementById('fig-1-beta-slider');"
             "return g && g.data ? [g.layout.sliders[0].active, Array.from(g.data[4].y)"
             ".slice(0, 50), g.closest('[role=img]').getAttribute('aria-label'),"
             " document.querySelectorAll('#fig-1-beta-slider .contour path').length] : null;")
    before = browser.execute_script(state)
    assert before, "the interactive Figure 1 did not draw (plotly.js not loaded?)"
    active, line, alt, contours = before
    assert len(alt.split()) >= 12 and contours > 0
    rail = browser.find_element(By.CSS_SELECTOR, "#fig-1-beta-slider .slider-rail-rect")
    ActionChains(browser).move_to_element_with_offset(
        rail, int(rail.size["width"] * 0.45), 0).click().perform()
    browser.implicitly_wait(0)
    # Plotly moves the slider at once but redraws the traces asynchronously (an
    # animated frame), so poll for the redraw rather than read it once (CI on
    # 0b38e1b read the old trace a moment too early).
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait
    after = browser.execute_script(state)
    assert after[0] > active, "the slider did not move"
    try:
        WebDriverWait(browser, 10, poll_frequency=0.1).until(
            lambda b: b.execute_script(state)[1] != line)
    except TimeoutException:
        pytest.fail("moving the slider did not change the MCHN energy drawn within 10 s")
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(r.startswith(server) for r in resources), resources
    assert any(r.endswith("/plotly/plotly.min.js") for r in resources)
