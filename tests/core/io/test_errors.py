from appui.core.io.errors import ImportFileError, ImportIssue, Severity, has_errors


def test_an_issue_names_file_line_column_value_and_message():
    issue = ImportIssue(
        file="eleves.csv",
        line=12,
        column="C",
        field="Date de naissance",
        value="31/02/2011",
        message="« 31/02/2011 » n'est pas une date qui existe.",
    )
    assert str(issue) == (
        "« eleves.csv », ligne 12, colonne C (Date de naissance), valeur « 31/02/2011 » : "
        "« 31/02/2011 » n'est pas une date qui existe."
    )


def test_an_xml_issue_names_its_field():
    issue = ImportIssue(file="ElevesSansAdresses.xml", line=40, field="DATE_NAISS", message="x")
    assert issue.location() == "« ElevesSansAdresses.xml », ligne 40, champ DATE_NAISS"


def test_only_errors_block_an_import():
    warning = ImportIssue(file="a", line=1, message="w", severity=Severity.WARNING)
    error = ImportIssue(file="a", line=2, message="e")
    assert not has_errors([warning])
    assert has_errors([warning, error])
    assert Severity.WARNING.label == "Avertissement"


def test_the_file_error_carries_its_issues_and_reads_as_text():
    exc = ImportFileError.single("a.xml", "le fichier est vide.", line=1)
    assert exc.issues[0].line == 1
    assert str(exc) == "« a.xml », ligne 1 : le fichier est vide."
