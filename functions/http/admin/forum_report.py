"""GET admin?page=forum_report&month=YYYY-MM: a compiled forum summary for administrators
(English), as a page, a CSV of every figure (&format=csv) or a printable A4 PDF
(&format=pdf), each showing the same figures. &forum=<id> shows one forum's summary, a
network administrator may add &region=<id> (the network's month otherwise), &version=<n>
an earlier version. A regional administrator sees their region's month and forums only:
another region's (or the network's) is 404, as an unknown forum is.

An administrators' page, because the session cookie is only sent to the admin pages' path
(functions/http/admin/session.py); a Bearer token works here as on every admin page. The
issue's `forum_report` entry point (functions/http/admin/forum_report_entry.py) answers
with this handler for a Bearer token and sends a browser here.

The month's action points (functions/domain/reports/action_points.py) follow the summary;
on one forum's report, those about that forum. Before the summary is compiled the page
says when it will be (the daily compile, the first run after the last survey of the month
closes: functions/services/reports/compile.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Request, Response

from functions import logs, wiring
from functions.domain.reports.export import ROUNDING
from functions.domain.reports.summary import MonthSummary, summary_id
from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.http.admin.session import admin_view
from functions.http.callers import caller
from functions.http.pages import not_found_page

NAME = "admin"
_MONTH = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
_SAFE = re.compile(r"[^A-Za-z0-9._-]")
COMPILED_AT = "05:30 South African time"  # infra/terraform/scheduler.tf, daily


def _refused(administrator, reason: str) -> Response:
    logs.admin_refused(NAME, 404, reason, administrator.key)
    return not_found_page()


def _previous_month(deps) -> str:
    today = deps.clock().astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date().replace(day=1)
    return f"{today - timedelta(days=1):%Y-%m}"


def forum_report_page(request: Request) -> Response:
    from functions.domain.forums.survey import closes_at

    administrator, deps = caller(request), wiring.dependencies()
    forum_id = request.args.get("forum", "")[:200]
    region = request.args.get("region", "")[:100] or administrator.region_id
    if not administrator.sees(region):
        return _refused(administrator, "out_of_scope")
    if forum_id:
        forum = deps.forums.get(forum_id)
        if forum is None or not administrator.sees(forum.region_id):
            return _refused(administrator, "out_of_scope" if forum else "unknown_forum")
        month, scope, forums = forum.month, forum.region_id, [forum]
        key = summary_id(month, scope, forum_id)
    else:
        month = request.args.get("month", "")
        month = month if _MONTH.fullmatch(month) else _previous_month(deps)
        scope, key = region, summary_id(month, region)
        forums = [f for f in deps.forums.in_month(month) if f.region_id == scope]
    scope_name = _scope_name(deps, scope)
    versions = deps.forums.summary_versions(key)
    summary = _chosen(versions, request.args.get("version", ""))
    if summary is None and versions:
        return _refused(administrator, "unknown_version")
    title = (f"Forum summary: {forums[0].title}" if forum_id
             else f"Forum summary: {scope_name}, {month}")  # fmt: skip
    if summary is None:
        live = [f for f in forums if not f.cancelled]
        closes = max((closes_at(f) for f in live), default=None)
        return admin_view(request, "forum_report_pending.html", title, month=month,
                          scope_name=scope_name, forum_id=forum_id, forums=forums,
                          closes=closes, compiled_at=COMPILED_AT)  # fmt: skip
    wanted = request.args.get("format", "")
    name = _SAFE.sub("_", f"forum-summary-{key}-v{summary.version}")
    if wanted == "csv":
        from functions.domain.reports.export import csv_text

        # Werkzeug adds "; charset=utf-8" to a text/ mimetype itself.
        return _download(csv_text(summary).encode(), "text/csv", f"{name}.csv")
    points = [p for p in deps.action_points.action_points(scope, month)
              if not forum_id or p.forum_id == forum_id]  # fmt: skip
    if wanted == "pdf":
        from functions.rendering.forum_report_pdf import render_pdf

        pdf = render_pdf(summary, title, scope_name, points)
        return _download(pdf, "application/pdf", f"{name}.pdf")
    query = f"admin?page=forum_report&month={month}" + (f"&forum={forum_id}" if forum_id else "")
    if scope and administrator.whole_network and not forum_id:
        query += f"&region={scope}"
    latest = versions[-1].version
    return admin_view(request, "forum_report.html", title, s=summary, scope_name=scope_name,
                      rounding=ROUNDING, query=query, versions=versions, latest=latest,
                      points=points, now=deps.clock(),
                      points_link=f"admin?page=action_points&month={month}"
                      + (f"&region={scope}" if scope else ""),
                      this=f"{query}&version={summary.version}" if summary.version != latest
                      else query)  # fmt: skip


def _chosen(versions: list[MonthSummary], asked: str) -> MonthSummary | None:
    if not versions:
        return None
    if not asked:
        return versions[-1]
    return next((v for v in versions if str(v.version) == asked), None)


def _scope_name(deps, scope: str | None) -> str:
    if scope is None:
        return "the whole network"
    region = deps.directory.get_region(scope)
    return region.name if region else scope


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    }
    return Response(body, mimetype=mimetype, headers=headers)
