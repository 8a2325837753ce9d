"""Model choices that are a core vocabulary hold exactly the core enum's values.

The values are written once, in ``appui.core``; the models add French labels. These tests
catch a core enum that gains or loses a member the model's choices do not follow.
"""

import pytest

from appui.core import hours, needs, scales
from appui.core.io import mef, values
from appui.diagnostics.models import Campaign, Observation, Result
from appui.followup.models import Attendance, ProgressMark
from appui.schools.models import Level, Student

PAIRS = [
    (Campaign.Kind, needs.CampaignKind),
    (Result.NotAssessed, scales.NotAssessed),
    (Observation.Signal, needs.Signal),
    (Level.Track, mef.Track),
    (Student.Sex, values.Sex),
    (Student.Project, needs.Project),
    (Student.Scheme, mef.Scheme),
    (Attendance.Status, hours.Attendance),
    (ProgressMark.Level, scales.LsuLevel),
]


@pytest.mark.parametrize(("choices", "vocabulary"), PAIRS, ids=lambda c: c.__qualname__)
def test_model_choices_have_exactly_the_values_of_the_core_vocabulary(choices, vocabulary):
    assert sorted(choices.values) == sorted(member.value for member in vocabulary)
