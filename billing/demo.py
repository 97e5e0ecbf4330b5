"""Demo bookkeeping: the practice's own books, a bookkeeping client and a law firm's trust
account (idempotent)."""

from billing.bank import demo as bank_demo


def seed(demo) -> None:
    bank_demo.seed(demo)
