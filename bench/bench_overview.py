"""The two overviews on a province-sized desk (issue 11, "Overviews, with charts").

Generates ``BENCH_CASES`` cases (default 100,000) over ``BENCH_ENTERPRISES``
agency clients (default 20,000) with :func:`bench.generate.generate`, then
licenses up to ``BENCH_LICENSES`` (default 1,000,000) held by
``BENCH_HOLDERS`` further enterprises (default 80,000, not the agency's),
each with its certificate-issued case, a 2025 annual report for most valid
licenses, and the met deadline of every step each case went through (for
the compliance block). The bulk rows are written by ``INSERT ... SELECT``
over a generated series in the database itself (the point is volume).

Measured with Django's test ``Client``: the agency overview page (the
consultant of the generated agency, whose book is every generated case),
the province overview page (a reviewer and the administrator), a search of
the province, and ``/api/v1/stats/agency`` and ``/api/v1/stats/province``;
``BENCH_REQUESTS`` requests each (default 20) after a warm-up: p50/p95, this
process's CPU time and the queries per request, beside the machine's speed
probe. SQLite in a temporary file; again on PostgreSQL when
``BENCH_DATABASE_URL`` is set (that database is dropped, created and dropped
after). Target: each overview under 150 ms at the median.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.bench_assess import _probe
from bench.bench_cases import PROJECT_DIR, _create_postgres, _env_int, _get, _measure

PREFECTURES = (
    "兰州市",
    "嘉峪关市",
    "金昌市",
    "白银市",
    "天水市",
    "武威市",
    "张掖市",
    "平凉市",
    "酒泉市",
    "庆阳市",
    "定西市",
    "陇南市",
    "临夏回族自治州",
    "甘南藏族自治州",
)


def main() -> None:
    targets: list[tuple[str, str]] = [("sqlite", "")]
    postgres = os.environ.get("BENCH_DATABASE_URL", "")
    if postgres:
        targets.append(("postgresql", postgres))
    else:
        print("postgresql: skipped (set BENCH_DATABASE_URL to run it)", flush=True)
    if os.environ.get("BENCH_SKIP_SQLITE"):
        targets = targets[1:]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH", "")]))
    env.setdefault("ICPDESK_LOG_LEVEL", "ERROR")
    for label, url in targets:
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_overview", label, url], cwd=PROJECT_DIR, env=env, check=False
        )
        if result.returncode:
            print(f"{label}: the benchmark failed (exit {result.returncode})", flush=True)


# --------------------------------------------------------------------- child


class Sql:
    """The few spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def series(self, n: int) -> tuple[str, str]:
        """(prefix, source): ``WITH`` clause before the INSERT and the FROM source of i = 0..n-1."""
        if self.pg:
            return "", f"generate_series(0, {n - 1}) AS s(i)"
        return f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1}) ", "s"  # noqa: S608

    def day(self, base: date, offset: str) -> str:
        """``base`` plus ``offset`` days (an SQL integer expression)."""
        if self.pg:
            return f"(DATE '{base.isoformat()}' + ({offset})::int)"
        return f"date('{base.isoformat()}', ({offset}) || ' days')"

    def now(self) -> str:
        return "TIMESTAMPTZ '2026-01-01 00:00:00+00'" if self.pg else "'2026-01-01 00:00:00'"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"


def _check_columns(model: Any, columns: list[str]) -> None:
    have = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    if sorted(have) != sorted(columns):
        raise SystemExit(f"{model.__name__}: the generator's columns {columns} are not the table's {have}")


def _prefecture_case(expr: str) -> str:
    whens = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(PREFECTURES))
    return f"CASE ({expr}) % {len(PREFECTURES)} {whens} END"


def _holders(n: int, today: date) -> tuple[int, int]:
    """``n`` enterprises outside the agency's book, in every prefecture; (first id, count)."""
    from django.utils import timezone

    from bench.generate import DIVISIONS, _credit_code
    from icpdesk.accounts.choices import OrgKind
    from icpdesk.accounts.models import Organisation
    from icpdesk.enterprises.models import Enterprise

    now = timezone.now()
    names = [f"甘肃持证企业第{i + 1:06d}号有限公司" for i in range(n)]
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.ENTERPRISE, name=name, created_at=now) for name in names], batch_size=5000
    )
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(
                organisation=org,
                name=name,
                uscc=_credit_code(DIVISIONS[PREFECTURES[i % len(PREFECTURES)]], 700_000_000 + i),
                province_code="CN-GS",
                city=PREFECTURES[i % len(PREFECTURES)],
                registered_on=today.replace(year=today.year - 3),
                domain=f"holder-{i}.example.cn",
                created_at=now,
            )
            for i, (org, name) in enumerate(zip(orgs, names, strict=True))
        ],
        batch_size=5000,
    )
    ids = sorted(f.pk for f in firms)
    if ids[-1] - ids[0] + 1 != len(ids):
        raise SystemExit("the holders' ids are not contiguous")
    return ids[0], len(ids)


def _bulk_licenses(sql: Sql, n: int, first_holder: int, holders: int, today: date) -> None:
    """``n`` certificate-issued cases with their licenses, and the 2025 reports of most of them."""
    from django.db import connection

    from icpdesk.cases.models import Application
    from icpdesk.licenses.models import AnnualReport, License

    if n <= 0:
        return
    holder = f"({first_holder} + (i % {holders}))"
    app_columns = {
        "reference": sql.text("'BL-' || " + sql.text("i")),
        "enterprise_id": holder,
        "agency_id": "NULL",
        "kind": "'new'",
        "license_type": "'B25'",
        "state": "'certificate_issued'",
        "version": "6",
        "province_code": "'CN-GS'",
        "prefecture": _prefecture_case(f"(i % {holders}) + {first_holder}"),
        "rule_pack": "'gansu'",
        "rule_pack_version": "'bench'",
        "eligibility": "NULL",
        "due_step": "''",
        "due_on": "NULL",
        "due_provisional": "FALSE",
        "acceptance_days_used": "0",
        "decision": "'approved'",
        "decision_reasons": "''",
        "forged": "FALSE",
        "created_at": sql.now(),
        "created_by_id": "NULL",
        "filed_on": sql.day(today, "-40 - (i % 1800)"),
        "accepted_on": sql.day(today, "-35 - (i % 1800)"),
        "inspected_on": sql.day(today, "-25 - (i % 1800)"),
        "decided_on": sql.day(today, "-12 - (i % 1800)"),
        "certificate_on": sql.day(today, "-10 - (i % 1800)"),
        "closed_on": sql.day(today, "-10 - (i % 1800)"),
        "updated_at": sql.now(),
    }
    _check_columns(Application, list(app_columns))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_application")
        before = cursor.fetchone()[0]
        prefix, source = sql.series(n)
        cursor.execute(
            f"{prefix}INSERT INTO cases_application ({', '.join(app_columns)}) "  # noqa: S608
            f"SELECT {', '.join(app_columns.values())} FROM {source}"
        )
    # The license of each: i is the case's rank among the new ones.
    i = f"(a.id - {before} - 1)"
    state = (
        f"CASE WHEN {i} % 100 < 85 THEN 'valid' WHEN {i} % 100 < 90 THEN 'lapsed' "
        f"WHEN {i} % 100 < 94 THEN 'expired' WHEN {i} % 100 < 97 THEN 'cancelled' "
        f"WHEN {i} % 100 < 99 THEN 'revoked' ELSE 'suspended' END"
    )
    next_close = date(today.year + 1, 3, 31)
    this_close = date(today.year, 3, 31)
    lic_columns = {
        "number": sql.text("'甘B2-L' || " + sql.text(i)),
        "holder_id": "a.enterprise_id",
        "holder_name": sql.text("'甘肃持证企业' || " + sql.text("a.enterprise_id")),
        "application_id": "a.id",
        "license_type": "'B25'",
        "province_code": "'CN-GS'",
        "domains": "'[]'",
        "server_locations": "'[]'",
        "security_manager": "''",
        "service_scope": "''",
        "issued_on": "a.certificate_on",
        "expires_on": sql.day(today, f"({i} % 1830) - 30"),
        "state": state,
        "state_changed_on": "a.certificate_on",
        "bad_record": "FALSE",
        # Most valid licenses filed their 2025 report and owe the next; one in 50 never did.
        "annual_report_due_on": f"CASE WHEN {i} % 50 = 0 THEN '{this_close}' ELSE '{next_close}' END",
        "renewal_application_id": "NULL",
        "created_at": sql.now(),
    }
    if sql.pg:
        lic_columns["domains"] = "'[]'::jsonb"
        lic_columns["server_locations"] = "'[]'::jsonb"
        lic_columns["annual_report_due_on"] = (
            f"CASE WHEN {i} % 50 = 0 THEN DATE '{this_close}' ELSE DATE '{next_close}' END"
        )
    _check_columns(License, list(lic_columns))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM licenses_license")
        licenses_before = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO licenses_license ({', '.join(lic_columns)}) "  # noqa: S608
            f"SELECT {', '.join(lic_columns.values())} FROM cases_application a WHERE a.id > {before}"
        )
    j = f"(l.id - {licenses_before})"
    empty = "'{}'::jsonb" if sql.pg else "'{}'"
    report_columns = {
        "license_id": "l.id",
        "year": str(today.year - 1),
        "state": "'submitted'",
        "operations": empty,
        "security": empty,
        "complaints": empty,
        "window_opens_on": f"DATE '{date(today.year, 1, 1)}'" if sql.pg else f"'{date(today.year, 1, 1)}'",
        "due_on": f"DATE '{this_close}'" if sql.pg else f"'{this_close}'",
        # one in ten after the window's last day (day 89 of the year)
        "submitted_on": sql.day(date(today.year, 1, 1), f"{j} % 100"),
        "submitted_by_id": "NULL",
        "updated_at": sql.now(),
    }
    _check_columns(AnnualReport, list(report_columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO licenses_annualreport ({', '.join(report_columns)}) "  # noqa: S608
            f"SELECT {', '.join(report_columns.values())} FROM licenses_license l "
            f"WHERE l.id > {licenses_before} AND l.state = 'valid' AND l.annual_report_due_on = "
            + (f"DATE '{next_close}'" if sql.pg else f"'{next_close}'")
        )


def _met_deadlines(sql: Sql) -> None:
    """The deadline of every step each generated case went through, met (some late)."""
    from django.db import connection

    from icpdesk.cases.models import Deadline

    _check_columns(
        Deadline,
        [
            "application_id",
            "step",
            "started_on",
            "due_on",
            "provisional",
            "met_on",
            "cancelled",
            "created_at",
        ],
    )
    steps = (
        ("acceptance", "filed_on", "accepted_on", 7),
        ("inspection", "accepted_on", "inspected_on", 14),
        ("decision", "inspected_on", "decided_on", 21),
        ("certificate", "decided_on", "certificate_on", 7),
    )
    with connection.cursor() as cursor:
        for step, start, done, limit in steps:
            # A limit of ~7-21 calendar days: cases that took longer were late.
            due = f"(a.{start} + {limit})" if sql.pg else f"date(a.{start}, '+{limit} days')"
            cursor.execute(
                "INSERT INTO cases_deadline (application_id, step, started_on, due_on, provisional, met_on, "  # noqa: S608
                f"cancelled, created_at) SELECT a.id, '{step}', a.{start}, {due}, FALSE, a.{done}, FALSE, "
                f"{sql.now()} FROM cases_application a WHERE a.{done} IS NOT NULL AND a.{start} IS NOT NULL"
            )


def _signed_in(user: Any) -> Any:
    """A test client signed in as ``user``, past the second sign-in step where the desk asks one of staff."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice
    except ImportError:  # a desk without two-factor sign-in
        return client
    device = StaticDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # a fixed table name
        return int(cursor.fetchone()[0])


def run(label: str, url: str) -> None:
    n_cases = _env_int("BENCH_CASES", 100_000)
    n_enterprises = _env_int("BENCH_ENTERPRISES", 20_000)
    n_licenses = _env_int("BENCH_LICENSES", 1_000_000)
    n_holders = _env_int("BENCH_HOLDERS", 80_000)
    requests = _env_int("BENCH_REQUESTS", 20)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-")
    drop: Callable[[], None] | None = None
    if url:
        drop = _create_postgres(url)
    else:
        keep = os.environ.get("BENCH_SQLITE_PATH", "")
        path = Path(keep) if keep else Path(workdir.name) / "bench.sqlite3"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.generate import _user, generate
    from icpdesk.accounts.choices import Role

    def say(message: str) -> None:
        print(f"{label}: {message}", flush=True)

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        say(f"migrate {time.perf_counter() - started:.1f} s")
        today = timezone.localdate()
        desk = generate(enterprises=n_enterprises, cases=n_cases, progress=lambda m: say(f"generate: {m}"))
        sql = Sql(connection.vendor)
        started = time.perf_counter()
        with transaction.atomic():
            _met_deadlines(sql)
            existing = _count("licenses_license")
            first, count = _holders(n_holders, today)
            say(f"{count:,} license holders: {time.perf_counter() - started:.1f} s")
            _bulk_licenses(sql, n_licenses - existing, first, count, today)
            admin = _user("bench_gsadmin", desk.regulator, Role.ADMIN)
        say(
            f"generated {_count('cases_application'):,} cases ({desk.cases:,} in the agency's book), "
            f"{_count('licenses_license'):,} licenses, {_count('licenses_annualreport'):,} annual reports, "
            f"{_count('cases_deadline'):,} deadlines: {time.perf_counter() - started:.1f} s after the cases"
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if sql.pg:
            connection.ensure_connection()
            raw = connection.connection
            raw.autocommit = True
            raw.execute("VACUUM ANALYZE")
        say(f"analyze {time.perf_counter() - started:.1f} s")

        before = _probe()
        consultant, reviewer, administrator = (_signed_in(u) for u in (desk.consultant, desk.reviewer, admin))
        _measure(
            f"{label}: agency overview page /overviews/agency/",
            _get(consultant, "/overviews/agency/"),
            requests,
        )
        _measure(f"{label}: GET /api/v1/stats/agency", _get(consultant, "/api/v1/stats/agency"), requests)
        _measure(
            f"{label}: province overview page (reviewer)", _get(reviewer, "/overviews/province/"), requests
        )
        _measure(
            f"{label}: province overview page (administrator)",
            _get(administrator, "/overviews/province/"),
            requests,
        )
        _measure(f"{label}: GET /api/v1/stats/province", _get(reviewer, "/api/v1/stats/province"), requests)
        _measure(
            f"{label}: province search by company name (start)",
            _get(reviewer, "/api/v1/stats/province/search?q=甘肃持证企业1234"),
            requests,
        )
        _measure(
            f"{label}: province search by license number",
            _get(reviewer, "/api/v1/stats/province/search?q=甘B2-L123456"),
            requests,
        )
        after = _probe()
        say(f"machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after")
    finally:
        connection.close()
        if drop is not None:
            drop()
        workdir.cleanup()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(
            "usage: python -m bench.bench_overview LABEL DATABASE_URL  (run by `python -m bench`)"
        )
    run(sys.argv[1], sys.argv[2])
