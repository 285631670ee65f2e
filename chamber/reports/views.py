"""Report pages, their CSV downloads and charts, and the staff settings for the engagement light.

Each report is a page, a CSV (`<report>.csv`, the same query string) and charts
(`<report>/<chart>.svg`); all three load the scope from the URL, check `authz.can_view_report`
and build the report from the same function, so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination

from chamber import authz, pagecache, paging
from chamber.authz import require
from chamber.committees.models import Committee
from chamber.csvexport import csv_response
from chamber.extensions import db
from chamber.flow import finish
from chamber.forms import member_id
from chamber.localtime import chamber_today
from chamber.members.models import Member
from chamber.reports import charts, queries, services
from chamber.reports.committees import build_by_committee, build_committee_health
from chamber.reports.engagement import WEIGHT_TEXT, build_engagement, current_thresholds
from chamber.reports.forms import ReportFilterForm, ThresholdsForm
from chamber.reports.givers_gain import CSV_COLUMNS, build_givers_gain
from chamber.reports.models import EngagementThresholds
from chamber.reports.network import build_network
from chamber.reports.scope import Scope, ScopeKind, trailing_months
from chamber.reports.summary import build_summary
from chamber.reports.tables import Table, csv_sections, display
from chamber.reports.ties import build_ties

bp = Blueprint("reports", __name__)


@bp.record_once
def _init_cache(state) -> None:
    """The reports' cache: in-process by default, Redis when CACHE_TYPE/CACHE_REDIS_URL say
    so (chamber/config.py)."""
    state.app.config.setdefault("CACHE_TYPE", "SimpleCache")
    state.app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    charts.cache.init_app(state.app)


@dataclass(frozen=True)
class ReportKind:
    slug: str
    number: int
    title: str
    lead: str
    build: Callable
    months: int = 12  # the default range: trailing months


REPORTS = {
    report.slug: report
    for report in (
        ReportKind(
            "summary",
            1,
            "Referral summary",
            "Referrals given, won and lost, their value and how long they take.",
            build_summary,
        ),
        ReportKind(
            "by-committee",
            2,
            "Referrals by committee",
            "Which committees the referrals come from: where giver and receiver know each other.",
            build_by_committee,
        ),
        ReportKind(
            "givers-gain",
            3,
            "Givers gain",
            "Do the members who give their time receive more business?",
            build_givers_gain,
        ),
        ReportKind(
            "ties",
            4,
            "Contribution → relationship → referral",
            "Do referrals pass between people who worked together first?",
            build_ties,
        ),
        ReportKind(
            "network",
            5,
            "Network",
            "Who is connected, who is at risk of drifting away, and how ties grow.",
            build_network,
        ),
        ReportKind(
            "engagement",
            6,
            "Member engagement",
            "What each member did for the community and for each other, with a traffic light.",
            build_engagement,
            months=6,
        ),
        ReportKind(
            "committee-health",
            7,
            "Committee health",
            "Members, attendance, hours, projects and referrals per committee.",
            build_committee_health,
        ),
    )
}


def built_report(report: ReportKind, scope: Scope):
    """The report's figures for this scope: built, or from the cache when nothing a report
    reads has changed since (the key holds the data version counter and today's date).

    The version is read before the figures: a change committed in between can only make the
    cached figures newer than their key, never older, so no reader is shown stale numbers."""
    key = f"{report.slug}:{scope.key}:{chamber_today()}:{queries.data_version()}"
    built = charts.cache.kept(key)
    if built is None:
        built = report.build(scope)
        # Kept without the scope: it holds this request's session's rows (committee, member).
        charts.cache.keep(key, replace(built, scope=None))
        return built
    return replace(built, scope=scope)


def _report_or_404(slug: str) -> ReportKind:
    report = REPORTS.get(slug)
    if report is None:
        abort(404)
    return report


def _led_committees(member: Member) -> list[Committee]:
    return [
        membership.committee
        for membership in member.memberships
        if membership.role.leads and not membership.committee.is_archived
    ]


def _filter_form(report: ReportKind) -> tuple[ReportFilterForm, tuple]:
    form = ReportFilterForm(request.args)
    form.validate()
    today = chamber_today()
    first, last = form.dates(trailing_months(today, report.months), today)
    return form, (first, last)


def load_scope(report: ReportKind) -> tuple[Scope, ReportFilterForm]:
    """The scope the URL asks for (`member=`, `committee=`, or the viewer's widest), loaded;
    an unknown member or committee is a 404."""
    form, (first, last) = _filter_form(report)
    raw_member, raw_committee = request.args.get("member"), request.args.get("committee")
    if raw_member:
        member = db.get_or_404(Member, member_id(raw_member) or 0)
        return Scope(ScopeKind.MEMBER, first, last, member=member), form
    if raw_committee:
        committee = db.get_or_404(Committee, member_id(raw_committee) or 0)
        return Scope(ScopeKind.COMMITTEE, first, last, committee=committee), form
    if authz.can_view_chamber_reports(current_user):
        return Scope(ScopeKind.CHAMBER, first, last), form
    if report.slug not in authz.MEMBER_REPORTS:
        led = _led_committees(current_user)
        if led:
            return Scope(ScopeKind.COMMITTEE, first, last, committee=led[0]), form
    return Scope(ScopeKind.MEMBER, first, last, member=current_user), form


def _viewable(slug: str) -> tuple[ReportKind, Scope, ReportFilterForm]:
    """The report, the scope the URL asks for and its filter form, once the viewer may see
    them (page, CSV and charts alike)."""
    report = _report_or_404(slug)
    scope, form = load_scope(report)
    require(authz.can_view_report(current_user, report.slug, scope))
    return report, scope, form


def _committee_choices(scope: Scope) -> list[tuple[str, str]]:
    """The committee filter: staff pick any active committee (or the whole chamber), a lead
    their own committees."""
    if authz.can_view_chamber_reports(current_user):
        committees = queries.active_committees()
        return [("", "Whole chamber"), *((str(c.id), c.name) for c in committees)]
    return [(str(c.id), c.name) for c in _led_committees(current_user)]


def _page(template: str, **context) -> str:
    """A page of reports/: each lists the reports and may state the engagement weights."""
    return render_template(
        f"reports/{template}.html", reports=REPORTS, weight_text=WEIGHT_TEXT, **context
    )


@bp.get("/reports/")
@login_required
@pagecache.kept
def index():
    require(authz.can_view_reports(current_user))
    led = _led_committees(current_user)
    return _page("index", led=led, member_reports=authz.MEMBER_REPORTS)


@bp.get("/reports/<slug>")
@login_required
@pagecache.kept
def show(slug: str):
    report, scope, form = _viewable(slug)
    # The fields show the range in force (the default one when none was asked for).
    if not form.first.errors:
        form.first.data = scope.first
    if not form.last.errors:
        form.last.data = scope.last
    form.committee.choices = _committee_choices(scope)
    form.committee.data = str(scope.committee.id) if scope.committee else ""
    built = built_report(report, scope)
    return _page(report.slug.replace("-", "_"), report=report, scope=scope, form=form, built=built)


@bp.get("/reports/<slug>.csv")
@login_required
def csv(slug: str):
    report, scope, _ = _viewable(slug)
    built = built_report(report, scope)
    filename = f"{report.slug}-{scope.key}.csv"
    if report.slug == "givers-gain":
        return csv_response(filename, CSV_COLUMNS, built.csv_rows())
    header, rows = csv_sections(built.tables)
    return csv_response(filename, header, rows)


@bp.get("/reports/<slug>/<chart>.svg")
@login_required
def chart(slug: str, chart: str):
    report, scope, _ = _viewable(slug)
    key = f"report-chart:{report.slug}:{chart}:{scope.key}:{queries.data_version()}"
    svg = charts.cache.get(key)
    if svg is None:
        drawn = {c.name: c for c in built_report(report, scope).charts}
        if chart not in drawn:
            abort(404)
        svg = charts.render_svg(drawn[chart])
        charts.cache.set(key, svg)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = charts.SVG_CSP
    return response


# Staff: the engagement light's thresholds


@bp.route("/staff/reports/engagement-thresholds", methods=["GET", "POST"])
@login_required
def thresholds():
    require(authz.can_change_report_settings(current_user))
    current = db.session.get(EngagementThresholds, services.THRESHOLDS_ID)
    form = ThresholdsForm()
    if request.method == "GET":
        green, yellow = current_thresholds()
        form.green_from.data, form.yellow_from.data = green, yellow
        form.version_id.data = current.version_id if current else ""
    if form.validate_on_submit():
        done = finish(
            lambda: services.set_engagement_thresholds(
                current_user,
                form.green_from.data,
                form.yellow_from.data,
                version_id=form.version_id.data,
            ),
            success="The engagement thresholds are saved; the change is in the audit log.",
            to=url_for("reports.thresholds"),
            form=form,
        )
        if done is not None:
            return done
    history = queries.threshold_history()
    status = 400 if request.method == "POST" else 200
    return _page("thresholds", form=form, history=history), status


@bp.app_template_global()
def table_page(table: Table) -> Pagination | None:
    """The page of a member table asked for (`?page=N`, REPORT_ROWS_PER_PAGE rows), or None
    when the table is shown whole."""
    per_page = current_app.config["REPORT_ROWS_PER_PAGE"]
    if not table.paged or len(table.rows) <= per_page:
        return None
    return paging.paginate_list(
        range(len(table.rows)), page=paging.requested_page(), per_page=per_page
    )


@bp.app_template_filter("report_cell")
def report_cell(cell) -> str:
    """A table cell as the page shows it ($1,234.50, 12.5%, 1,234)."""
    return display(cell)
