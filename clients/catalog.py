"""The service categories every practice starts with (the work virtual secretaries do)."""

from django.utils.translation import gettext_noop

# (slug, name, description, is_specialty). Names are stored in the practice's rows, so they are
# marked for translation here and translated once, when a practice is seeded.
DEFAULT_CATEGORIES: list[tuple[str, str, str, bool]] = [
    (
        "correspondence",
        gettext_noop("Correspondence and client communication"),
        gettext_noop("Email and letters to and from the client's customers."),
        False,
    ),
    (
        "phones",
        gettext_noop("Phones and routine inquiries"),
        gettext_noop("Answering calls and handling routine questions."),
        False,
    ),
    (
        "travel",
        gettext_noop("Travel arrangements"),
        gettext_noop("Flights, hotels and itineraries, including last-minute changes."),
        False,
    ),
    (
        "conference-calls",
        gettext_noop("Conference and video calls"),
        gettext_noop("Scheduling and coordinating calls and video conferences."),
        False,
    ),
    (
        "database",
        gettext_noop("Database upkeep"),
        gettext_noop("Updating and maintaining databases and data management systems."),
        False,
    ),
    ("letters", gettext_noop("Business letters and document preparation"), "", False),
    (
        "proofreading",
        gettext_noop("Proofreading"),
        gettext_noop("Proofreading office publications."),
        False,
    ),
    (
        "desktop-publishing",
        gettext_noop("Desktop publishing"),
        gettext_noop("Brochures, newsletters, fliers and booklets."),
        False,
    ),
    (
        "presentations",
        gettext_noop("Presentations and event materials"),
        gettext_noop("Visual presentations and handouts for events."),
        False,
    ),
    ("supplies", gettext_noop("Ordering business cards and supplies"), "", False),
    (
        "web-presence",
        gettext_noop("Web presence"),
        gettext_noop("Establishing and keeping up an Internet presence."),
        False,
    ),
    (
        "bookkeeping",
        gettext_noop("Bookkeeping"),
        gettext_noop("Managing the books for the client."),
        False,
    ),
    (
        "office-management",
        gettext_noop("Office management"),
        gettext_noop("Managing an office remotely."),
        False,
    ),
    (
        "legal-secretarial",
        gettext_noop("Legal secretarial work"),
        gettext_noop("Support for lawyers and law offices."),
        True,
    ),
    (
        "medical-secretarial",
        gettext_noop("Medical secretarial work"),
        gettext_noop("Administrative support for medical offices."),
        True,
    ),
]
