"""``python manage.py import_guardians FILE [--dry-run]``.

Imports the guardians of ``ResponsablesAvecAdresses.xml`` (their relationship, legal rank,
address, e-mail and phones, linked to their children), or the students' addresses of
``ElevesAvecAdresses.xml``, into the school whose UAI the file gives; its students must have
been imported from SIECLE first. Prints the same preview as the web import; writes in one
transaction unless ``--dry-run``; exits with status 1, having written nothing, when the file
cannot be imported.
"""

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les responsables et les adresses d'un export SIECLE "
        "(ResponsablesAvecAdresses.xml ou ElevesAvecAdresses.xml)."
    )
    kind = "guardians"
