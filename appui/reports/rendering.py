"""PDF documents from HTML templates (WeasyPrint). Every report is an ordinary Django
template, so its HTML is tested like any page; `render_pdf` only adds the print step.

A batch (``appui.reports.tasks``: the letters of a division, the attendance sheets of a plan)
renders each document on its own with :func:`pdf_document` — its page numbers count its own
pages — and :func:`merged_pdf` puts their pages one after the other in one file.
"""

from collections.abc import Sequence

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML, Document


def render_pdf(request, template: str, context: dict, *, file_name: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_file_name(file_name)}"'
    return response


def pdf_file_name(file_name: str) -> str:
    return f"{slugify(file_name)}.pdf"


def pdf_document(template: str, context: dict) -> Document:
    """One document laid out, outside any request (a task on a worker)."""
    return HTML(string=render_to_string(template, context)).render()


def merged_pdf(documents: Sequence[Document]) -> bytes:
    """The pages of ``documents`` in order, as one PDF."""
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())
