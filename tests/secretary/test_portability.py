"""Practice export and import: one practice's rows and files in one archive, nothing of any other
practice, loaded back into an empty database with the same rows, keys and files."""

import io
import json
import re
import shutil
import tarfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from billing.ledger.books import book_create
from billing.ledger.posting import LineInput, book_lock, entry_create, entry_reverse
from billing.models import Account, AccountType, Book, JournalEntry, JournalLine, TrustMatter
from secretary.models import Membership, Practice, Role, User
from secretary.portability import exported_models, table_counts, unclassified_models
from tests.clients.factories import AgreementFactory, ClientFactory, ContactFactory
from tests.conftest import build_world
from tests.documents.factories import DocumentFactory
from tests.factories import InvitationFactory, MembershipFactory
from tests.tasks.factories import AttachmentFactory, CommentFactory, TaskFactory, TimeEntryFactory

B_MARKER = b"practice-b-secret-file-content"


def populate(world) -> None:
    """Rows with files in both practices, and a user who belongs to both."""
    a, b = world.practice, world.other_practice
    client = ClientFactory(practice=a, name="Harbour Client")
    ContactFactory(client=client, practice=a, name="Ada Harbour", email="ada@harbour.test")
    AgreementFactory(client=client, practice=a, membership=world.secretary)
    task = TaskFactory(client=client, practice=a, title="Book flights")
    CommentFactory(task=task, practice=a, author=world.secretary.user)
    AttachmentFactory(task=task, practice=a)
    TimeEntryFactory(task=task, practice=a, client=client, membership=world.secretary)
    DocumentFactory(practice=a, ready=True, client=client)
    InvitationFactory(practice=a, invited_by=world.owner.user, email="invitee@harbour.test")
    # Practice B: its own client, files and invitations, none of which may leave with A
    other_client = ClientFactory(practice=b, name="Other Secret Client")
    ContactFactory(client=other_client, practice=b, name="Bea Other", email="bea@other.test")
    AgreementFactory(
        client=other_client,
        practice=b,
        membership=world.outsider,
        file=ContentFile(B_MARKER, name="other-baa.pdf"),
    )
    other_task = TaskFactory(client=other_client, practice=b, title="Other secret task")
    AttachmentFactory(
        task=other_task, practice=b, file=ContentFile(B_MARKER, name="other-brief.pdf")
    )
    InvitationFactory(practice=b, invited_by=world.outsider.user, email="invitee@other.test")
    # A secretary of A also works for B: their user travels, their B membership does not
    MembershipFactory(practice=b, user=world.secretary.user, role=Role.SECRETARY)


def populate_ledger(world) -> Book:
    """Practice A's books: posted entries (one reversed), a draft, trust money on a matter, and
    a lock date after the posted history."""
    a = world.practice
    book = book_create(practice=a, name="Harbour Desk", chart="us_service")
    accounts = {acc.code: acc for acc in Account.objects.for_practice(a).filter(book=book)}
    trust_bank = Account.objects.create(
        practice=a,
        book=book,
        code="1030",
        name="Trust account",
        type=AccountType.ASSET,
        normal_balance="debit",
        is_bank=True,
        is_trust=True,
    )
    trust_liability = Account.objects.create(
        practice=a,
        book=book,
        code="2200",
        name="Client money held in trust",
        type=AccountType.LIABILITY,
        normal_balance="credit",
        role="trust_liability",
        is_trust=True,
    )
    matter = TrustMatter.objects.create(
        practice=a, book=book, reference="M-1", name="Estate", opened_on=date(2026, 1, 2)
    )

    def post(day, debit, credit, amount, matter_=None, post=True):
        return entry_create(
            practice=a,
            book=book,
            date=day,
            lines=[
                LineInput(account=debit, debit=Decimal(amount), matter=matter_),
                LineInput(account=credit, credit=Decimal(amount), matter=matter_),
            ],
            post=post,
        )

    post(date(2026, 1, 5), accounts["1010"], accounts["4010"], "1200.00")
    wrong = post(date(2026, 1, 9), accounts["6080"], accounts["1010"], "49.99")
    entry_reverse(practice=a, entry=wrong, date=date(2026, 1, 10))
    post(date(2026, 1, 12), trust_bank, trust_liability, "5000.00", matter_=matter)
    post(date(2026, 2, 3), accounts["1100"], accounts["4010"], "300.00", post=False)
    return book_lock(practice=a, book=book, lock_date=date(2026, 1, 31))


def archive_members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


SUB_MILLISECOND_RE = re.compile(r'(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)(?=")')


def rows(members: dict[str, bytes], label: str) -> list[dict]:
    # Django's JSON keeps times to the millisecond: a time with under a millisecond past the
    # second is written "…:48.000Z" once and, read back, "…:48Z" the next time. Same instant.
    text = SUB_MILLISECOND_RE.sub(r"\1\2", members[f"data/{label}.json"].decode())
    return json.loads(text)


def test_it_classifies_every_model_as_exported_or_not():
    # A new model must say whether it travels with a practice (secretary/portability.py).
    assert unclassified_models() == []


@pytest.mark.django_db
def test_it_exports_one_practice_and_nothing_of_another(tmp_path, settings):
    # Given two practices with rows and files, and a user who belongs to both
    world = build_world()
    populate(world)
    b = world.other_practice
    # When practice A is exported
    path = tmp_path / "harbour.tar.gz"
    call_command("practice_export", world.practice.slug, output=str(path), stdout=io.StringIO())
    members = archive_members(path)
    # Then every practice-owned row belongs to A
    manifest = json.loads(members["manifest.json"])
    assert manifest["practice"]["slug"] == "harbour-desk"
    for label in manifest["tables"]:
        for row in rows(members, label):
            if "practice" in row["fields"]:
                assert row["fields"]["practice"] == world.practice.pk, (label, row)
    assert [r["pk"] for r in rows(members, "secretary.Practice")] == [world.practice.pk]
    # And the users are A's people only, without their other memberships
    emails = {r["fields"]["email"] for r in rows(members, "secretary.User")}
    assert emails == {
        "owner@harbour.test",
        "admin@harbour.test",
        "secretary@harbour.test",
        "contact@client.test",
    }
    memberships = rows(members, "secretary.Membership")
    assert len(memberships) == 4
    # And nothing of B appears anywhere in the archive, rows or files
    everything = b"\n".join(members.values())
    for secret in (
        b.slug.encode(),
        b.name.encode(),
        b"outsider@other.test",
        b"Other Secret Client",
        b"bea@other.test",
        b"invitee@other.test",
        b"Other secret task",
        B_MARKER,
    ):
        assert secret not in everything, secret
    # And A's files are in it, checked by the manifest
    names = {entry["name"] for entry in manifest["files"]}
    assert len(names) == 4  # the agreement, the attachment, the document and its preview
    assert all(f"media/{name}" in members for name in names)
    assert manifest["counts"]["secretary.Membership"] == 4


@pytest.mark.django_db(transaction=True)
def test_it_imports_the_archive_into_an_empty_database_as_it_was(tmp_path, settings):
    # Given practice A exported with its files and its books
    world = build_world()
    populate(world)
    populate_ledger(world)
    first = tmp_path / "first.tar.gz"
    call_command("practice_export", world.practice.slug, output=str(first), stdout=io.StringIO())
    exported = archive_members(first)
    manifest = json.loads(exported["manifest.json"])
    # And a new, empty database and media storage (same migrations)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not User.objects.exists() and not Practice.objects.exists()
    # When the archive is imported
    out = io.StringIO()
    call_command("practice_import", str(first), stdout=out)
    # Then every table has the archive's row count, and the rows are the same, keys included
    assert "row counts match" in out.getvalue()
    assert table_counts(manifest["tables"]) == manifest["counts"]
    practice = Practice.objects.get()
    second = tmp_path / "second.tar.gz"
    call_command("practice_export", practice.slug, output=str(second), stdout=io.StringIO())
    again = archive_members(second)
    for label in manifest["tables"]:
        assert rows(again, label) == rows(exported, label), label
    # And the files are back, byte for byte
    for entry in manifest["files"]:
        assert (Path(settings.MEDIA_ROOT) / entry["name"]).read_bytes() == exported[
            f"media/{entry['name']}"
        ]
    # And the people can sign in as before
    owner = Membership.objects.for_practice(practice).get(role=Role.OWNER).user
    assert owner.email == "owner@harbour.test"
    assert owner.check_password("correct-horse-battery-staple")


@pytest.mark.django_db
def test_it_refuses_to_import_into_a_database_that_is_not_empty(tmp_path):
    # Given an archive of practice A, and the database it came from (not empty)
    world = build_world()
    path = tmp_path / "harbour.tar.gz"
    call_command("practice_export", world.practice.slug, output=str(path), stdout=io.StringIO())
    # When it is imported there, Then it refuses, saying why, and changes nothing
    before = table_counts([m._meta.label for m in exported_models()])
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("practice_import", str(path))
    assert table_counts([m._meta.label for m in exported_models()]) == before


@pytest.mark.django_db
def test_it_refuses_an_archive_with_a_path_that_leaves_the_media_folder(tmp_path):
    # Given an archive whose file entry climbs out of the media folder
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = b"owned"
        info = tarfile.TarInfo("media/../../etc/evil")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    # When it is imported, Then it is refused before anything is written
    with pytest.raises(CommandError, match="unexpected entry"):
        call_command("practice_import", str(path))
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_says_which_practice_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="No practice with the address 'nowhere'"):
        call_command("practice_export", "nowhere", output=str(tmp_path / "x.tar.gz"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_round_trips_posted_ledgers_despite_the_ledger_triggers(tmp_path, settings):
    # Given practice A with posted entries (one reversed, one on a trust matter), a draft and
    # books locked after that history
    world = build_world()
    populate(world)
    book = populate_ledger(world)
    first = tmp_path / "first.tar.gz"
    call_command("practice_export", world.practice.slug, output=str(first), stdout=io.StringIO())
    exported = archive_members(first)
    manifest = json.loads(exported["manifest.json"])
    assert manifest["counts"]["billing.JournalEntry"] == 5
    # And a new, empty database
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    # When the archive is imported
    call_command("practice_import", str(first), stdout=io.StringIO())
    # Then the ledger is back as it was, keys, numbers, lock date and posted lines included
    practice = Practice.objects.get()
    second = tmp_path / "second.tar.gz"
    call_command("practice_export", practice.slug, output=str(second), stdout=io.StringIO())
    again = archive_members(second)
    for label in manifest["tables"]:
        assert rows(again, label) == rows(exported, label), label
    book = Book.objects.for_practice(practice).get(pk=book.pk)
    assert book.lock_date == date(2026, 1, 31)
    lines = JournalLine.objects.for_practice(practice).filter(posted=True)
    assert lines.count() == 8
    assert sum(line.debit - line.credit for line in lines) == 0
    # And the database still guards the imported history for the app
    posted = JournalEntry.objects.for_practice(practice).filter(status="posted").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.for_practice(practice).filter(pk=posted.pk).update(memo="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalLine.objects.for_practice(practice).filter(entry=posted).delete()
