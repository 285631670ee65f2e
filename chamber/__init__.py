"""Chamber: contributions, relationships and word-of-mouth referrals for a chamber of commerce."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from chamber.config import load_config

    app.config.update(load_config(Path(app.instance_path), config))

    from chamber import (
        audit,
        backup,
        cli,
        errors,
        logs,
        models,  # noqa: F401 - every table known to Alembic and tests
        notifications,
        pagecache,
        routing,
        security,
        templating,
    )
    from chamber.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    routing.init_app(app)  # before the blueprints: ids in URLs stay in the database's range
    backup.init_app(app)  # database, backups and outbox readable by the owner only
    pagecache.init_app(app)

    from chamber.audit.views import bp as audit_bp
    from chamber.auth.two_factor_views import bp as two_factor_bp
    from chamber.auth.views import bp as auth_bp
    from chamber.committees.views import bp as committees_bp
    from chamber.contributions.event_views import bp as contribution_events_bp
    from chamber.contributions.views import bp as contributions_bp
    from chamber.meetings.views import bp as meetings_bp
    from chamber.members.views.businesses import bp as businesses_bp
    from chamber.members.views.people import bp as members_bp
    from chamber.notifications.views import bp as notifications_bp
    from chamber.one_to_ones.views import bp as one_to_ones_bp
    from chamber.portal.people import bp as people_bp
    from chamber.portal.views import bp as portal_bp
    from chamber.projects.views import bp as projects_bp
    from chamber.referrals.views.portal import bp as referrals_bp
    from chamber.referrals.views.staff import bp as referrals_staff_bp
    from chamber.relationships.views import bp as relationships_bp
    from chamber.reports.views import bp as reports_bp

    for blueprint in (
        portal_bp,
        auth_bp,
        two_factor_bp,
        members_bp,
        businesses_bp,
        people_bp,
        committees_bp,
        meetings_bp,
        projects_bp,
        contributions_bp,
        contribution_events_bp,
        one_to_ones_bp,
        notifications_bp,
        audit_bp,
        referrals_bp,
        referrals_staff_bp,
        reports_bp,
        relationships_bp,
    ):
        app.register_blueprint(blueprint)

    security.init_app(app)
    templating.init_app(app)
    notifications.init_app(app)
    audit.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    logs.init_app(app)  # no link tokens in werkzeug's or the app's log lines
    return app
