"""What only a browser shows: links that move the reader, a narrow screen, print.

axe-core over every page the builds write, at two widths, is in test_reading.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_paragraph_number_is_a_link_to_the_paragraph(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.click("#p4 a.pnum")
    assert page.url.endswith("/reports/2013-07-first/#p4")
    assert page.evaluate("document.querySelector(':target').id") == "p4"


def test_reader_follows_a_recommendation_to_its_evidence_and_theme(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/")
    page.get_by_role("link", name="Regular supervision").first.click()
    assert page.url.endswith("/recommendations/supervision/")
    page.locator("section#h-2013-07-first, section[aria-labelledby='h-2013-07-first']").get_by_role(
        "link", name="Paragraph 2"
    ).click()
    assert page.url.endswith("/reports/2013-07-first/#p2")
    # The paragraph's notes run longer than it: they are folded under a control that shows them.
    page.locator("#notes-p2 .notes-more > summary").click()
    page.locator("#notes-p2 aside").get_by_role("link", name="Supervision", exact=True).click()
    assert page.url.endswith("/themes/supervision/")
    assert page.get_by_role("heading", level=1).inner_text() == "Supervision"


@pytest.mark.parametrize(
    "path", ["/reports/2013-07-first/", "/timeline/", "/recommendations/supervision/"]
)
def test_nothing_scrolls_sideways_on_a_phone(browser, fixture_site_url, path):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    phone = context.new_page()
    phone.goto(f"{fixture_site_url}{path}")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 0


def test_pages_work_without_javascript(browser, fixture_site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    assert page.locator("mark.annotated").count() >= 2
    assert page.locator("aside.note").first.is_visible()
    page.goto(f"{fixture_site_url}/timeline/")
    assert page.locator("svg.grade-chart").first.is_visible()
    context.close()


def test_the_grade_chart_prints_whole_on_a4(browser, real_site_url):
    """On A4 with 1 cm margins (a 718 px page) the chart was cut at its right: paper does not
    scroll."""
    paper = browser.new_context(viewport={"width": 718, "height": 1000}).new_page()
    paper.goto(f"{real_site_url}/timeline/")
    paper.emulate_media(media="print")
    box = paper.locator(".chart-scroll").first
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert paper.locator(".chart-legend li").count() >= 2  # the key names every line
    paper.context.close()


def test_the_skip_link_leaves_no_tint_over_the_page(page, fixture_site_url):
    """After 'Skip to content' the whole of main stayed pale blue: the tint that marks a cited
    paragraph fell on the region the link skips to."""
    page.goto(f"{fixture_site_url}/themes/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/themes/#main")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor") == (
        "rgba(0, 0, 0, 0)"
    )
    # A cited paragraph is still marked.
    page.goto(f"{fixture_site_url}/reports/2013-07-first/#p2")
    assert page.evaluate("getComputedStyle(document.getElementById('p2')).backgroundColor") == (
        "rgb(238, 245, 255)"
    )


def test_notes_stay_visible_in_print(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/reports/2013-07-first/")
    page.emulate_media(media="print")
    assert page.locator("aside.note").first.is_visible()
    assert not page.locator("nav[aria-label='Main']").is_visible()


def test_reader_path_on_the_bundled_site(page, real_site_url):
    """Home -> a recurring recommendation -> its 2013 evidence paragraph -> that paragraph's theme."""
    page.goto(f"{real_site_url}/")
    page.get_by_role("link", name="Recognising chronic abuse and neglect").click()
    assert page.url.endswith("/recommendations/chronic-neglect/")
    assert "recurring" in page.locator(".summary-line").inner_text()
    section = page.locator("section[aria-labelledby='h-2013-07-child-protection']")
    section.get_by_role("link", name="Paragraph 17").first.click()
    assert page.url.endswith("/reports/2013-07-child-protection/#p17")
    assert "chronic neglect" in page.locator(":target").inner_text()
    page.locator("#notes-p17 .tags-inline").get_by_role(
        "link", name="Neglect and chronic risk"
    ).click()
    assert page.url.endswith("/themes/neglect/")
    headings = page.locator("section.theme-report h2").all_inner_texts()
    years = [h.split(":")[0][-4:] for h in headings]
    assert "2013" in years and years == sorted(years)  # in date order, whatever reports are added


# ---- A site of several organisations -------------------------------------------------------------


def test_a_theme_page_narrows_to_one_region_and_one_organisation(page, national_site_url):
    page.goto(f"{national_site_url}/themes/supervision/")
    rows = "table.theme-organisations tbody tr"
    assert page.locator(rows).count() == 3
    page.get_by_label("Region").select_option(label="North East")
    page.wait_for_function(f"document.querySelectorAll('{rows}:not([hidden])').length === 1")
    assert page.locator(f"{rows}[data-organisation=gamma]").is_visible()
    assert not page.locator(f"{rows}[data-organisation=alpha]").is_visible()
    assert page.locator(".filter-count").inner_text() == "Showing 1 of 3 organisations."
    # The theme's tracked recommendations narrow with the table: Gamma's alone is left.
    related = page.locator(".theme-related li:not([hidden]) a")
    assert related.all_inner_texts() == [
        "Regular supervision (Gamma County Council children's services)"
    ]
    # A choice no organisation matches says so, and hides what it would have narrowed.
    page.get_by_label("Organisation", exact=True).select_option(label="Alpha")
    page.wait_for_function(f"document.querySelectorAll('{rows}:not([hidden])').length === 0")
    assert page.locator(".filter-count").inner_text() == (
        "None of the 3 organisations match: choose another organisation or region."
    )
    assert not page.locator(".theme-related").is_visible()
    page.get_by_label("Organisation", exact=True).select_option(label="Every organisation")
    page.get_by_label("Region").select_option(label="Every region")
    page.get_by_label("Organisation", exact=True).select_option(label="Beta")  # its short name
    page.wait_for_function(f"document.querySelectorAll('{rows}:not([hidden])').length === 1")
    # Its passages are a link away, on a page of their own.
    page.locator(f"{rows}[data-organisation=beta] th a").click()
    page.wait_for_url("**/themes/supervision/beta/")
    assert page.locator("section.theme-report").count() >= 1


def test_a_narrowed_view_is_kept_in_its_address(page, national_site_url):
    """A researcher could not share or reload a theme narrowed to a region, nor two
    organisations set side by side: the choice was lost with the page."""
    rows = "table.theme-organisations tbody tr"
    page.goto(f"{national_site_url}/themes/supervision/")
    page.get_by_label("Region").select_option(label="North East")
    page.wait_for_function("location.search === '?region=north-east'")
    page.goto(f"{national_site_url}/themes/supervision/?region=north-east")
    page.wait_for_function(f"document.querySelectorAll('{rows}:not([hidden])').length === 1")
    assert page.get_by_label("Region").input_value() == "north-east"
    # A value the page does not offer is ignored: every row shows.
    page.goto(f"{national_site_url}/themes/supervision/?region=atlantis")
    assert page.locator(f"{rows}:not([hidden])").count() == 3
    page.goto(f"{national_site_url}/organisations/overview/?a=gamma&b=alpha")
    page.wait_for_function(
        "document.querySelectorAll('table.compare tbody tr:not([hidden])').length === 2"
    )
    page.get_by_label("Second organisation").select_option("beta")
    page.wait_for_function("location.search === '?a=gamma&b=beta'")


def test_the_recommendations_sections_count_what_the_filter_leaves(page, national_site_url):
    """Narrowed to North East, the page said 'Showing 3 of 9' under headings still counting
    every organisation's, one of them over an empty section."""
    page.goto(f"{national_site_url}/recommendations/")
    counts = "section h2 .filter-section-count"
    every = page.locator(counts).all_inner_texts()
    page.get_by_label("Region").select_option(label="North East")
    page.wait_for_function(
        "document.querySelector('.filter-count').textContent.startsWith('Showing ')"
    )
    for section in page.locator("section:has(.filter-section-count)").all():
        shown = section.locator(".history-list > li:not([hidden])").count()
        if shown:
            assert section.locator(".filter-section-count").inner_text() == str(shown)
        else:
            assert not section.is_visible()
    assert page.locator(counts).all_inner_texts() != every
    page.get_by_label("Region").select_option(label="Every region")
    page.wait_for_function(
        "document.querySelector('.filter-count').textContent.startsWith('Showing all')"
    )
    assert page.locator(counts).all_inner_texts() == every


def test_the_organisations_table_scrolls_in_a_box_the_keyboard_reaches_at_360px(
    browser, national_site_url
):
    """Its last columns (last inspected, reports, still open) were off the screen with no word
    of it, and a keyboard user could not reach them: the table scrolled but took no focus."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{national_site_url}/organisations/")
    box = page.locator(".table-scroll:has(table.organisations)")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll here
    assert page.locator(".table-cue").is_visible()
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=box.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_a_theme_pages_latest_passages_read_within_their_box_at_320px(browser, national_site_url):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(f"{national_site_url}/themes/supervision/")
    box = page.locator(".table-scroll:has(table.theme-organisations)").bounding_box()
    for cell in page.locator("td.latest-passage").all():
        right = cell.bounding_box()
        assert right["x"] + right["width"] <= box["x"] + box["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_the_overview_sets_two_chosen_organisations_one_above_the_other(page, national_site_url):
    page.goto(f"{national_site_url}/organisations/overview/")
    page.get_by_label("First organisation").select_option("gamma")
    page.get_by_label("Second organisation").select_option("alpha")
    page.wait_for_function(
        "document.querySelectorAll('table.compare tbody tr:not([hidden])').length === 2"
    )
    shown = page.locator("table.compare tbody tr:not([hidden])")
    assert [shown.nth(i).get_attribute("data-organisation") for i in range(2)] == [
        "gamma",
        "alpha",
    ]
    # Said to a screen reader too, as the theme filter says its count.
    status = page.get_by_role("status").filter(has_text="organisations")
    assert status.inner_text() == "Showing 2 of 3 organisations."


def test_the_organisations_section_reads_without_javascript(browser, national_site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{national_site_url}/organisations/")
    assert page.locator("table.organisations tbody tr").count() == 3
    page.get_by_role("link", name="North East").first.click()
    assert page.url.endswith("/organisations/region/north-east/")
    assert page.locator("table.organisations tbody tr").count() == 1
    # Region and grade at once: from a region, a grade keeps the region, and each clears alone.
    page.get_by_role("link", name="South West").first.click()
    page.locator('[aria-labelledby="by-grade"]').get_by_role("link", name="Good").click()
    assert page.url.endswith("/organisations/region/south-west/grade/good/")
    assert page.locator("table.organisations tbody tr").count() == 1
    page.get_by_role("link", name="Clear the region").click()
    assert page.url.endswith("/organisations/grade/good/")
    assert page.locator("table.organisations tbody tr").count() == 2
    page.goto(f"{national_site_url}/organisations/overview/")
    assert not page.locator("form.compare-form").is_visible()  # the script's control, hidden
    assert page.locator("table.compare tbody tr").count() == 3
    assert page.locator("svg.distribution-chart").first.is_visible()
    context.close()


def test_the_side_by_side_table_scrolls_within_its_box(page, national_site_url):
    # A national site's table has a column per year: at 1280 px it ran 2,445 px past the page.
    page.goto(f"{national_site_url}/organisations/overview/")
    box = page.locator("table.compare").evaluate_handle("t => t.parentElement")
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    assert box.evaluate("b => b.getAttribute('tabindex')") == "0"  # reachable by keyboard


def test_the_grade_words_stay_in_view_as_the_chart_scrolls_on_a_phone(browser, real_site_url):
    """A councillor on a phone scrolled the chart to 2023 and could no longer see which row was
    'inadequate': the grade words at its left scrolled away with the lines. Then, with a copy of
    the words kept over the chart, a swipe flung it to its right end, where the lines' names
    stood and the words hid the latest points; and a point the keyboard reached could lie under
    the words (WCAG 2.4.11)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{real_site_url}/timeline/")
    box = phone.locator(".chart-scroll").first
    chart = phone.locator(".grade-chart").first

    def drawn_at(x: float, y: float) -> str:
        """The text drawn topmost at a point, or 'point' where a point's marker shows there."""
        return phone.evaluate(
            "([x, y]) => { const seen = document.elementsFromPoint(x, y);"
            " return seen[0].closest('a') ? 'point' : seen[0].textContent; }",
            [x, y],
        )

    def rect(locator) -> tuple[float, float, float, float]:
        return locator.evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"
        )

    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")  # as far as a swipe goes
    assert box.evaluate("el => el.scrollLeft") > 0  # it does scroll at this width
    left = box.bounding_box()
    # Left of the box, level with the 'Inadequate' row, that word is drawn...
    x, y, width, height = rect(phone.locator(".chart-axis text", has_text="Inadequate").first)
    assert x + width <= left["x"] and drawn_at(x + width / 2, y + height / 2) == "Inadequate"
    # ... every point of the latest inspection shows in the box...
    points = chart.locator("a").evaluate_all(
        "links => links.map(a => { const r = a.getBoundingClientRect();"
        " return [r.x, r.y, r.width, r.height]; })"
    )
    x, y, width, height = max(points)
    assert left["x"] < x and x + width <= left["x"] + left["width"]
    assert drawn_at(x + width / 2, y + height / 2) == "point"
    # ... and the lines' names are left to the key under the chart: none shows cut off.
    names = chart.locator("text.line-label").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().x)"
    )
    assert names and min(names) >= left["x"] + left["width"]
    # Every point the keyboard reaches is in the box, in view, nothing over it.
    links = chart.locator("a")
    for index in range(links.count()):
        links.nth(index).focus()
        x, y, width, height = rect(links.nth(index))
        assert left["x"] <= x and x + width <= left["x"] + left["width"], index
        assert drawn_at(x + width / 2, y + height / 2) == "point", index
    context.close()


def test_a_grade_chart_opens_at_the_latest_inspections_on_a_phone(browser, national_site_url):
    """The cue said the latest inspections were at the chart's right, and it opened at its left:
    Alpha's 2019 grade and 2022 visit were out of sight until a swipe."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{national_site_url}/organisations/alpha/")
    box = phone.locator(".chart-scroll:has(svg.grade-chart)").first
    phone.wait_for_function(
        "(el) => el.scrollLeft > 0 && el.scrollLeft + el.clientWidth >= el.scrollWidth - 1",
        arg=box.element_handle(),
    )
    assert "opens at the latest inspections" in phone.locator(".grade-cue").first.inner_text()
    # The latest point is in the box as it opens.
    left = box.bounding_box()
    last = max(
        box.locator("a").evaluate_all(
            "links => links.map(a => { const r = a.getBoundingClientRect(); return [r.x, r.width]; })"
        )
    )
    assert left["x"] < last[0] and last[0] + last[1] <= left["x"] + left["width"]
    context.close()


def test_a_strips_links_reached_by_the_keyboard_are_in_view_at_320px(browser, real_site_url):
    """A strip scrolls sideways within itself on a phone; Chromium left a year link focused off
    its box's edge (the 2015 link at x 304-341 in a box ending at 304), focus unseen."""
    context = browser.new_context(viewport={"width": 320, "height": 740})
    phone = context.new_page()
    phone.goto(f"{real_site_url}/recommendations/")
    # The first strip too wide for the screen, whichever recommendation it is.
    wide = phone.locator("table.strip").evaluate_all(
        "strips => strips.findIndex(s => s.scrollWidth > s.clientWidth)"
    )
    assert wide >= 0
    strip = phone.locator("table.strip").nth(wide)
    links = strip.locator("th a:visible")
    links.first.focus()
    for index in range(1, links.count()):
        phone.keyboard.press("Tab")
        focused = links.nth(index)
        phone.wait_for_function("(a) => document.activeElement === a", arg=focused.element_handle())
        phone.wait_for_function(
            "([a, box]) => { const r = a.getBoundingClientRect(), b = box.getBoundingClientRect();"
            " return r.left >= b.left - 1 && r.right <= b.right + 1; }",
            arg=[focused.element_handle(), strip.element_handle()],
        )
    context.close()


def test_the_years_stay_in_view_as_a_bar_chart_scrolls_on_a_phone(browser, national_site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{national_site_url}/organisations/overview/")
    figure = phone.locator("#by-year ~ figure.chart").first
    box = figure.locator(".chart-scroll")
    box.scroll_into_view_if_needed()
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert box.evaluate("el => el.scrollLeft") > 0  # it does scroll at this width
    left = box.bounding_box()
    year = figure.locator(".chart-axis text.bar-label").first
    spot = year.bounding_box()
    drawn = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).textContent",
        [spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2],
    )
    assert spot["x"] + spot["width"] <= left["x"] and drawn == year.text_content()
    # Shown once: the bars' drawing holds no year of its own.
    assert figure.locator(".distribution-chart text.bar-label").count() == 0
    context.close()


def test_the_grades_table_says_it_scrolls_on_a_phone_and_names_reports_briefly(
    browser, real_site_url
):
    """On a phone the grades under the chart sat off the screen, with nothing to say so, and the
    whole title of each report filled every row."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{real_site_url}/timeline/")
    details = phone.locator("details.chart-data").first
    details.evaluate("d => { d.open = true; }")
    table = details.locator("table")
    assert details.locator(".table-scroll").evaluate("t => t.scrollWidth > t.clientWidth")
    assert details.locator(".table-cue").is_visible()
    first = table.locator("tbody a").filter(has_text="Single inspection and board review").first
    assert first.is_visible() and "children looked after" not in first.inner_text()
    phone.emulate_media(media="print")
    assert not details.locator(".table-cue").is_visible()
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    wide.goto(f"{real_site_url}/timeline/")
    wide.locator("details.chart-data").first.evaluate("d => { d.open = true; }")
    assert not wide.locator(".table-cue").first.is_visible()
    wide.context.close()
