"""Reading a PDF back as its reader's computer would: the text, and the fonts it carries."""

import io

from pypdf import PdfReader


def text_of(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Each font of the document, without its subset prefix: whether the file carries it."""
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[font["/BaseFont"].split("+", 1)[1]] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts
