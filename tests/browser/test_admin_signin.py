"""An administrator signs in with the development token (`make run`), in a phone-sized
browser without JavaScript, and out again."""

from __future__ import annotations

from tests.browser.layout import sideways


def test_sign_in_with_the_development_token_and_out(site, phone, screenshot):
    answer = phone.goto(f"{site}/admin")
    assert answer.status == 401
    assert phone.locator("h1").inner_text() == "Sign in to administer the network"
    assert sideways(phone) <= 0
    screenshot(phone, "admin-signin-360")

    phone.fill("#token", "not-the-token")
    phone.click("button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "That is not the development token." in phone.locator("[role=alert]").inner_text()

    phone.fill("#token", "local-admin-token")
    with phone.expect_navigation() as navigation:
        phone.click("button[type=submit]")
    assert navigation.value.status == 200
    assert phone.url == f"{site}/admin"
    assert phone.locator("#token").count() == 0  # past the sign-in page
    (session,) = [c for c in phone.context.cookies() if c["name"] == "admin_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax" and session["path"] == "/admin"
    assert session["expires"] > 0  # a persistent cookie, with its Max-Age

    phone.goto(f"{site}/admin?page=signin")
    assert phone.url == f"{site}/admin"  # signed in: the sign-in page sends you home

    # Signing out is a form (POST, with the sign-in's CSRF token) on the home page.
    with phone.expect_navigation() as navigation:
        phone.locator("form[action='admin?page=signout'] button").click()
    assert navigation.value.status == 401  # back on the sign-in page
    assert [c for c in phone.context.cookies() if c["name"] == "admin_session"] == []
    assert phone.goto(f"{site}/admin").status == 401
