"""Importing results in the browser: template, upload, a bad row named by its line, confirm."""

import re

from django.utils import timezone
from playwright.sync_api import expect


def open_campaign(school):
    """A new open positioning test on two competencies, for the level with most students."""
    from django.db.models import Count

    from appui.diagnostics import services
    from appui.diagnostics.models import Campaign
    from appui.schools.models import Level

    framework = services.framework_install_default(school=school)
    level = (
        Level.objects.filter(year__school=school, year__is_current=True)
        .annotate(n=Count("divisions__students"))
        .order_by("-n")
        .first()
    )
    campaign = services.campaign_create(
        level=level,
        period=level.year.periods.order_by("number").first(),
        kind=Campaign.Kind.POSITIONING_TEST,
        name="Test de positionnement importé",
        date=timezone.localdate(),
        framework=framework,
        competencies=list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL"])),
    )
    return services.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)


def test_coordinator_imports_a_filled_template_skipping_its_bad_row(demo, app, page, tmp_path):
    from appui.diagnostics.models import Result

    campaign = open_campaign(demo.school)
    app.login("coordination")
    app.open(f"/diagnostic/campagnes/{campaign.pk}/import/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    app.assert_accessible()

    # The template lists the level's students; a teacher fills three rows, one badly.
    with page.expect_download() as download:
        page.locator("a[href$='?modele=1']").click()
    template = download.value.path().read_bytes().decode("utf-8-sig")
    lines = template.splitlines()
    assert lines[0] == "INE;Nom;Prénom;Date de naissance;Division;FR.LEC;MA.CAL"
    lines[1] = lines[1].removesuffix(";;") + ";2;MS"
    lines[2] = lines[2].removesuffix(";;") + ";17;3"  # line 3 of the file: 17 is no level
    lines[3] = lines[3].removesuffix(";;") + ";TBM;abs"
    filled = tmp_path / "positionnement.csv"
    filled.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))

    page.locator("input[type=file]").set_input_files(filled)
    page.locator("form[enctype] button[type=submit]").click()
    # The campaign's link leads to the one import flow: the imports' preview page.
    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))

    bad_row = page.locator('#issues tr[data-line="3"]')
    expect(bad_row).to_contain_text("positionnement.csv")
    expect(bad_row).to_contain_text("3")
    expect(bad_row).to_contain_text("F (FR.LEC)")
    expect(bad_row).to_contain_text("Valeur « 17 » non reconnue")
    expect(page.locator('[data-count="results-new"]')).to_have_text("4")
    expect(page.locator('[data-count="error_rows"]')).to_have_text("1")
    app.assert_accessible()

    # Confirming without choosing to skip the bad row is refused, naming the line.
    page.locator("button[name=apply]").click()
    expect(page.get_by_role("alert")).to_contain_text("1 ligne en erreur (ligne 3)")
    assert Result.objects.filter(campaign=campaign).count() == 0
    app.assert_accessible()

    page.locator("input[name=skip_invalid]").check()
    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    expect(page.locator('[data-count="results-new"]')).to_have_text("4")
    expect(page.locator('[data-count="error_rows"]')).to_have_text("1")
    assert Result.objects.filter(campaign=campaign).count() == 4
    app.assert_accessible()
