"""Shared fixtures: a practice with one member of each role, and an outsider from another
practice (the three-user pattern, extended to every role); the real services a test may need
(markers ``postgres``, ``redis``, ``worker``, ``browser``) and a live Celery worker."""

import copy
import os
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import Client

from secretary.models import Membership, Practice, Role, User
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.infra import services
from tests.infra.worker import LiveWorker, start_worker, stop_worker, url_for_database

os.environ.setdefault("SECRETARY_TESTING", "1")


# --- Real services ----------------------------------------------------------------------------


def pytest_configure(config):
    if services.detect().ci:
        # CI starts from a fresh database: a test database kept from an earlier run may hold a
        # schema that no migration describes any more.
        config.option.create_db = True


def pytest_report_header(config):
    return services.detect().header()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker in services.MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        decision = services.detect().gate(marker)
        if decision is None:
            continue
        action, reason = decision
        if action == "fail":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium executable for ``browser`` tests (Playwright's ``executable_path``)."""
    found = services.detect()
    if found.browser_problem:
        action, reason = found.gate("browser")
        (pytest.fail if action == "fail" else pytest.skip)(reason)
    return found.chromium


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """Headless Chromium (Debian's) driven by Playwright, for one test.

    Playwright's sync API runs an event loop in this thread while it is open, so Django's
    async-safety check is relaxed for the test's own ORM calls, and only for its duration: a
    browser kept open across tests would leave that loop running under every later test.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=BROWSER_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, tmp_path_factory):
    found = services.detect()
    decision = found.gate("worker")
    if decision is not None:
        action, reason = decision
        (pytest.fail if action == "fail" else pytest.skip)(reason)
    from django.db import connection

    worker = start_worker(
        database_url=url_for_database(found.database_url, connection.settings_dict["NAME"]),
        redis_url=found.redis_url,
        root=tmp_path_factory.mktemp("celery-worker"),
    )
    yield worker
    stop_worker(worker)


@pytest.fixture
def celery_worker_live(_celery_worker_process, settings) -> LiveWorker:
    """A real Celery worker (``-Q default,documents``) on the test database.

    Mark the test ``@pytest.mark.worker`` and ``@pytest.mark.django_db(transaction=True)`` (the
    worker sees only committed rows). While it runs, tasks go through Redis to the worker
    instead of running in-process. The worker sends email with the file backend:
    ``celery_worker_live.wait_for_messages(1)`` returns parsed ``EmailMessage``s;
    ``wait_for(predicate, timeout)`` polls anything else (e.g. a row's status) with a deadline;
    ``mail_dir`` and ``media_root`` are the folders it writes (``MEDIA_ROOT`` is shared).
    """
    from secretary.celery import app

    worker = _celery_worker_process
    worker.clear_mail()
    settings.MEDIA_ROOT = worker.media_root
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield worker
        # Jobs the test left (a render after its last check) finish before its rows go.
        worker.wait_idle()
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks run eagerly (still only after commit) unless the test uses the live worker.

    With REDIS_URL set the settings send tasks to the broker; for the rest of the suite they
    keep running in-process so each test sees their effects (``mail.outbox``) deterministically.
    """
    from secretary.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache keys (rate limits must not leak from one test to the next,
    and a shared Redis must never be flushed)."""
    caches = copy.deepcopy(settings.CACHES)
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    for conf in caches.values():
        conf["KEY_PREFIX"] = prefix
    settings.CACHES = caches


# --- Row-level security (PostgreSQL) ---------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """With ``TEST_VIA_PGBOUNCER=1`` (CI's second pass of the isolation tests) the suite's own
    database connection goes through a PgBouncer of its own in transaction mode, one server
    connection in its pool: every request's practice must die with its transaction."""
    if not os.environ.get("TEST_VIA_PGBOUNCER"):
        yield
        return
    from django.conf import settings
    from django.db import connections

    from tests.infra import pgbouncer

    settings_dict = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.fail("TEST_VIA_PGBOUNCER needs DATABASE_URL=postgres://…", pytrace=False)
    bouncer = pgbouncer.start(
        server_host=settings_dict["HOST"] or "127.0.0.1",
        server_port=int(settings_dict["PORT"] or 5432),
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or "",
    )
    connections["default"].close()
    settings_dict.update(HOST=bouncer.host, PORT=str(bouncer.port))
    # As a deployment behind PgBouncer 1.18 in transaction mode must: no prepared statements.
    prepared_statements = settings.DATABASE_PREPARED_STATEMENTS
    settings.DATABASE_PREPARED_STATEMENTS = False
    yield bouncer
    settings.DATABASE_PREPARED_STATEMENTS = prepared_statements
    connections["default"].close()
    pgbouncer.stop(bouncer)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings):
    """pytest-django's, and through PgBouncer its pooled server connections to the test
    database are closed before the database is dropped."""
    yield
    if django_db_modify_db_settings is not None:
        from django.db import connections

        connections["default"].close()
        django_db_modify_db_settings.release(connections["default"].settings_dict["NAME"])


def _set_session_bypass(connection, value: str) -> None:
    # The driver's cursor: query-count assertions around a request must not count this.
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.bypass_rls', %s, false)", [value])


@pytest.fixture(autouse=True)
def _rls_bypass_outside_requests(request, monkeypatch):
    """Test code sees every practice (factories build several; assertions read them back), but
    requests do not: while the test client's handler serves a request the bypass is off, so the
    app's own resolvers, scopes and ``rls.cross_practice`` calls are what let it see rows, as in
    production. Requests served by other threads (live server) or processes (worker) never had
    it. A no-op on SQLite and for tests without the database."""
    if request.node.get_closest_marker("django_db") is None and not (
        {"_django_db_helper", "db", "transactional_db"} & set(request.fixturenames)
    ):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    import threading

    from django.db import DatabaseError, connection
    from django.db.backends.signals import connection_created
    from django.test.client import ClientHandler

    if connection.vendor != "postgresql":
        yield
        return
    serve = ClientHandler.__call__

    def serve_without_bypass(self, environ):
        _set_session_bypass(connection, "off")
        try:
            return serve(self, environ)
        finally:
            try:
                _set_session_bypass(connection, "on")
            except DatabaseError:  # a broken transaction: the test sees its error instead
                pass

    test_thread = threading.get_ident()

    def new_connection(sender, connection, **kwargs):
        # A connection the test opens later (Playwright's greenlets see their own) gets it too.
        if threading.get_ident() == test_thread and connection.alias == "default":
            _set_session_bypass(connection, "on")

    _set_session_bypass(connection, "on")
    monkeypatch.setattr(ClientHandler, "__call__", serve_without_bypass)
    connection_created.connect(new_connection, dispatch_uid="tests.rls.bypass")
    try:
        yield
    finally:
        connection_created.disconnect(dispatch_uid="tests.rls.bypass")
    if connection.connection is not None and not connection.needs_rollback:
        try:
            _set_session_bypass(connection, "")
        except DatabaseError:  # a broken transaction: its rollback resets it anyway
            pass


# --- The world --------------------------------------------------------------------------------


@dataclass
class World:
    """Practice A with a member of every role, and practice B whose owner is the outsider."""

    practice: Practice
    owner: Membership
    admin: Membership
    secretary: Membership
    client_contact: Membership
    other_practice: Practice
    outsider: Membership
    extra: dict = field(default_factory=dict)

    def member(self, role: str) -> Membership:
        return {
            Role.OWNER: self.owner,
            Role.ADMIN: self.admin,
            Role.SECRETARY: self.secretary,
            Role.CLIENT: self.client_contact,
        }[role]


def build_world() -> World:
    practice = PracticeFactory(name="Harbour Desk", slug="harbour-desk")
    other = PracticeFactory(
        name="Other Practice", slug="other-practice", time_zone="UTC", currency="USD"
    )
    return World(
        practice=practice,
        owner=MembershipFactory(
            practice=practice, role=Role.OWNER, user=UserFactory(email="owner@harbour.test")
        ),
        admin=MembershipFactory(
            practice=practice, role=Role.ADMIN, user=UserFactory(email="admin@harbour.test")
        ),
        secretary=MembershipFactory(
            practice=practice, role=Role.SECRETARY, user=UserFactory(email="secretary@harbour.test")
        ),
        client_contact=MembershipFactory(
            practice=practice, role=Role.CLIENT, user=UserFactory(email="contact@client.test")
        ),
        other_practice=other,
        outsider=MembershipFactory(
            practice=other, role=Role.OWNER, user=UserFactory(email="outsider@other.test")
        ),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(world) -> Client:
    return client_for(world.owner.user)


@pytest.fixture
def admin_client_(world) -> Client:
    return client_for(world.admin.user)


@pytest.fixture
def secretary_client(world) -> Client:
    return client_for(world.secretary.user)


@pytest.fixture
def contact_client(world) -> Client:
    return client_for(world.client_contact.user)


@pytest.fixture
def outsider_client(world) -> Client:
    return client_for(world.outsider.user)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
