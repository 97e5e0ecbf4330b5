"""Who may open which books, one rule for every bookkeeping page and API.

A client's books are kept by any staff member (secretary and up); the practice's own books by
owners and admins only (a secretary gets 403). Client contacts read only their own client's books,
in the portal and the API, and only with the billing part of the portal.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from billing.ledger import selectors
from billing.models import Book


def check_book_access(request, book: Book) -> Book:
    """403 for a secretary on the practice's own books; the book otherwise."""
    if book.is_practice_book and not request.membership.is_admin:
        raise PermissionDenied
    return book


def book_for(request, book_id) -> Book:
    """The practice's book (404 otherwise); the practice's own books need an owner or admin."""
    return check_book_access(
        request, selectors.book_get(practice=request.practice, book_id=book_id)
    )


def staff_books(request):
    """The books a staff member may list: every client's, and the practice's own for admins."""
    books = Book.objects.for_practice(request.practice)
    if not request.membership.is_admin:
        books = books.filter(client__isnull=False)
    return books
