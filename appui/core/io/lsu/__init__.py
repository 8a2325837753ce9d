"""The LSU (livret scolaire unique, collège) import file for personalised support.

appui builds the AP part of the LSU: the AP declared once (``acc-persos``), its groups with
their teachers and subjects (``acc-persos-groupes``) and, inside each student's
``bilan-periodique``, the groups the student followed with the teacher's comment
(``acc-persos-eleve``). The official schema (``schemas/import-bilan-complet.xsd``, copied
from the national specification) also makes mandatory, in every periodic report, things
appui does not manage: at least one subject assessment with its teacher, the "acquis et
conseils pour progresser" text, attendance counts, the class council, schooling and lock
dates, and a head of school. They are plain fields of the records below; when the caller
cannot fill them, :func:`lsu_gaps` lists them in French so the user sees what is missing
*before* exporting — nothing is ever invented. :func:`build_lsu` refuses to build a file
while gaps remain and checks its output against the schema.

The package is split by domain; import from here:

- :mod:`.records`: the records of one export, :class:`LsuGap` and :class:`LsuError`;
- :mod:`.gaps`: :func:`lsu_gaps` and :data:`LSU_REQUIREMENTS`;
- :mod:`.building`: :func:`build_lsu`, the XML;
- :mod:`.schema`: the namespace, the shipped XSD (:data:`LSU_XSD_PATH`) and
  :func:`validate_lsu`.
"""

from __future__ import annotations

from .building import build_lsu
from .gaps import LSU_REQUIREMENTS, lsu_gaps
from .records import (
    LsuAp,
    LsuApGroup,
    LsuAssessment,
    LsuDiscipline,
    LsuError,
    LsuExport,
    LsuGap,
    LsuPeriod,
    LsuReport,
    LsuSchoolLife,
    LsuStudent,
    LsuStudentAp,
    LsuTeacher,
    LsuTeaching,
)
from .schema import LSU_NAMESPACE, LSU_XSD_PATH, validate_lsu

__all__ = [
    "LSU_NAMESPACE",
    "LSU_REQUIREMENTS",
    "LSU_XSD_PATH",
    "LsuAp",
    "LsuApGroup",
    "LsuAssessment",
    "LsuDiscipline",
    "LsuError",
    "LsuExport",
    "LsuGap",
    "LsuPeriod",
    "LsuReport",
    "LsuSchoolLife",
    "LsuStudent",
    "LsuStudentAp",
    "LsuTeacher",
    "LsuTeaching",
    "build_lsu",
    "lsu_gaps",
    "validate_lsu",
]
