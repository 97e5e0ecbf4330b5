import pytest

from documents.subjects import SUBJECT_TYPES, register_subject_type

# Documents about a membership: a stand-in subject with no client, for the generic machinery.
TEST_SUBJECT = "tests.membership"


@pytest.fixture(autouse=True)
def _test_subject_type():
    register_subject_type(TEST_SUBJECT, model="secretary.Membership", client_field=None)
    yield
    SUBJECT_TYPES.pop(TEST_SUBJECT, None)


LETTER = {
    "sender_name": "Harbour Desk",
    "recipient_name": "Northwind Legal",
    "recipient_address_lines": ["1 Market Street", "San Francisco CA 94105"],
    "date": "1 December 2026",
    "subject": "Welcome aboard",
    "greeting": "Dear Ms Reyes,",
    "paragraphs": ["Thank you for choosing us.", "Your secretary starts on Monday."],
    "closing": "Kind regards,",
    "signature": "Ada Lovelace",
}


@pytest.fixture
def letter_context() -> dict:
    return {**LETTER, "paragraphs": list(LETTER["paragraphs"])}
