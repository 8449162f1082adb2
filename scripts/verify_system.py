"""Check that the system packages scripts/system-deps.sh installs actually work, by running
them: PostgreSQL's server binaries, msgfmt, pdftotext, WeasyPrint rendering a one-line PDF and
(with --browser) Playwright's Node.js driver starting Debian's Chromium headless.

Run with the virtualenv's Python (scripts/verify-system.sh does). Prints nothing and exits 0
when everything works; otherwise names what failed with the error it gave (e.g. a shared
library that could not be loaded) and exits 1.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import warnings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _run(*cmd: str) -> None:
    # Fixed programs found on this machine, never user input.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip()[-800:] or f"exit {done.returncode}")


def postgresql() -> None:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise RuntimeError("no /usr/lib/postgresql/*/bin (the postgresql package)")
    for name in ("postgres", "initdb", "pg_ctl", "pg_dump", "pg_restore", "psql"):
        _run(f"{bins[-1]}/{name}", "--version")


def gettext() -> None:
    _run("msgfmt", "--version")


def poppler() -> None:
    _run("pdftotext", "-v")


def weasyprint() -> None:
    with warnings.catch_warnings():
        # WeasyPrint warns (and renders worse) when HarfBuzz-Subset is missing.
        warnings.simplefilter("error", UserWarning)
        from weasyprint import HTML

        pdf = HTML(string="<p>Familjelotsen åäö</p>").write_pdf()
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("WeasyPrint did not produce a PDF")


def playwright_driver() -> None:
    from playwright._impl._driver import compute_driver_executable

    node, _cli = compute_driver_executable()
    _run(node, "--version")


def chromium() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.set_content("<p id=ok>ok</p>")
            if page.text_content("#ok") != "ok":
                raise RuntimeError("Chromium did not render a page")
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    checks = [postgresql, gettext, poppler, weasyprint]
    if "--browser" in argv:
        checks += [playwright_driver, chromium]
    failed = 0
    for check in checks:
        try:
            check()
        except Exception as exc:
            failed += 1
            print(f"verify-system: {check.__name__} does not work: {exc}", file=sys.stderr)
    if failed:
        print(
            "verify-system: a system package is missing or broken. Run scripts/system-deps.sh "
            "as root, or install the package that provides the library named above.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
