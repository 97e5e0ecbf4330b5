#!/usr/bin/env python
import os
import sys
from pathlib import Path


def development_defaults(environ: dict, checkout: Path) -> None:
    """In a git checkout where neither DEBUG, SECRET_KEY nor DATABASE_URL is set, this is a
    developer's machine on the embedded default: turn DEBUG on, so ``manage.py shell`` and the
    like work without remembering ``DEBUG=1``. Setting any of the three (as every deployment
    does, and the image holds no .git) keeps the production defaults."""
    configured = {"DEBUG", "SECRET_KEY", "DATABASE_URL"} & environ.keys()
    if not configured and (checkout / ".git").exists():
        environ["DEBUG"] = "1"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretary.settings")
    development_defaults(os.environ, Path(__file__).resolve().parent)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
