"""The HTML report in a real browser (Debian's chromium, driven by Selenium): counts, filters
kept in the URL, evidence steps that scroll to and highlight their line, and hostile code that
runs nothing. `.ci/run` installs chromium and chromium-driver; where neither is installed nor
installable, these tests skip and say so."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from html_report_cases import EXAMPLES, cross_file_result, scan_report, write_hostile_tree

from secreview.analysis.rules import RULES_BY_ID
from secreview.report.html import render_html
from secreview.report.html.code import with_code

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402

SEVERITIES = ("critical", "high", "medium", "low")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless chromium with its console log kept; skipped only when it cannot start here."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip(
            "browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver); .ci/run installs them"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except WebDriverException as error:
        pytest.skip(f"chromium is installed but could not start: {error.msg}")
    yield driver
    driver.quit()


def open_page(browser: WebDriver, page: Path, fragment: str = "") -> None:
    browser.get(page.as_uri() + fragment)
    browser.get_log("browser")  # start each page with an empty console log


def visible_cards(browser: WebDriver) -> list[WebElement]:
    return [
        c for c in browser.find_elements(By.CSS_SELECTOR, "article.finding") if c.is_displayed()
    ]


def in_view(browser: WebDriver, element: WebElement) -> bool:
    return bool(
        browser.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;",
            element,
        )
    )


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    """The HTML report of examples/, and the defects its JSON report lists."""
    folder = tmp_path_factory.mktemp("examples")
    page = scan_report(EXAMPLES, folder / "report.html")
    payload = json.loads(scan_report(EXAMPLES, folder / "report.json", "json").read_text())
    return page, [f for f in payload["findings"] if "note" not in f["tags"]]


def test_the_counts_shown_are_the_json_reports(
    browser: WebDriver, examples: tuple[Path, list[dict[str, object]]]
) -> None:
    page, defects = examples
    open_page(browser, page)
    for level in SEVERITIES:
        shown = browser.find_element(By.ID, f"count-severity-{level}").get_attribute("textContent")
        assert int(shown or "") == sum(f["severity"] == level for f in defects)
    assert len(visible_cards(browser)) == len(defects)
    assert f"Showing {len(defects)} of {len(defects)}" in browser.find_element(By.ID, "shown").text


def test_a_filter_shows_only_what_it_selects_and_the_link_reproduces_it(
    browser: WebDriver, examples: tuple[Path, list[dict[str, object]]]
) -> None:
    page, defects = examples
    open_page(browser, page)
    for level in ("high", "medium", "low"):
        browser.find_element(By.CSS_SELECTOR, f'input[name="sev"][value="{level}"]').click()
    critical = [f for f in defects if f["severity"] == "critical"]
    cards = visible_cards(browser)
    assert len(cards) == len(critical) > 0
    assert all("sev-critical" in (c.get_attribute("class") or "") for c in cards)
    assert browser.current_url.endswith("#sev=critical")
    link, shown = browser.current_url, [c.get_attribute("id") for c in cards]
    open_page(browser, page)
    assert len(visible_cards(browser)) == len(defects)
    browser.get(link)
    assert [c.get_attribute("id") for c in visible_cards(browser)] == shown
    assert not browser.find_element(By.CSS_SELECTOR, 'input[value="high"]').is_selected()


def test_clicking_a_step_highlights_its_line_in_view(
    browser: WebDriver, examples: tuple[Path, list[dict[str, object]]], tmp_path: Path
) -> None:
    page, _ = examples
    open_page(browser, page, "#rule=xss")
    cards = visible_cards(browser)
    assert cards and all("XSS" in (c.text or "") or "Scripting" in c.text for c in cards)
    step = cards[-1].find_element(By.CSS_SELECTOR, "a.step")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.execute_script("arguments[0].click()", step)
    line = browser.find_element(By.ID, (step.get_attribute("href") or "").split("#")[1])
    assert "hl" in (line.get_attribute("class") or "").split()
    assert in_view(browser, line)
    assert browser.current_url.endswith("#rule=xss"), "a jump keeps the filter in the URL"
    assert browser.save_screenshot(str(tmp_path / "html-report.png"))


def test_a_step_in_another_file_and_a_rules_documentation(
    browser: WebDriver, tmp_path: Path
) -> None:
    result, sources = cross_file_result()
    page = tmp_path / "report.html"
    page.write_text(render_html(with_code(result, sources.get), list(RULES_BY_ID.values())))
    open_page(browser, page)
    assert [c.get_attribute("id") for c in visible_cards(browser)] == ["f1"], "notes hidden"
    first_step = browser.find_element(By.CSS_SELECTOR, "#f1 a.step")
    first_step.click()
    line = browser.find_element(By.ID, (first_step.get_attribute("href") or "").split("#")[1])
    assert "request.args" in line.text and "hl" in (line.get_attribute("class") or "")
    assert in_view(browser, line)
    browser.find_element(By.CSS_SELECTOR, "#f1 a[href='#rule-tainted-command']").click()
    documentation = browser.find_element(By.ID, "rule-tainted-command")
    assert documentation.get_attribute("open") is not None
    assert in_view(browser, documentation.find_element(By.TAG_NAME, "summary"))
    assert "Why is this bad?" in documentation.text
    browser.find_element(By.CSS_SELECTOR, 'input[name="notes"]').click()
    assert len(visible_cards(browser)) == 2 and browser.current_url.endswith("#notes=1")


def test_a_report_on_hostile_code_runs_none_of_it(browser: WebDriver, tmp_path: Path) -> None:
    page = scan_report(write_hostile_tree(tmp_path / "code"), tmp_path / "report.html")
    open_page(browser, page)
    for step in browser.find_elements(By.CSS_SELECTOR, "a.step"):
        browser.execute_script("arguments[0].click()", step)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018  # reading it is what raises
    assert browser.execute_script("return document.images.length") == 0
    assert browser.execute_script("return document.scripts.length") == 2
    assert [entry for entry in browser.get_log("browser") if entry["level"] != "INFO"] == []
    assert len(visible_cards(browser)) == 4
