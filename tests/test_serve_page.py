"""The web page of `verdict serve`, in headless Chromium (Debian's, installed by `make chromium`)
driven by selenium: fill the form, submit, read the explained verdict, switch language, look at the
decision tables. Screenshots go to tests/screenshots/ (not committed). Without Chromium (e.g. a
plain `pytest` on a machine where `make test` never ran) the browser tests are skipped."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

import engine
from engine.serve.page import form_page, tables_page
from tests.serve_support import running

RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "student_health"
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,2000"]
needs_browser = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                   reason="Chromium is not installed: `make chromium` installs it")


@pytest.fixture(scope="module")
def ruleset():
    return engine.load_ruleset(RULESET)


@pytest.fixture(scope="module")
def url(ruleset):
    with running(ruleset) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="verdict-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    SHOTS.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def fill(driver, facts: dict) -> None:
    """Types and picks the facts as a person would; dates are set directly (their typing is locale's)."""
    from selenium.webdriver.support.ui import Select
    for name, value in facts.items():
        control = driver.find_element("id", f"fact-{name}")
        kind = control.get_attribute("data-kind")
        if control.tag_name == "select":
            Select(control).select_by_value("true" if value is True else "false" if value is False else str(value))
        elif kind == "date":
            driver.execute_script("arguments[0].value = arguments[1]", control, value)
        else:
            control.clear()
            control.send_keys(str(value))


def submit_and_wait(driver) -> str:
    driver.find_element("id", "submit").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element("id", "result").get_attribute("data-state"))
    return driver.find_element("id", "result").get_attribute("data-state")


def only_questions(driver, names) -> None:
    for box in driver.find_elements("css selector", 'input[name="output"]'):
        if box.is_selected() != (box.get_attribute("value") in names):
            box.click()


WANG = {"nationality": "CN", "birth_date": "2001-03-14", "higher_education": True, "stay_months": 12,
        "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1, "annual_resources": "9000",
        "territory": "metropole", "destination": "DE", "has_medecin_traitant": True, "doctor_sector": "sector_1"}


@needs_browser
def test_fill_the_form_and_read_the_verdict(browser, url, ruleset):
    browser.get(url + "/")
    driver = browser
    driver.execute_script("document.getElementById('as-of').value = '2025-09-01'")
    only_questions(driver, {"enrolment", "css_status", "css_monthly_participation"})
    fill(driver, WANG)
    assert submit_and_wait(driver) == "verdict"
    text = driver.find_element("id", "explanation").text
    asked = [n for n in ruleset.decisions if n in {"enrolment", "css_status", "css_monthly_participation"}]
    # the form sends every field, those left at their default too: nothing is "assumed"
    sent = {"holds_s1": False, "quebec_form": False, "salaried": False, "annual_work_hours": 0,
            "css_beneficiary": False, "insured_in": "FR", **WANG}
    expected = ruleset.evaluate(sent, as_of="2025-09-01", outputs=asked).explain("en")  # in the page's order
    assert text.split() == expected.split()  # the browser may fold runs of spaces
    assert "register on etudiant-etranger.ameli.fr" in text
    links = {a.text: a.get_attribute("href") for a in driver.find_elements("css selector", "#sources a")}
    assert links["Vous venez étudier en France"].startswith("https://www.ameli.fr/")
    download = driver.find_element("id", "download")
    assert download.get_attribute("href").startswith("blob:")
    assert download.get_attribute("download") == "verdict-2025-09-01.json"
    folder = Path(tempfile.mkdtemp(prefix="verdict-downloads-"))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    download.click()
    saved = folder / "verdict-2025-09-01.json"
    WebDriverWait(driver, 20).until(lambda d: saved.exists() and saved.stat().st_size > 0)
    trace = json.loads(saved.read_text(encoding="utf-8"))
    shutil.rmtree(folder, ignore_errors=True)
    # the form starts each input that has a default at that value, and sends it as given
    sent = dict(WANG, holds_s1=False, quebec_form=False, salaried=False, annual_work_hours="0", insured_in="FR",
                css_beneficiary=False)
    assert trace == json.loads(json.dumps(ruleset.evaluate(sent, as_of="2025-09-01", outputs=asked).to_dict()))
    driver.save_screenshot(str(SHOTS / "verdict-en.png"))


@needs_browser
def test_the_chinese_page_explains_in_chinese(browser, url):
    browser.get(url + "/")
    browser.find_element("link text", "中文").click()
    assert browser.find_element("tag name", "html").get_attribute("lang") == "zh"
    browser.execute_script("document.getElementById('as-of').value = '2025-09-01'")
    only_questions(browser, {"enrolment"})
    dimmed = {f.find_element("css selector", "[data-kind]").get_attribute("name")
              for f in browser.find_elements("css selector", ".field.unneeded")}
    assert "annual_resources" in dimmed and "nationality" not in dimmed  # enrolment does not read the resources
    fill(browser, {name: WANG[name] for name in ("nationality", "higher_education", "stay_months", "holds_ceam")})
    assert submit_and_wait(browser) == "verdict"
    assert "在留学生专属网站注册医保" in browser.find_element("id", "explanation").text
    assert browser.find_element("id", "submit").text == "查看结论"
    browser.save_screenshot(str(SHOTS / "verdict-zh.png"))


@needs_browser
def test_a_missing_fact_is_said_in_words(browser, url):
    browser.get(url + "/?lang=fr")
    only_questions(browser, {"enrolment"})
    fill(browser, {"nationality": "CN", "stay_months": 12})
    # a partial verdict: the question is shown as not evaluated, with the facts it still needs
    assert submit_and_wait(browser) == "verdict"
    text = browser.find_element("id", "explanation").text
    assert "Affiliation à l'Assurance Maladie : pas encore de réponse" in text
    assert "Inscription dans l'enseignement supérieur français et CEAM valable" in text
    browser.save_screenshot(str(SHOTS / "error-fr.png"))


@needs_browser
def test_the_tables_show_rules_citations_and_dates(browser, url):
    browser.get(url + "/tables?lang=en")
    section = browser.find_element("id", "decision-css_free_ceiling")
    validity = [dd.text for dd in section.find_elements("css selector", "dd.validity")]
    assert validity[0] == "from 2019-11-01 to 2020-03-31" and validity[-1] == "from 2025-04-01"
    assert "free_2025_04_metro_1" in section.text and "10339 €" in section.text
    cited = section.find_element("link text", "Complémentaire santé solidaire : conditions de ressources")
    assert cited.get_attribute("href").startswith("https://efl.fr/")
    browser.save_screenshot(str(SHOTS / "tables.png"))


# ------------------------------------------------------------------ the HTML itself (no browser)

HOSTILE_RULES = '''\
type Kind = {plain, odd}
input kind : Kind "<script>alert(1)</script> kind"
input amount : money >= 0 € default 0 "an amount & more"

decision verdict : bool "Is it <b>bold</b>?" hit first source evil
  | kind  || verdict | because
  | plain || true    | "plain <img src=x onerror=alert(2)>"
  | odd   || false   |
'''
HOSTILE_YAML = '''\
name: hostile_page
title: "<script>alert(3)</script>"
version: "1"
language: en
languages: [en]
sources:
  evil:
    title: "</a><script>alert(4)</script>"
    url: "javascript:alert(5)"
'''


def test_rule_text_is_escaped_and_only_web_links_are_links(tmp_path):
    (tmp_path / "r.rules").write_text(HOSTILE_RULES, encoding="utf-8")
    (tmp_path / "ruleset.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    hostile = engine.load_ruleset(tmp_path)
    for html in (form_page(hostile, "en"), tables_page(hostile, "en")):
        assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
        assert "javascript:" not in html
        assert html.count("<script") == html.count('<script src="/static/page.js" defer></script>')
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kind" in form_page(hostile, "en")
    assert "plain &lt;img src=x onerror=alert(2)&gt;" in tables_page(hostile, "en")
    assert '<span title="evil">&lt;/a&gt;&lt;script&gt;alert(4)&lt;/script&gt;</span>' in tables_page(hostile, "en")


def test_each_input_gets_a_widget_of_its_type(ruleset):
    html = form_page(ruleset, "fr")
    assert '<input type="date" id="fact-birth_date" name="birth_date" data-kind="date" value="">' in html
    assert '<input type="number" step="1" min="0" max="600" id="fact-stay_months"' in html
    assert 'id="fact-annual_resources" name="annual_resources" data-kind="money" value=""> <span class="unit">€</span>' in html
    assert ('<select id="fact-territory" name="territory" data-kind="enum"><option value="" selected>—</option>'
            '<option value="metropole">France métropolitaine (metropole)</option>') in html
    assert '<option value="FR" selected>FR</option>' in html  # insured_in defaults to FR
    assert ('<select id="fact-holds_s1" name="holds_s1" data-kind="bool"><option value="">—</option>'
            '<option value="true">oui</option><option value="false" selected>non</option></select>') in html
