"""Demo trust matters and client money (filled by the trust area)."""


def seed(demo, *, book) -> None:
    return None
