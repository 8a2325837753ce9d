"""SIECLE students import: resolve → clean → preview, then write in one transaction.

Input: the records :func:`appui.core.io.siecle.parse_siecle` read (and optionally
``Nomenclature.xml`` for the specialty of new divisions). The analysis reads the database
once, matches every student by SIECLE ``ELEVE_ID`` then INE — never by name —, and plans:

- the school and its school year when the installation has none for this UAI (the first
  import; the year's dates and AP periods come from the official calendar of the zone);
- the levels missing for the MEF codes of the file (official AP hours where they exist); a
  code appui does not know gets the level the head mapped it to (``MefMapping``), or a new
  level « à préciser » named after the Nomenclature;
- the divisions and the groups (``STRUCTURE`` of type D and G), and who is in each group;
- each student: new, changed (field by field), leaving, unchanged. Every present student is
  stored, with their MEF code and special scheme (SEGPA, ULIS, UPE2A:
  :func:`appui.core.io.mef.scheme_of`); one without a class is stored without division and
  listed as such.

A file of the school year after the current one (normally N+1) opens that year beside the
current one, which is kept unchanged (:meth:`SiecleImport._plan_next_students`): the pupils
continuing (matched as above), repeating (same track and year in the cycle as their
enrolment of the year before), arriving, and the pupils of the current year absent from
the file, who will have left once the new year is current. Applying it writes the new
year's levels (with the settings of the same levels of the year before), divisions, new
pupils and enrolments, proposes last year's tutors again (``tutoring``), and makes the new
year current when it has begun (or the current one has ended); otherwise the new year is
« à venir » until the head switches on the settings page. An older file is refused.

A file that would make more than 20 % of the present students leave, or that is older than
the last SIECLE file applied, needs a second, explicit confirmation
(:attr:`~appui.interop.plan.Plan.confirmations`). A Nomenclature of another school or year
is refused.

A student with ``DATE_SORTIE`` is marked as left on that date; a student of the database
absent from the file (or only in a pseudo-division such as « Inactifs ») is marked as left on
the export date. Nothing is ever deleted: a student who left keeps their division, groups and
history. Re-importing the same file plans nothing.

:meth:`SiecleImport.write` then writes the plan with bulk operations (a few dozen queries
for 1,500 students), inside the caller's transaction.
"""

from .fields import (
    CLEAN_EXCLUDE,
    FIELD_NAMES,
    FIELDS,
    IDENTITY,
    KEEP_WHEN_EMPTY,
    LEAVING_SHARE,
    MAX_LISTED,
    WITHOUT_CLASS,
    fallback_year_bounds,
)
from .importer import SiecleImport

__all__ = [
    "CLEAN_EXCLUDE",
    "FIELD_NAMES",
    "FIELDS",
    "IDENTITY",
    "KEEP_WHEN_EMPTY",
    "LEAVING_SHARE",
    "MAX_LISTED",
    "WITHOUT_CLASS",
    "SiecleImport",
    "fallback_year_bounds",
]
