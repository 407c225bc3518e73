"""The interview page in headless chromium against the real servers (see conftest.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from bot.guide import load_guide

pytestmark = pytest.mark.e2e

GUIDE = load_guide()
ASK = {qid: q.ask for qid, q in GUIDE.questions.items()}
CONSENT = ASK["intro.consent"]
BACKGROUND = [  # (question answered, answer typed), each long enough never to pass for small talk
    ("background.position", "I am a senior data scientist at a mid-sized retailer"),
    ("background.experience", "Eight years in software overall, and four of them with machine learning"),
    ("background.ai_purpose", "We forecast the demand for every product in each of our stores"),
    ("background.data_type", "Mostly tabular sales records per day, plus some calendar information"),
    ("background.data_collection", "The point of sale systems send every sale to our central warehouse"),
    ("background.problem", "Planning how much stock each store should order for the next week"),
    ("background.models", "Gradient boosted trees with LightGBM and a few linear baselines in scikit-learn"),
    ("background.deployment", "Everything runs on AWS, in containers behind an internal prediction service"),
    ("background.implementers", "That varies a lot from one project to the next one, honestly"),
]
CONFIRM_IMPLEMENTERS = "Just to be sure: do you (your own team) build and deploy the models yourselves?"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def consent(p) -> None:
    """Open the page, read the welcome, start, and agree by clicking Yes."""
    p.open()
    expect(p.page.get_by_role("heading", level=1)).to_contain_text("Quality issues in machine learning")
    for point in ("Who runs it", "What is recorded", "How long it takes"):
        expect(p.page.get_by_text(point, exact=True)).to_be_visible()
    p.start()
    p.expect_bot(CONSENT)
    p.choose("Yes")
    p.expect_bot(ASK["background.position"])


def answer(p, start: int, stop: int) -> list[str]:
    """Type the BACKGROUND answers start..stop-1, each time waiting for the next question."""
    for i in range(start, stop):
        p.type(BACKGROUND[i][1])
        p.expect_bot(ASK[BACKGROUND[i + 1][0]] if i + 1 < len(BACKGROUND) else CONFIRM_IMPLEMENTERS)
    return [text for _, text in BACKGROUND[start:stop]]


def test_a_participant_consents_types_answers_and_clicks_yes(participant, stack, screenshots):
    p = participant()
    requests_seen, sockets_seen, errors, dialogs = [], [], [], []
    p.page.context.on("request", lambda r: requests_seen.append(r.url))
    p.page.on("websocket", lambda ws: sockets_seen.append(ws.url))
    p.page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    p.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    consent(p)
    expect(p.page.get_by_role("status").filter(has_text="Part 1 of 10")).to_have_text(
        "Part 1 of 10 · About you and your work"
    )
    typed = answer(p, 0, 3)
    p.type(BACKGROUND[3][1])
    expect(p.page.locator(".iv-waiting, .rw-typing-indication").first).to_be_visible()  # typing indicator
    p.expect_bot(ASK["background.data_collection"])
    p.page.screenshot(path=str(screenshots / "interview.png"))
    typed += [BACKGROUND[3][1]] + answer(p, 4, len(BACKGROUND))
    p.choose("Yes")
    p.expect_bot(ASK["background.dev_practices"])
    assert p.open_question() == "background.dev_practices"
    expect(p.page.locator(".iv-progress")).to_contain_text("Part 1 of 10 · About you and your work")

    rows = p.user_rows()
    assert [r for r in rows if not r.startswith("/")] == typed  # each typed answer once, in order
    assert rows.count("/affirm") == 2  # consent and the Yes button
    allowed = {origin(stack.page_url), origin(stack.socket_url)}
    assert {origin(u) for u in requests_seen} <= allowed, requests_seen
    assert sockets_seen and {origin(u.replace("ws", "http", 1)) for u in sockets_seen} <= allowed
    assert errors == [] and dialogs == []


def test_a_reload_mid_section_shows_the_history_and_continues_at_the_open_question(participant):
    p = participant()
    consent(p)
    typed = answer(p, 0, 2)
    p.page.reload()
    expect(p.bot.filter(has_text="Hello again! We were at Part 1 of 10")).to_have_count(1)
    p.expect_bot(ASK["background.ai_purpose"])  # the open question, asked again
    for text in typed:
        expect(p.mine.filter(has_text=text)).to_have_count(1)
    expect(p.bot.filter(has_text=CONSENT)).to_have_count(1)
    expect(p.page.locator(".iv-progress")).to_contain_text("Part 1 of 10 · About you and your work")
    typed += answer(p, 2, 4)
    assert p.open_question() == "background.data_collection"
    assert [r for r in p.user_rows() if not r.startswith("/")] == typed


def test_coming_back_after_closing_the_browser_shows_history_and_a_reminder(participant, new_context, stack):
    p = participant()
    consent(p)
    answer(p, 0, 1)
    p.type("let's continue later")
    expect(p.bot.last).to_contain_text("let's pause here")
    profile = p.page.context.storage_state()  # what the browser keeps on disk
    p.page.context.close()

    back = type(p)(new_context(storage_state=profile).new_page(), stack).open()
    reminder = "Welcome back! We were at Part 1 of 10 · About you and your work."
    expect(back.bot.filter(has_text=reminder)).to_be_visible()
    back.expect_bot(ASK["background.experience"])
    expect(back.mine.filter(has_text=BACKGROUND[0][1])).to_have_count(1)
    expect(back.page.locator(".iv-progress")).to_contain_text("Part 1 of 10")


def test_delete_my_data_also_forgets_the_conversation_in_this_browser(participant):
    p = participant()
    consent(p)
    answer(p, 0, 1)
    sender = p.session_id()
    p.type("delete my data")
    expect(p.bot.last).to_contain_text("Do you want me to delete everything")
    p.choose("Yes")
    expect(p.bot.last).to_contain_text("everything from this interview has been deleted")
    expect(p.page.locator(".iv-status")).to_contain_text("deleted, here and in this browser")
    kept = p.page.evaluate("Object.keys(localStorage)")
    assert not {"chat_session", "interview_started", "interview_progress", "interview_pending"} & set(kept)
    assert p.user_rows_of(sender) == []  # and nothing of it in the database

    p.page.reload()  # the next visit starts at the welcome, with nothing of the old interview
    expect(p.page.get_by_role("button", name="Start the interview")).to_be_visible()
    expect(p.mine).to_have_count(0)


XSS = "<img src=x onerror=alert(1)>"


def test_html_typed_by_a_participant_is_shown_as_text(participant):
    p = participant()
    dialogs = []
    p.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    consent(p)
    bot_messages = p.bot.count()
    p.type(XSS)
    expect(p.mine.last).to_have_text(XSS)
    expect(p.bot).not_to_have_count(bot_messages)  # the bot has answered
    p.page.reload()
    expect(p.mine.filter(has_text=XSS)).to_have_count(1)
    assert p.page.locator("img").count() == 0 and dialogs == []
    assert p.user_rows().count(XSS) == 1


def test_the_page_is_usable_at_375_px(participant, screenshots):
    p = participant(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    p.open()
    p.start()
    p.expect_bot(CONSENT)
    yes = p.page.locator(".rw-replies").get_by_role("button", name="Yes", exact=True)
    for control in (yes, p.input):
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 40, box
    yes.tap()
    p.expect_bot(ASK["background.position"])
    answer(p, 0, 1)
    assert p.page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    p.page.screenshot(path=str(screenshots / "interview-375px.png"))


def test_keyboard_only(participant):
    p = participant()
    p.open()
    keyboard = p.page.keyboard
    keyboard.press("Tab")
    expect(p.page.get_by_role("button", name="Start the interview")).to_be_focused()
    keyboard.press("Enter")
    p.expect_bot(CONSENT)
    expect(p.input).to_be_focused()
    yes = p.page.locator(".rw-replies").get_by_role("button", name="Yes", exact=True)
    for _ in range(6):  # back from the answer box to the Yes button
        keyboard.press("Shift+Tab")
        if yes.evaluate("b => b === document.activeElement"):
            break
    expect(yes).to_be_focused()
    keyboard.press("Enter")
    p.expect_bot(ASK["background.position"])
    for _ in range(6):
        if p.input.evaluate("b => b === document.activeElement"):
            break
        keyboard.press("Tab")
    keyboard.type(BACKGROUND[0][1])
    keyboard.press("Enter")
    p.expect_bot(ASK["background.experience"])
    expect(p.page.get_by_role("log", name="Conversation")).to_be_visible()
    expect(p.page.get_by_role("button", name="Send")).to_be_attached()


def contrast(page, selector: str) -> float:
    """WCAG contrast ratio of an element's text colour against its (first opaque) background."""
    return page.locator(selector).first.evaluate(
        """el => {
        const rgb = c => c.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        let bg = el;
        while (bg && rgb(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
        const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(getComputedStyle(bg).backgroundColor));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }"""
    )


def test_text_contrast_is_readable(participant):
    p = participant()
    p.open()
    assert contrast(p.page, ".iv-welcome dd") >= 4.5
    assert contrast(p.page, ".iv-start") >= 4.5
    p.start()
    p.expect_bot(CONSENT)
    for selector in (".rw-response", ".rw-reply", ".iv-progress-text"):
        assert contrast(p.page, selector) >= 4.5, selector
    p.choose("Yes")
    p.expect_bot(ASK["background.position"])
    assert contrast(p.page, ".rw-client") >= 4.5


def test_an_answer_typed_while_the_server_is_unreachable_is_sent_when_it_returns(participant, stack):
    p = participant()
    consent(p)
    status, pending = p.page.locator(".iv-status"), p.page.locator(".iv-pending")
    text = BACKGROUND[0][1]
    stack.relay.cut()
    try:
        expect(status).to_contain_text("The connection to the interview server was lost")
        p.type(text)
        expect(pending).to_contain_text(text)
        p.page.reload()  # kept across a reload too
        expect(pending).to_contain_text(text)
        expect(status).to_contain_text("Cannot reach the interview server")
        assert p.user_rows().count(text) == 0
    finally:
        stack.relay.restore()
    p.expect_bot(ASK["background.experience"])
    expect(pending).to_be_hidden()
    expect(status).to_be_hidden()
    expect(p.mine.filter(has_text=text)).to_have_count(1)
    assert [r for r in p.user_rows() if not r.startswith("/")] == [text]


def socketio_connect(url: str, page_origin: str) -> str:
    """Open an engine.io session (polling) from `page_origin`, ask socket.io to connect; its answer."""
    headers = {"Origin": page_origin}
    poll = f"{url}/socket.io/?EIO=4&transport=polling"
    sid = requests.get(poll, headers=headers, timeout=10).text.split('"sid":"')[1].split('"')[0]
    requests.post(f"{poll}&sid={sid}", data="40", headers=headers, timeout=10).raise_for_status()
    return requests.get(f"{poll}&sid={sid}", headers=headers, timeout=10).text


def test_socketio_and_cors_accept_only_the_configured_origins(stack):
    rasa, evil = stack.servers.rasa_url, "http://evil.example"
    assert socketio_connect(rasa, stack.page_url).startswith("40{")
    assert socketio_connect(rasa, evil).startswith("44")  # connect_error
    poll = f"{rasa}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(poll, headers={"Origin": stack.page_url}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == stack.page_url
    refused = requests.get(poll, headers={"Origin": evil}, timeout=10)
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_the_page_server_sends_a_strict_policy_and_no_third_party_code(stack):
    page = requests.get(stack.page_url + "/", timeout=10)
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and f"connect-src 'self' {stack.socket_url}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    bundle = requests.get(stack.page_url + "/vendor/rasa-webchat.js", timeout=10)
    assert bundle.ok and "fonts.googleapis" not in bundle.text
    licence = requests.get(stack.page_url + "/vendor/rasa-webchat.LICENSE.txt", timeout=10)
    assert "Apache License" in licence.text


def test_the_documented_snippet_embeds_the_chat_in_an_allowed_site_only(participant, stack):
    for site, allowed in ((stack.sites["allowed"], True), (stack.sites["other"], False)):
        p = participant()
        p.page.goto(f"{site}/")  # a page with the snippet of README.md
        p.start()
        if allowed:
            p.expect_bot(CONSENT)
            p.choose("Yes")
            p.expect_bot(ASK["background.position"])
            assert p.user_rows()[0] == "/greet"
        else:  # socket.io refuses the origin: the participant is told, nothing reaches the bot
            expect(p.page.locator(".iv-status")).to_contain_text("Cannot reach the interview server")
            expect(p.bot).to_have_count(0)
