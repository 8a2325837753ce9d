"""The ENT accounts export: links ENT identifiers to appui accounts (docs/connexion.md).

An ENT (Open ENT NG / monlycee.net, Skolengo, Mon Bureau Numérique…) exports its accounts as
a spreadsheet: identifier (login), last name, first name, profile (Élève, Enseignant,
Personnel, Parent), date of birth, class. Each row is matched with the school's people:

- a pupil by name, and birth date and class when the file gives them (never by name alone
  when the file has a birth date column);
- a staff member by name, a guardian by name — exactly one match, or none;

and the matched person's account gets an :class:`~appui.accounts.models.EntIdentity` for the
chosen sign-on (CAS or OpenID Connect). Nothing else is written: a row that matches nobody,
or a person without an appui account, is listed as a warning with its line, and no account
is ever created. Same pipeline as every import: preview, confirm, one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from appui.accounts.models import EntIdentity, User
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.tabular import (
    COMMON_COLUMNS,
    ColumnSpec,
    Row,
    Table,
    map_columns,
    parse_date,
    read_table,
)
from appui.core.io.values import ValueProblem, as_text, fold
from appui.core.text import plural
from appui.schools.models import Guardian, School, Staff, Student

from .forms import TableForm
from .plan import CHANGED, NEW, Change, Entry, Importer, ImportRefused, Plan

PUPIL, STAFF, GUARDIAN = "pupil", "staff", "guardian"

ENT_COLUMNS = (
    ColumnSpec(
        "identifier",
        "Identifiant",
        (
            "Login",
            "Identifiant ENT",
            "Identifiant de connexion",
            "Login ENT",
            "Nom d'utilisateur",
            "Utilisateur",
            "uid",
        ),
        required=True,
    ),
    replace(COMMON_COLUMNS["last_name"], required=True),
    replace(COMMON_COLUMNS["first_name"], required=True),
    ColumnSpec("profile", "Profil", ("Type", "Profil ENT", "Type de compte", "Catégorie")),
    COMMON_COLUMNS["birth_date"],
    replace(COMMON_COLUMNS["division"], synonyms=(*COMMON_COLUMNS["division"].synonyms, "Classes")),
)

_PROFILE_WORDS = {
    PUPIL: ("eleve", "eleves", "student", "pupil"),
    STAFF: (
        "enseignant",
        "enseignante",
        "enseignants",
        "teacher",
        "personnel",
        "personnels",
        "personnel_administratif",
        "personnel_de_direction",
        "direction",
        "vie_scolaire",
    ),
    GUARDIAN: ("parent", "parents", "responsable", "responsable_legal", "relative", "tuteur"),
}
PROFILE_WORDS = {word: profile for profile, words in _PROFILE_WORDS.items() for word in words}


def parse_profile(value) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    profile = PROFILE_WORDS.get(fold(text))
    if profile is None:
        raise ValueProblem(
            f"« {text} » n'est pas un profil reconnu (Élève, Enseignant, Personnel, Parent)."
        )
    return profile


def default_provider() -> str:
    """CAS when the installation has a CAS server, else OpenID Connect."""
    return EntIdentity.Provider.OIDC if not settings.CAS_SERVER_URL else EntIdentity.Provider.CAS


class EntAccountsForm(TableForm):
    file_label = gettext_lazy("ENT accounts export")

    provider = forms.ChoiceField(
        label=gettext_lazy("Sign-on these identifiers are for"),
        choices=EntIdentity.Provider.choices,
        initial=default_provider,
    )
    identifier_column = forms.CharField(
        label=gettext_lazy("Column holding the ENT identifier (optional)"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Its header as in the file, when it is none of Identifiant, Login, Identifiant ENT."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["absent_left"]

    def options(self) -> dict:
        return {
            "provider": self.cleaned_data["provider"],
            "identifier_column": self.cleaned_data.get("identifier_column", "").strip(),
        }


def _name_key(last_name: str | None, first_name: str | None) -> tuple[str, str]:
    return (fold(last_name or ""), fold(first_name or ""))


class EntAccountsImport(Importer):
    """Plans the links of one ENT accounts export; ``write`` stores them."""

    kind = "ent_accounts"
    school: School

    def __init__(
        self, table: Table, *, school: School, provider: str, identifier_column: str = ""
    ) -> None:
        if provider not in EntIdentity.Provider.values:
            raise ImportRefused("Choisissez la connexion (CAS ou OpenID Connect).")
        self.table = table
        self.school = school
        self.provider = provider
        self.plan = Plan(self.kind, table.file_name)
        overrides = {"identifier": identifier_column} if identifier_column else None
        self.mapping = map_columns(table, ENT_COLUMNS, overrides)
        self.plan.issues.extend(table.issues)
        self.plan.issues.extend(self.mapping.issues)
        self.plan.facts.append(("Établissement", f"{school.name} ({school.uai})"))
        self.plan.facts.append(("Connexion", EntIdentity.Provider(provider).label))
        found = [f"{h.text} ({h.letter})" for h in self.mapping.columns.values()]
        self.plan.facts.append(("Colonnes lues", ", ".join(found) or "aucune"))
        self.plan.facts.append(("Lignes", str(len(table.rows))))
        self.links: list[EntIdentity] = []
        self.relinks: list[EntIdentity] = []
        self.unmatched = 0
        if not self.mapping.has_errors:
            self._analyse()
        self.plan.facts.append(("Lignes sans compte appui (rien n'est créé)", str(self.unmatched)))

    # -------------------------------------------------------------------------- matching
    def _load(self) -> None:
        self.pupils: dict[tuple, list[Student]] = defaultdict(list)
        for pupil in Student.objects.filter(
            school=self.school, exit_date__isnull=True
        ).select_related("division", "user"):
            self.pupils[_name_key(pupil.last_name, pupil.first_name)].append(pupil)
        self.staff: dict[tuple, list[Staff]] = defaultdict(list)
        for member in Staff.objects.filter(school=self.school).select_related("user"):
            self.staff[_name_key(member.last_name, member.first_name)].append(member)
        self.guardians: dict[tuple, list[Guardian]] = defaultdict(list)
        for guardian in Guardian.objects.filter(school=self.school).select_related("user"):
            self.guardians[_name_key(guardian.last_name, guardian.first_name)].append(guardian)
        existing = EntIdentity.objects.filter(school=self.school, provider=self.provider)
        self.by_identifier = {link.identifier: link for link in existing}
        self.by_user = {link.user_id: link for link in existing}

    def _analyse(self) -> None:
        self._load()
        section = self.plan.section("links", "Comptes reliés à l'ENT")
        seen_identifiers: dict[str, int] = {}
        seen_users: dict[int, int] = {}
        m = self.mapping
        for row in self.table.rows:
            issues: list[ImportIssue] = []
            identifier = m.clean(row, "identifier", as_text, issues, required=True)
            last_name = m.clean(row, "last_name", as_text, issues, required=True)
            first_name = m.clean(row, "first_name", as_text, issues, required=True)
            profile = m.clean(row, "profile", parse_profile, issues)
            birth_date = m.clean(row, "birth_date", parse_date, issues)
            self.plan.issues.extend(issues)
            if any(issue.is_error for issue in issues) or identifier is None:
                continue
            identifier = identifier.strip()
            if len(identifier) > 150:
                self.plan.issues.append(m.issue(row, "identifier", "identifiant trop long."))
                continue
            if identifier in seen_identifiers:
                self.plan.issues.append(
                    m.issue(
                        row,
                        "identifier",
                        f"cet identifiant figure déjà ligne {seen_identifiers[identifier]}.",
                    )
                )
                continue
            seen_identifiers[identifier] = row.line
            name = f"{last_name} {first_name}"
            user, why = self._match(row, profile, last_name, first_name, birth_date)
            if user is None:
                self.unmatched += 1
                self._warn(row, f"{name} : {why} Aucun compte n'est relié ni créé.")
                continue
            if user.pk in seen_users:
                self._warn(
                    row,
                    f"{name} : ce compte appui est déjà relié ligne {seen_users[user.pk]} ; "
                    "ligne ignorée.",
                )
                continue
            seen_users[user.pk] = row.line
            self._plan_link(section, row, user, identifier, name)

    def _match(self, row: Row, profile, last_name, first_name, birth_date):
        """(account, "") or (None, why in French)."""
        key = _name_key(last_name, first_name)
        if profile in (None, PUPIL):
            pupils = self.pupils.get(key, [])
            if self.mapping.has("birth_date"):
                pupils = [p for p in pupils if birth_date is None or p.birth_date == birth_date]
            division = self.mapping.text(row, "division")
            if division:
                codes = {fold(code) for code in division.replace(",", " ").split()}
                pupils = [p for p in pupils if p.division and fold(p.division.code) in codes]
            if len(pupils) == 1:
                if pupils[0].user is None:
                    return None, "cet élève n'a pas de compte appui."
                return pupils[0].user, ""
            if len(pupils) > 1:
                return (
                    None,
                    "plusieurs élèves d'appui ont ce nom : précisez date de naissance et classe.",
                )
            if profile == PUPIL:
                return (
                    None,
                    "aucun élève de l'établissement ne correspond (nom, date de naissance, classe).",
                )
        people: list = []
        if profile in (None, STAFF):
            people += self.staff.get(key, [])
        if profile in (None, GUARDIAN):
            people += self.guardians.get(key, [])
        if len(people) == 1:
            if people[0].user is None:
                return None, "cette personne n'a pas de compte appui."
            return people[0].user, ""
        if len(people) > 1:
            return None, "plusieurs personnes d'appui ont ce nom."
        return None, "personne dans appui ne porte ce nom dans cet établissement."

    def _plan_link(self, section, row: Row, user: User, identifier: str, name: str) -> None:
        current = self.by_user.get(user.pk)
        taken = self.by_identifier.get(identifier)
        if current is not None and current.identifier == identifier:
            section.unchanged()
            return
        if taken is not None and taken.user_id != user.pk:
            self.plan.issues.append(
                self.mapping.issue(
                    row,
                    "identifier",
                    f"cet identifiant est déjà relié à un autre compte ({taken.user}) : "
                    "corrigez le fichier, ou retirez d'abord ce lien.",
                )
            )
            return
        if current is not None:
            change = Change("Identifiant ENT", current.identifier, identifier)
            current.identifier = identifier
            self.relinks.append(current)
            section.add(Entry(CHANGED, name, user.username, [change], line=row.line))
            return
        self.links.append(
            EntIdentity(
                user=user,
                school=self.school,
                provider=self.provider,
                identifier=identifier,
                source=EntIdentity.Source.IMPORT,
            )
        )
        section.add(
            Entry(NEW, name, user.username, note=f"identifiant ENT « {identifier} »", line=row.line)
        )

    def _warn(self, row: Row, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.table.file_name, line=row.line, message=message, severity=Severity.WARNING
            )
        )

    # ----------------------------------------------------------------------------- write
    def write(self, *, user=None) -> School:
        # Re-linked rows first: a new link may take an identifier a re-link gives up.
        for link in self.relinks:
            link.save(update_fields=["identifier"])
        EntIdentity.objects.bulk_create(self.links)
        return self.school

    def done_text(self) -> str:
        linked, relinked = len(self.links), len(self.relinks)
        return (
            f"{plural(linked, 'compte relié', 'comptes reliés')}, "
            f"{plural(relinked, 'lien modifié', 'liens modifiés')}."
        )


def analyse_ent_accounts(*, school, content, file_name, options, **_files) -> EntAccountsImport:
    if school is None or not isinstance(school, School):
        raise ImportRefused("Choisissez l'établissement dans lequel importer ce fichier.")
    table = read_table(content, file_name)
    return EntAccountsImport(
        table,
        school=school,
        provider=options.get("provider") or default_provider(),
        identifier_column=options.get("identifier_column", ""),
    )
