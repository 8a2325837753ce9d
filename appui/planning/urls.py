from django.urls import path

from . import (
    views,
    views_batch,
    views_board,
    views_catalogue,
    views_partners,
    views_rounds,
    views_slot_periods,
    views_versions,
    views_wishes,
)

app_name = "planning"

urlpatterns = [
    path("groupes/", views.plan_index, name="plan-index"),
    path(
        "groupes/niveaux/<int:level_pk>/periodes/<int:period_pk>/",
        views.plan_workspace,
        name="plan-workspace",
    ),
    path(
        "groupes/niveaux/<int:level_pk>/periodes/<int:period_pk>/sequences/",
        views_rounds.round_plan,
        name="round-plan",
    ),
    path("groupes/sequences/<int:pk>/", views_rounds.round_edit, name="round-edit"),
    path("groupes/sequences/<int:pk>/supprimer/", views_rounds.round_delete, name="round-delete"),
    path("groupes/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("groupes/plans/<int:pk>/etat/", views.plan_status, name="plan-status"),
    path("groupes/plans/<int:pk>/action/", views.plan_action, name="plan-action"),
    # The board of a plan (views_board.py): moves and locks through htmx, a pupil's panel.
    path(
        "groupes/plans/<int:pk>/tableau/deplacer/", views_board.board_move, name="plan-board-move"
    ),
    path("groupes/plans/<int:pk>/tableau/verrou/", views_board.board_lock, name="plan-board-lock"),
    path(
        "groupes/plans/<int:pk>/tableau/affectations/<int:assignment_pk>/",
        views_board.board_pupil,
        name="plan-board-pupil",
    ),
    # Versions of a plan, restore, publication (views_versions.py).
    path("groupes/plans/<int:pk>/versions/", views_versions.plan_versions, name="plan-versions"),
    path(
        "groupes/plans/<int:pk>/versions/<int:number>/restaurer/",
        views_versions.plan_restore,
        name="plan-restore",
    ),
    path(
        "groupes/plans/<int:pk>/publier/",
        views_versions.plan_publish_confirm,
        name="plan-publish",
    ),
    path("groupes/<int:pk>/", views.group_detail, name="group-detail"),
    path("barrettes/", views_catalogue.slot_list, name="slot-list"),
    path("barrettes/periodes/", views_slot_periods.slot_periods, name="slot-periods"),
    path(
        "barrettes/niveaux/<int:level_pk>/nouvelle/", views_catalogue.slot_edit, name="slot-create"
    ),
    path("barrettes/niveaux/<int:level_pk>/<int:pk>/", views_catalogue.slot_edit, name="slot-edit"),
    path("modules/", views_catalogue.module_list, name="module-list"),
    path("modules/nouveau/", views_catalogue.module_edit, name="module-create"),
    path("modules/<int:pk>/", views_catalogue.module_edit, name="module-edit"),
    path("modules/<int:copy_of>/dupliquer/", views_catalogue.module_edit, name="module-copy"),
    # Partners, resources, remarkable actions (views_partners.py).
    path(
        "modules/<int:pk>/publication/",
        views_partners.module_publication,
        name="module-publication",
    ),
    path("partenaires/", views_partners.partner_list, name="partner-list"),
    path("partenaires/nouveau/", views_partners.partner_edit, name="partner-create"),
    path("partenaires/<int:pk>/", views_partners.partner_edit, name="partner-edit"),
    path("ressources/nouvelle/", views_partners.resource_edit, name="resource-create"),
    path("ressources/<int:pk>/", views_partners.resource_edit, name="resource-edit"),
    # Pupils' wishes (views_wishes.py).
    path("voeux/", views_wishes.wish_index, name="wish-index"),
    path(
        "voeux/niveaux/<int:level_pk>/periodes/<int:period_pk>/",
        views_wishes.wish_window,
        name="wish-window",
    ),
    path(
        "voeux/niveaux/<int:level_pk>/periodes/<int:period_pk>/cloture/",
        views_wishes.wish_close,
        name="wish-close",
    ),
    path(
        "voeux/niveaux/<int:level_pk>/periodes/<int:period_pk>/saisie/",
        views_wishes.wish_entry,
        name="wish-entry",
    ),
    path(
        "voeux/niveaux/<int:level_pk>/periodes/<int:period_pk>/saisie/<int:student_pk>/",
        views_wishes.wish_entry_row,
        name="wish-entry-row",
    ),
    path("mes-voeux/", views_wishes.wish_mine, name="wish-mine"),
    # Batch regrouping: the next period of every level, of a school or an académie.
    path("groupes/lot/", views_batch.batch_school, name="batch-school"),
    path("groupes/lot/academie/", views_batch.batch_academy, name="batch-academy"),
    path("groupes/lots/<int:pk>/", views_batch.batch_detail, name="batch-detail"),
    path("groupes/lots/<int:pk>/etat/", views_batch.batch_poll, name="batch-status"),
]
