"""The README starts with the two commands and documents every variable the settings read."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_it_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert re.search(r"^make run\b", first_block, re.M)
    assert re.search(r"^make test\b", first_block, re.M)


def test_it_documents_every_environment_variable_the_settings_read():
    source = (ROOT / "secretary" / "settings.py").read_text()
    names = set(
        re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""", source)
    )
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= names
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert undocumented == []
