"""Speed of relationships on a seeded database (issue 9's targets).

    export DATABASE_URL=sqlite:////tmp/large.sqlite3
    .venv/bin/flask --app chamber db upgrade
    .venv/bin/flask --app chamber seed-demo --size large      # ends with a full rebuild
    .venv/bin/python bench/relationships.py [--runs 15] [--pairs 200] [--chain-only]

Measures: the full rebuild (target < 2 min) and the check; the relationships worker's round
(connectors and picture layouts, recomputed from scratch) and its memory; the incremental
update of a 40-person meeting when one mark changes (target < 50 ms), both the update alone
and the whole service call with its commit; the connection chain between random pairs
(median < 100 ms) and the profile pages that show it; the network pages; and the resident
memory of a web worker process serving those pages (< 150 MB). Exits 1 when a target is
missed. It changes the database: attendance of one meeting is marked, then put back.
--chain-only times the chain and the profile pages alone (a minute, not a quarter of an hour;
the database is only read).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import time

import sqlalchemy as sa

from chamber import create_app
from chamber.committees.models import Committee, CommitteeMembership
from chamber.extensions import db
from chamber.meetings import services as meeting_services
from chamber.meetings.models import Attendance, AttendanceStatus, Meeting
from chamber.members.models import Member
from chamber.relationships import chain, engine, network
from chamber.relationships.models import Tie, TieEntry
from chamber.relationships.queries import working_floor

TARGETS = {"rebuild_s": 120, "incremental_ms": 50, "chain_median_ms": 100, "worker_rss_mb": 150}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def sign_in(app, email: str):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"email": email, "password": "chamber-demo", "csrf_token": token}
    )
    if response.status_code != 302:
        sys.exit(f"could not sign in as {email} (is the demo seeded?)")
    return client


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, in MB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _unit = line.split()
                values[key] = int(amount) / 1024
    return round(values["VmRSS:"], 1), round(values["VmHWM:"], 1)


def worker(runs: int) -> None:
    """A fresh process serving the network pages, as a web worker would; prints its memory."""
    app = create_app()
    with app.app_context():
        ids = list(
            db.session.scalars(
                sa.select(Member.id).where(Member.is_active.is_(True)).order_by(Member.id)
            )
        )
        slug = biggest_committee()
    rng = random.Random(9)
    member = sign_in(app, "member@example.com")
    director = sign_in(app, "director@example.com")
    member.get("/settings")
    baseline, _peak = rss_mb()
    for _ in range(runs):
        member.get("/network")
        member.get("/dashboard")
        for target in rng.sample(ids, 10):
            member.get(f"/members/{target}")
    director.get("/staff/network")
    director.get(f"/network/committees/{slug}")
    assert len(director.get("/staff/network.graphml").data) > 0
    current, peak = rss_mb()
    print(f"worker_rss_mb {baseline} {current} {peak}")


def biggest_committee() -> str:
    return db.session.scalar(
        sa.select(Committee.slug)
        .join(CommitteeMembership, CommitteeMembership.committee_id == Committee.id)
        .group_by(Committee.id, Committee.slug)
        .order_by(sa.func.count().desc(), Committee.id)
        .limit(1)
    )


def refresher() -> None:
    """A fresh process doing one round of the relationships worker from scratch."""
    app = create_app()
    with app.app_context():
        baseline, _peak = rss_mb()
        started = time.perf_counter()
        done = network.refresh(force=True)
        db.session.commit()
        seconds = time.perf_counter() - started
    current, peak = rss_mb()
    print(f"refresher {baseline} {current} {peak} {seconds:.1f} {len(done)}")


def active_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Member.id).where(Member.is_active.is_(True), Member.is_staff.is_(False))
        )
    )


def chain_figures(ids: list[int], pairs: int) -> float:
    """The connection chain between random pairs; returns its median CPU time in ms."""
    rng = random.Random(2026)
    today = engine.today()
    chains, chain_cpu, hops = [], [], []
    for _ in range(pairs):
        viewer, target = rng.sample(ids, 2)
        started, cpu = time.perf_counter(), time.process_time()
        found = chain.find_chain(viewer, target, today)
        chains.append(time.perf_counter() - started)
        chain_cpu.append(time.process_time() - cpu)
        hops.append(len(found) - 1 if found else None)
        db.session.rollback()
    median_cpu = ms(statistics.median(chain_cpu))
    connected = [h for h in hops if h is not None]
    print(
        f"connection chain over {pairs} random pairs: median "
        f"{ms(statistics.median(chains))} ms (CPU {median_cpu} ms), p90 "
        f"{ms(statistics.quantiles(chains, n=10)[-1])} ms (CPU "
        f"{ms(statistics.quantiles(chain_cpu, n=10)[-1])} ms), max {ms(max(chains))} ms; "
        f"connected {len(connected)}/{len(hops)}, hops "
        + ", ".join(f"{n}: {connected.count(n)}" for n in range(1, 5))
    )
    return median_cpu


def profile_pages(app, ids: list[int], runs: int) -> None:
    """A member reads other members' profiles (each shows how they are connected)."""
    member = sign_in(app, "member@example.com")
    targets = random.Random(5).sample(ids, runs)
    member.get(f"/members/{targets[0]}")
    walls, cpus = [], []
    for target in targets:
        started, cpu = time.perf_counter(), time.process_time()
        assert member.get(f"/members/{target}").status_code == 200
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    print(
        f"profile pages /members/<id> ({runs} members, with the chain): median "
        f"{ms(statistics.median(walls))} ms (CPU {ms(statistics.median(cpus))} ms)"
    )


def forty_person_meeting(director: Member) -> Meeting:
    """The committee meeting with the most people on its sheet, all 40 marked present."""
    meeting_id, _n = db.session.execute(
        sa.select(Attendance.meeting_id, sa.func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.committee_id.is_not(None))
        .group_by(Attendance.meeting_id)
        .order_by(sa.func.count().desc(), Attendance.meeting_id)
        .limit(1)
    ).one()
    meeting = db.session.get(Meeting, meeting_id)
    sheet = list(
        db.session.scalars(
            sa.select(Attendance.member_id).where(Attendance.meeting_id == meeting_id)
        )
    )[:40]
    meeting_services.record_attendance(
        director, meeting, {member_id: AttendanceStatus.IN_PERSON for member_id in sheet}
    )
    db.session.commit()
    return meeting


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--refresher", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-rebuild", action="store_true", help="Time the rest only.")
    parser.add_argument(
        "--chain-only", action="store_true", help="Time the chain and the profile pages only."
    )
    args = parser.parse_args()
    if args.worker:
        worker(max(args.runs // 5, 2))
        return 0
    if args.refresher:
        refresher()
        return 0
    app = create_app()
    results: dict[str, float] = {}
    with app.app_context():
        members = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
        attendances = db.session.scalar(sa.select(sa.func.count()).select_from(Attendance))
        print(f"database: {members:,} members, {attendances:,} attendances")
        ids = active_ids()
        if args.chain_only:
            median = chain_figures(ids, args.pairs)
    if args.chain_only:
        profile_pages(app, ids, args.runs)
        return 1 if median > TARGETS["chain_median_ms"] else 0
    with app.app_context():
        if args.skip_rebuild:
            ties = db.session.scalar(sa.select(sa.func.count()).select_from(Tie))
        else:
            started, cpu = time.perf_counter(), time.process_time()
            entries, ties = engine.rebuild()
            db.session.commit()
            results["rebuild_s"] = round(time.perf_counter() - started, 1)
            print(
                f"full rebuild: {results['rebuild_s']} s (CPU of this process "
                f"{time.process_time() - cpu:.1f} s; {entries:,} entries, {ties:,} ties)"
            )
            started = time.perf_counter()
            differences = engine.check()
            db.session.rollback()
            print(f"check: {time.perf_counter() - started:.1f} s, {len(differences)} differences")

        director = db.session.scalar(
            sa.select(Member).where(Member.email == "director@example.com")
        )
        meeting = forty_person_meeting(director)
        present = sorted(
            db.session.scalars(
                sa.select(Attendance.member_id).where(
                    Attendance.meeting_id == meeting.id,
                    Attendance.status.in_([AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE]),
                )
            )
        )
        pairs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(TieEntry)
            .where(TieEntry.source == "meeting", TieEntry.ref_id == meeting.id)
        )
        print(f"incremental: meeting {meeting.id}, {len(present)} present, {pairs} pairs")

        update_times: list[tuple[float, float]] = []
        apply_scopes = engine.apply_scopes

        def timed_update(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return apply_scopes(*args, **kwargs)
            finally:
                update_times.append((time.perf_counter() - wall, time.process_time() - cpu))

        engine.apply_scopes = timed_update  # the update alone, as the commit runs it

        def sheet(marks, label):
            """Save attendance marks through the service (the update runs at the commit)."""
            wall, cpu = time.perf_counter(), time.process_time()
            meeting_services.record_attendance(director, meeting, marks)
            db.session.commit()
            return (time.perf_counter() - wall, time.process_time() - cpu, *update_times[-1])

        def report(label, samples):
            walls, cpus = [x[0] for x in samples], [x[1] for x in samples]
            update_walls, update_cpus = [x[2] for x in samples], [x[3] for x in samples]
            print(
                f"  {label}: the update {ms(statistics.median(update_walls))} ms "
                f"(CPU {ms(statistics.median(update_cpus))} ms); with the attendance service "
                f"and commit {ms(statistics.median(walls))} ms (CPU "
                f"{ms(statistics.median(cpus))} ms); medians"
            )
            return ms(statistics.median(update_walls)), ms(statistics.median(update_cpus))

        toggles = []
        for run in range(args.runs):
            mode = AttendanceStatus.ONLINE if run % 2 == 0 else AttendanceStatus.IN_PERSON
            toggles.append(sheet({present[0]: mode}, "toggle"))
        ties_of_one = len(present) - 1
        all_ties = len(present) * (len(present) - 1) // 2
        report(f"one person's mode changed ({ties_of_one} ties)", toggles)
        adds, sheets = [], []
        for _ in range(max(args.runs // 3, 3)):
            sheet({present[-1]: None}, "remove")
            adds.append(sheet({present[-1]: AttendanceStatus.IN_PERSON}, "add"))
            sheet({member_id: None for member_id in present}, "clear")
            sheets.append(
                sheet({member_id: AttendanceStatus.IN_PERSON for member_id in present}, "sheet")
            )
        _wall, cpu = report(
            f"person {len(present)} added (all {all_ties} ties change their share)", adds
        )
        # Judged on CPU time: on a shared, loaded machine the wall clock mostly measures the
        # queue for a core (both are printed).
        results["incremental_ms"] = cpu
        report(f"the whole sheet of {len(present)} recorded at once ({all_ties} ties)", sheets)
        engine.apply_scopes = apply_scopes
        differences = engine.check()
        db.session.rollback()
        print(f"  after the updates, check: {len(differences)} differences")

        today = engine.today()
        results["chain_median_ms"] = chain_figures(ids, args.pairs)
        working = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Tie)
            .where(Tie.score_log2 >= working_floor(today))
        )
        print(f"working ties today: {working:,} of {ties:,}")

    output = subprocess.run(  # noqa: S603 - this same script, fixed arguments
        [sys.executable, __file__, "--refresher"], capture_output=True, text=True, check=True
    ).stdout
    base, current, peak, seconds, done = re.search(
        r"refresher (\S+) (\S+) (\S+) (\S+) (\S+)", output
    ).groups()
    print(
        f"relationships worker, one round from scratch ({done} snapshots: connectors and "
        f"layouts): {seconds} s; its memory {base} MB loaded, {current} MB after, peak {peak} MB"
    )
    profile_pages(app, ids, args.runs)
    member = sign_in(app, "member@example.com")
    director = sign_in(app, "director@example.com")
    with app.app_context():
        targets = random.Random(3).sample(ids, 10)
        slug = biggest_committee()
    pages = [
        ("member", member, "/network"),
        ("member", member, "/dashboard"),
        ("member", member, f"/members/{targets[0]}"),
        ("staff", director, "/staff/network"),
        ("staff", director, f"/network/committees/{slug}"),
        ("staff", director, "/staff/network.graphml"),
    ]
    for who, client, path in pages:
        first = timed(lambda c=client, p=path: c.get(p).data, 1)[0]
        later = timed(lambda c=client, p=path: c.get(p).data, max(args.runs // 3, 3))
        print(
            f"page {path} ({who}): first {ms(first)} ms, then median "
            f"{ms(statistics.median(later))} ms"
        )

    output = subprocess.run(  # noqa: S603 - this same script, fixed arguments
        [sys.executable, __file__, "--worker", "--runs", str(args.runs)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    baseline, current, peak = (
        float(x) for x in re.search(r"worker_rss_mb (\S+) (\S+) (\S+)", output).groups()
    )
    results["worker_rss_mb"] = current
    print(
        f"worker memory: {baseline} MB once the app is loaded and signed in (the whole app: "
        f"every feature's imports), {current} MB after serving the network pages "
        f"(+{current - baseline:.1f} MB); peak {peak} MB (sign-in's scrypt takes 128 MB)"
    )

    missed = [name for name, limit in TARGETS.items() if results.get(name, 0) > limit]
    for name in missed:
        print(f"MISSED: {name} = {results[name]} (target {TARGETS[name]})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
