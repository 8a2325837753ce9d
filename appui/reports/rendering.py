"""PDF documents from HTML templates (WeasyPrint). Every report is an ordinary Django
template, so its HTML is tested like any page; `render_pdf` only adds the print step."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML


def render_pdf(request, template: str, context: dict, *, file_name: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(file_name)}.pdf"'
    return response
