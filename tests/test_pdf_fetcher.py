"""The PDF renderer reads stylesheets and images from static/ only: never the network or any
other file on the server, whatever a template links to."""

from __future__ import annotations

import pytest

from familjelotsen import pdf


def _fetch(url):
    return pdf._url_fetcher().fetch(url)


def test_a_static_stylesheet_is_read():
    response = _fetch((pdf.STATIC_DIR / "css" / "print.css").as_uri())
    assert response.url.endswith("print.css")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/track.png",
        "https://example.org/style.css",
        "file:///etc/passwd",
        (pdf.STATIC_DIR / ".." / "manage.py").as_uri(),
    ],
)
def test_anything_outside_static_is_refused(url):
    with pytest.raises(pdf.ExternalResourceRefused):
        _fetch(url)


def test_a_document_linking_outside_static_still_renders_without_it(tmp_path, settings):
    """A refused link is left out; the PDF is still made (no error for the user)."""
    import io

    from pypdf import PdfReader

    template = tmp_path / "t.html"
    template.write_text(
        '<html><head><link rel="stylesheet" href="https://example.org/x.css">'
        '<link rel="stylesheet" href="css/questionnaire.css"></head>'
        '<body><p>Hej</p><img src="file:///etc/hostname"></body></html>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [str(tmp_path), *settings.TEMPLATES[0]["DIRS"]]}
    ]
    data = pdf.render_pdf("t.html", {})
    assert "Hej" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
