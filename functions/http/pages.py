"""HTML answers: every page is rendered from templates/pages, in the parent's language, with
the same safe headers.

The language is the one asked for with ?lang= (remembered in a cookie), else the cookie's,
else the browser's Accept-Language among those we ship, else English. The page decorator
(functions/entrypoints.py) settles it for each request before the handler runs.
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlencode

from flask import Request, Response

from functions.config import get_settings
from functions.domain.shared.vocabulary import N_
from functions.rendering import render
from functions.rendering.translations import ENGLISH, LANGUAGES

LANGUAGE_COOKIE = "lang"
# Pages only their link's holder should see (a status or unsubscribe link, a case's thanks).
NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}
_language: ContextVar[str] = ContextVar("page_language", default=ENGLISH)
_language_links: ContextVar[tuple[dict, ...]] = ContextVar("language_links", default=())

# Pages load nothing from anywhere: no scripts, fonts or images, only their own inline CSS.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def choose_language(request: Request) -> str:
    """The language this request's pages are shown in."""
    for asked in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(list(LANGUAGES)) or ENGLISH


def begin(request: Request) -> None:
    """Settle the request's language, and the links that switch it (same page, same query)."""
    language = choose_language(request)
    _language.set(language)
    links = []
    for code, name in LANGUAGES.items():
        query = {**request.args.to_dict(), "lang": code}
        links.append({"code": code, "name": name, "href": "?" + urlencode(query),
                      "plain_href": f"?lang={code}", "current": code == language})  # fmt: skip
    _language_links.set(tuple(links))


def finish(request: Request, response: Response) -> None:
    """Remember a language asked for with ?lang= for the parent's next pages."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, asked, max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", path="/", secure=cookies_secure())  # fmt: skip


def cookies_secure() -> bool:
    """Cookies are sent over HTTPS only wherever the service is served over HTTPS."""
    return get_settings().public_base_url.startswith("https://")


def current_language() -> str:
    return _language.get()


def render_page(
    template: str,
    status: int = 200,
    headers: dict | None = None,
    keep_query: bool = True,
    english_only: bool = False,
    **context,
) -> Response:
    """Render templates/pages/<template> into a complete HTML response. `keep_query=False`:
    the language links do not repeat the request's query (a page that must not echo it).
    `english_only`: a staff page, in English whatever the request asked, with no language
    links (staff pages and mail are not translated)."""
    context.setdefault("network_name", get_settings().network_name)
    language = ENGLISH if english_only else _language.get()
    links = () if english_only else _language_links.get()
    if not keep_query:
        links = tuple(link | {"href": link["plain_href"]} for link in links)
    body = render(f"pages/{template}", language, language_links=links, **context)
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(_SECURITY_HEADERS)
    response.headers.update(headers or {})
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def not_found_page() -> Response:
    """The same page for every wrong link: it repeats nothing of what was asked."""
    return render_page("not_found.html", 404, keep_query=False)


def error_page(status: int, heading: str, message: str, headers: dict | None = None) -> Response:
    """An error page; `heading` and `message` are English marked with N_ (shown translated)."""
    return render_page("error.html", status, headers, keep_query=False, heading=heading,
                       message=message)  # fmt: skip


def internal_error_page() -> Response:
    return error_page(500, N_("Something went wrong"), N_("Please try again in a few minutes."))
