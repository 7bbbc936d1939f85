"""Reading the documents: text, fields and QR codes from a material's file, offline.

Plain Python (no Django), so the command line, the workers and the tests use
it alike: :func:`read_document` reads a PDF's text layer, OCRs scans and
image-only pages with the PP-OCR models the ``rapidocr`` wheel ships (on the
CPU, nothing downloaded), decodes QR codes and barcodes, and extracts the
fields of the material's kind with a confidence, the page and the box each
was read in. Identity numbers are masked in everything it returns.
"""

from __future__ import annotations

from icpdesk.reading.engine import read_document
from icpdesk.reading.extract import MATERIAL_FIELDS
from icpdesk.reading.model import Field, Limits, Line, ReadError, Reading

__all__ = ["MATERIAL_FIELDS", "Field", "Limits", "Line", "ReadError", "Reading", "read_document"]
