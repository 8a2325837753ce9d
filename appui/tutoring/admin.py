from django.contrib import admin

from .models import StudyHelpSignup, StudyHelpSlot, Tutor, TutoringPolicy, TutorMeeting, Tutorship


@admin.register(TutoringPolicy)
class TutoringPolicyAdmin(admin.ModelAdmin):
    list_display = ["year", "max_tutees", "allowance_per_tutee"]


@admin.register(Tutor)
class TutorAdmin(admin.ModelAdmin):
    list_display = ["staff", "year", "active", "tutee_count", "max_tutees"]
    list_filter = ["active"]
    # The count is kept by the services; editing it by hand would bypass the maximum.
    readonly_fields = ["tutee_count", "max_tutees"]


@admin.register(Tutorship)
class TutorshipAdmin(admin.ModelAdmin):
    list_display = ["student", "tutor", "year", "start_date", "end_date"]
    raw_id_fields = ["student", "tutor"]

    def has_add_permission(self, request):
        # New tutorships go through the service, which enforces the maximum.
        return False


@admin.register(TutorMeeting)
class TutorMeetingAdmin(admin.ModelAdmin):
    list_display = ["tutorship", "date"]
    raw_id_fields = ["tutorship"]


class StudyHelpSignupInline(admin.TabularInline):
    model = StudyHelpSignup
    raw_id_fields = ["student"]
    readonly_fields = ["student", "signed_up_at", "attendance", "attendance_by"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        # Sign-ups go through the service, which keeps the seat count within the capacity.
        return False


@admin.register(StudyHelpSlot)
class StudyHelpSlotAdmin(admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "room", "theme", "taken", "capacity"]
    list_filter = ["year"]
    filter_horizontal = ["supervisors", "levels"]
    # The count is kept by the services; editing it by hand would bypass the capacity.
    readonly_fields = ["taken", "series"]
    inlines = [StudyHelpSignupInline]
