"""Demo data: fixed logins in two practices, created once however often it is seeded."""

from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from secretary import demo as demo_module
from secretary.demo import DEMO_PASSWORD, DemoContext, seed_demo
from secretary.models import Membership, Practice, Role


def row_counts() -> dict[str, int]:
    """Rows of every model, through the base manager (not the scoped one)."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_it_seeds_the_same_rows_when_run_twice():
    # Given the demo seeded once
    seed_demo()
    first = row_counts()
    # When it is seeded again
    seed_demo()
    # Then no row was added anywhere (every app's seed included)
    assert row_counts() == first
    assert first["secretary.Practice"] == 2
    assert first["secretary.User"] >= 4


@pytest.mark.django_db
def test_it_creates_the_documented_practices_and_logins():
    # When the demo is seeded
    demo = seed_demo()
    # Then the practices are the fixed ones
    assert (
        demo.practice.slug,
        demo.practice.name,
        demo.practice.time_zone,
        demo.practice.currency,
    ) == ("brightdesk", "Bright Desk Virtual Office", "Australia/Sydney", "AUD")
    assert (
        demo.other_practice.slug,
        demo.other_practice.name,
        demo.other_practice.time_zone,
        demo.other_practice.currency,
    ) == ("quiet-hours", "Quiet Hours Admin", "America/New_York", "USD")
    # And each login signs in with the published password, with a verified primary address
    expected = {
        "owner@brightdesk.example": (demo.practice, Role.OWNER),
        "secretary@brightdesk.example": (demo.practice, Role.SECRETARY),
        "client@northwind.example": (demo.practice, Role.CLIENT),
        "owner@quiethours.example": (demo.other_practice, Role.OWNER),
    }
    for email, (practice, role) in expected.items():
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
        membership = Membership.objects.for_practice(practice).get(user=user)
        assert membership.role == role
    assert [
        m.role for m in (demo.owner, demo.secretary, demo.client_contact, demo.other_owner)
    ] == [Role.OWNER, Role.SECRETARY, Role.CLIENT, Role.OWNER]
    # And the two practices are kept apart
    assert (
        not Membership.objects.for_practice(demo.other_practice)
        .filter(user=demo.owner.user)
        .exists()
    )


@pytest.mark.django_db
def test_it_gives_every_app_seed_the_demo_context(monkeypatch):
    # Given an app with a demo module
    seen = []
    fake_app = SimpleNamespace(seed=lambda demo: seen.append(demo))
    monkeypatch.setattr(demo_module, "project_demo_modules", lambda: [fake_app])
    # When the demo is seeded
    demo = seed_demo()
    # Then its seed ran once with the context
    assert seen == [demo]
    assert isinstance(demo, DemoContext)


@pytest.mark.django_db
def test_it_leaves_nothing_behind_when_an_app_seed_fails(monkeypatch):
    # Given an app whose seed fails
    def broken(demo):
        raise RuntimeError("broken seed")

    monkeypatch.setattr(demo_module, "project_demo_modules", lambda: [SimpleNamespace(seed=broken)])
    # When the demo is seeded, then the error surfaces and nothing was created
    with pytest.raises(RuntimeError, match="broken seed"):
        seed_demo()
    assert not Practice.objects.filter(slug__in=["brightdesk", "quiet-hours"]).exists()


def test_it_discovers_the_demo_modules_of_project_apps_only(tmp_path, monkeypatch, settings):
    # Given two project apps, one with a demo module, and a third-party app with one too
    project, elsewhere = tmp_path / "project", tmp_path / "site-packages"
    for root, app, has_demo in (
        (project, "seeded_app", True),
        (project, "plain_app", False),
        (elsewhere, "library_app", True),
    ):
        (root / app).mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
        if has_demo:
            (root / app / "demo.py").write_text("def seed(demo):\n    pass\n")
        monkeypatch.syspath_prepend(str(root))
    settings.BASE_DIR = project
    configs = [
        SimpleNamespace(name="library_app", path=str(elsewhere / "library_app")),
        SimpleNamespace(name="plain_app", path=str(project / "plain_app")),
        SimpleNamespace(name="seeded_app", path=str(project / "seeded_app")),
    ]
    monkeypatch.setattr(demo_module.apps, "get_app_configs", lambda: configs)
    # When the demo modules are collected
    modules = demo_module.project_demo_modules()
    # Then only the project app's demo module is found
    assert [module.__name__ for module in modules] == ["seeded_app.demo"]


@pytest.mark.django_db
def test_it_prints_the_logins(settings, capsys):
    # Given a development server
    settings.DEBUG = True
    # When the command runs
    call_command("seed_demo")
    # Then it prints every login and the password
    out = capsys.readouterr().out
    for email in (
        "owner@brightdesk.example",
        "secretary@brightdesk.example",
        "client@northwind.example",
        "owner@quiethours.example",
    ):
        assert email in out
    assert DEMO_PASSWORD in out
    assert "/app/brightdesk/" in out


@pytest.mark.django_db
def test_it_refuses_to_seed_published_passwords_with_debug_off(settings):
    # Given DEBUG off
    settings.DEBUG = False
    # When the command runs without --force, then it refuses and creates nothing
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert not Practice.objects.exists()
    # And --force seeds anyway
    call_command("seed_demo", "--force")
    assert Practice.objects.filter(slug="brightdesk").exists()
