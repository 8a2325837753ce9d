"""``python manage.py import_sts FILE [--dry-run]``.

Imports the staff, subjects, divisions, groups and services of an STS-web export
(``sts_emp_<UAI>_<year>.xml``) into the school whose UAI the file gives; its students must
have been imported from SIECLE first. Prints the same preview as the web import; writes in
one transaction unless ``--dry-run``; exits with status 1, having written nothing, when the
file cannot be imported (a timetabling product's file among others).
"""

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe les personnels et les services d'un export STS-web (sts_emp_UAI_année.xml)."
    kind = "sts"
