"""Swedish is the language of every page (issue 18): the shipped catalogue translates every
message the code and templates use, none of them fuzzy, and it is up to date with them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid" in block]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is installed by make")
def test_every_message_is_translated_and_none_is_fuzzy():
    stats = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_the_catalogue_holds_every_message_of_the_code(tmp_path, settings, monkeypatch):
    """makemessages over the code, merged into a copy of the catalogue: nothing may come out
    untranslated or fuzzy, so a string added without its Swedish translation fails here, not
    on a user's screen."""
    from django.core.management import call_command

    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("gettext is installed by make")
    # makemessages writes each file's messages into the locale directory beside it: a copy
    # of the project made of links, with its own copy of the catalogue, keeps the shipped one
    # untouched.
    project = tmp_path / "project"
    project.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {"locale", "tests", "bench"} and not entry.name.startswith("."):
            (project / entry.name).symlink_to(entry)
    locale = project / "locale"
    shutil.copytree(ROOT / "locale", locale)
    settings.LOCALE_PATHS = [str(locale)]
    monkeypatch.chdir(project)
    call_command(
        "makemessages",
        locale=["sv"],
        no_location=True,
        no_obsolete=True,
        symlinks=True,
        verbosity=0,
        ignore_patterns=["node_modules/*", "static/vendor/*"],
    )
    merged = (locale / "sv" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    blocks = _entries(merged)[1:]  # the first is the header
    untranslated = [_msgid(b) for b in blocks if b.rstrip().endswith(('msgstr ""', 'msgstr[1] ""'))]
    fuzzy = [_msgid(b) for b in blocks if "#, fuzzy" in b]
    assert not untranslated and not fuzzy, f"untranslated: {untranslated[:20]} fuzzy: {fuzzy[:20]}"


def _msgid(block: str) -> str:
    lines = block.splitlines()
    out, taking = [], False
    for line in lines:
        if line.startswith("msgid "):
            taking = True
            out.append(line[6:].strip().strip('"'))
        elif taking and line.startswith('"'):
            out.append(line.strip().strip('"'))
        elif taking:
            break
    return "".join(out)
