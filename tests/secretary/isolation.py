"""Core routes for the isolation harness."""


def routes(world) -> dict[str, dict]:
    return {
        "dashboard": {},
        "portal_home": {},
    }


USER_ROUTES: dict = {}
