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
    "title": "Welcome aboard",
    "paper": {"size": "A4", "orientation": "portrait"},
    "date": "1 December 2026",
    "client": {"name": "Northwind Legal", "address_lines": ["1 Market Street", "Sydney NSW 2000"]},
    "practice": {"name": "Harbour Desk", "address_lines": ["12 Kent Street", "Sydney NSW 2000"]},
    "sender": {"name": "Ada Lovelace", "title": "Virtual secretary"},
    "blocks": [
        {"type": "text", "markdown": "Thank you for choosing us."},
        {"type": "text", "markdown": "Your secretary starts on Monday."},
    ],
    "fields": {
        "recipient_lines": [
            "Ms Rosa Reyes",
            "Northwind Legal",
            "1 Market Street",
            "Sydney NSW 2000",
        ],
        "salutation": "Dear Ms Reyes,",
        "closing": "Kind regards,",
        "envelope": "DL",
    },
}


@pytest.fixture
def letter_context() -> dict:
    return {**LETTER, "blocks": [dict(block) for block in LETTER["blocks"]]}
