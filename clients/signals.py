"""Signals of the clients app."""

from django.dispatch import Signal

# Sent inside the propose transaction with ``engagement`` and ``user`` (who proposed it).
# The documents app renders the service agreement from it.
engagement_proposed = Signal()

# Sent inside the accepting transaction with ``engagement`` and ``user`` (the contact's user).
engagement_accepted = Signal()
