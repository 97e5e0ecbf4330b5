"""Demo bank statements."""


def seed(demo, **books) -> None:
    """Filled by the bank area."""
