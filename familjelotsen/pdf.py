"""One place owns every WeasyPrint call (DESIGN.md "Reports and PDFs").

Local files only: the URL fetcher refuses anything that is not under static/ or a data: URI,
so a PDF never fetches from the network (and template input cannot make it). The print
stylesheet is parsed once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PRINT_CSS = STATIC_DIR / "css" / "print.css"


class ExternalResourceRefused(ValueError):
    pass


def _url_fetcher():
    """WeasyPrint's fetcher (an object since WeasyPrint 68), limited to static/ and data:."""
    from urllib.parse import unquote

    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(unquote(url[len("file://") :].split("?")[0])).resolve()
                if STATIC_DIR.resolve() in path.parents:
                    return super().fetch(url, headers)
            raise ExternalResourceRefused(url)

    # A refused resource is left out with a warning; the document still renders.
    return LocalOnly(allowed_protocols=("file", "data"))


@functools.cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS), url_fetcher=_url_fetcher())


def render_pdf(
    template: str,
    context: dict,
    *,
    extra_css: list | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """Render a Django template to PDF bytes with the shared print stylesheet.
    `pdf_variant` e.g. "pdf/ua-1": a tagged, accessible PDF (WeasyPrint's variants)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_url_fetcher())
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return document.write_pdf(stylesheets=[_stylesheet(), *(extra_css or [])], **options)
