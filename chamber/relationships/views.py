"""Pages: my network, introductions, committee and chamber pictures, the GraphML export."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from chamber import authz, pagecache
from chamber.authz import require
from chamber.committees import queries as committee_queries
from chamber.committees.models import Committee
from chamber.extensions import db
from chamber.flow import finish
from chamber.members.models import Member
from chamber.paging import requested_page
from chamber.relationships import chain, engine, graphml, pictures, queries, services
from chamber.relationships.forms import AsOfForm, DecisionForm, IntroductionForm
from chamber.relationships.models import Introduction
from chamber.relationships.suggestions import next_step
from chamber.relationships.why import why

bp = Blueprint("relationships", __name__)

TIES_PER_PAGE = 20


@bp.get("/network")
@login_required
@pagecache.kept
def network():
    """My ties by strength with their why, my in-person/online balance, ties going cold."""
    me = current_user._get_current_object()
    require(authz.can_view_network(me))
    today = engine.today()
    form = AsOfForm(request.args)
    as_of = None
    if form.validate() and form.as_of.data:
        if form.as_of.data >= today:
            form.as_of.errors = ["Choose a day before today."]
        else:
            as_of = form.as_of.data
    page = queries.tie_page(me, requested_page(), TIES_PER_PAGE)
    rows = [
        (tie, tie.other(me.id), queries.tie_strength(tie, today), why(tie, today))
        for tie in page.items
    ]
    cold = [(tie, tie.other(me.id), why(tie, today)) for tie in queries.cold_ties(me, today)]
    return render_template(
        "relationships/network.html",
        page=page,
        rows=rows,
        balance=queries.balance(me),
        cold=cold,
        form=form,
        as_of=as_of,
        past=queries.ties_as_of(me, as_of) if as_of else None,
        pending_since=queries.pending_since(),
        committees=[m.committee for m in committee_queries.member_memberships(me)],
        suggestion=next_step(me, today),
    )


@bp.get("/network/committees/<slug>")
@login_required
def committee(slug: str):
    """A committee's members and their ties, as a picture and as a list."""
    found = db.first_or_404(db.select(Committee).where(Committee.slug == slug))
    require(authz.can_view_committee_network(current_user, found))
    svg, lines, people = pictures.committee_picture(found, engine.today())
    tied = {line.first.id for line in lines} | {line.second.id for line in lines}
    return render_template(
        "relationships/committee.html",
        committee=found,
        svg=svg,
        lines=lines,
        untied=[person for person in people if person.id not in tied],
        pending_since=queries.pending_since(),
    )


@bp.route("/network/introductions/new", methods=["GET", "POST"])
@login_required
def ask_introduction():
    """Ask the first person on the chain to introduce me to a member."""
    form = IntroductionForm()
    target_id = form.target_id.data if request.method == "POST" else None
    if target_id is None:
        target_id = request.args.get("to", type=int)
    target = db.session.get(Member, target_id) if target_id and target_id < 2**31 else None
    if target is None:
        abort(404)
    require(authz.can_ask_for_introduction(current_user, target))
    if request.method == "GET":
        form.target_id.data = target.id
    if form.validate_on_submit():
        response = finish(
            lambda: services.ask_for_introduction(
                current_user, target, form.message.data, form.form_token.data
            ),
            success=lambda intro: (
                f"Asked {intro.introducer.full_name} to introduce you to {target.full_name}."
            ),
            to=url_for("relationships.introductions"),
            form=form,
        )
        if response is not None:
            return response
    connection = chain.connection(current_user, target, engine.today())
    status = 400 if form.errors else 200
    return render_template(
        "relationships/ask_introduction.html", form=form, target=target, connection=connection
    ), status


@bp.get("/network/introductions")
@login_required
def introductions():
    require(authz.can_view_network(current_user))
    return render_template(
        "relationships/introductions.html",
        lists=queries.introductions_for(current_user),
        decision_form=DecisionForm(),
    )


@bp.post("/network/introductions/<int:introduction_id>/accept", defaults={"accept": True})
@bp.post("/network/introductions/<int:introduction_id>/decline", defaults={"accept": False})
@login_required
def decide_introduction(introduction_id: int, accept: bool):
    """The member asked introduces the two, or declines."""
    introduction = db.get_or_404(Introduction, introduction_id)
    require(authz.can_decide_introduction(current_user, introduction))
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return finish(
        lambda: services.decide_introduction(current_user, introduction, accept),
        success="Thank you: both of them now have each other's contact details."
        if accept
        else "Declined; they were told.",
        to=url_for("relationships.introductions"),
    )


@bp.get("/staff/network")
@login_required
def staff_network():
    """The chamber as committees joined by shared members, its connectors, and the members
    with no working tie (at risk)."""
    require(authz.can_view_chamber_network(current_user))
    today = engine.today()
    svg, committees, links = pictures.chamber_picture(today)
    return render_template(
        "relationships/staff.html",
        svg=svg,
        committees=committees,
        links=links,
        connectors=pictures.connectors(today),
        at_risk=queries.members_without_working_tie(queries.working_floor(today), requested_page()),
        pending_since=queries.pending_since(),
    )


@bp.get("/staff/network.graphml")
@login_required
def staff_graphml():
    require(authz.can_view_chamber_network(current_user))
    today = engine.today()
    return Response(
        stream_with_context(graphml.graphml_chunks(today)),
        mimetype="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="chamber-network-{today}.graphml"'},
    )
