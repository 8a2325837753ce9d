"""Properties on small random instances: every plan passes validation, and the solver's
objective is the one recomputed independently."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appui.core.grouping import Instance, check
from appui.core.grouping.solver import solve_with_details
from appui.core.grouping.validation import objective_terms

COMPETENCIES = ["MATH", "FR", "ORAL"]


@st.composite
def instances(draw):
    n_slots = draw(st.integers(1, 2))
    slots = [f"t{i}" for i in range(n_slots)]
    n = draw(st.integers(4, 14))
    divisions = draw(st.integers(1, 3))
    modules = []
    for i, comp in enumerate(
        draw(st.lists(st.sampled_from(COMPETENCIES + [None]), min_size=1, max_size=4))
    ):
        lo = draw(st.integers(1, 3))
        hi = draw(st.integers(lo + 1, 10))
        data = {
            "id": f"m{i}",
            "competency": comp,
            "kind": "soutien",
            "min_size": lo,
            "max_size": hi,
        }
        if comp is not None and draw(st.booleans()):
            data["target_level"] = draw(st.integers(0, 3))
        modules.append(data)
    module_ids = [m["id"] for m in modules]
    students = []
    for i in range(n):
        students.append(
            {
                "id": f"s{i}",
                "division": f"d{i % divisions}",
                "needs": {c: draw(st.integers(0, 3)) for c in COMPETENCIES},
                "wishes": draw(st.lists(st.sampled_from(module_ids), max_size=2, unique=True)),
                "unavailable_slots": [slots[-1]]
                if n_slots > 1 and draw(st.integers(0, 9)) == 0
                else [],
            }
        )
    # One versatile person, and a few specialists.
    staff_comps = [COMPETENCIES] + draw(
        st.lists(
            st.lists(st.sampled_from(COMPETENCIES), min_size=1, unique=True), min_size=1, max_size=3
        )
    )
    rooms = draw(st.lists(st.integers(3, 12), min_size=2, max_size=4))
    slot_data = [
        {
            "id": t,
            "staff": [{"id": f"p{j}", "competencies": c} for j, c in enumerate(staff_comps)],
            "rooms": [{"id": f"r{j}", "capacity": c} for j, c in enumerate(rooms)],
        }
        for t in slots
    ]
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            max_size=2,
        )
    )
    together = [[f"s{a}", f"s{b}"] for a, b in pairs[:1]]
    apart = [[f"s{a}", f"s{b}"] for a, b in pairs[1:]]
    previous: list = []
    if draw(st.booleans()):
        members = [f"s{i}" for i in range(0, n, 2)]
        previous = [{"students": members, "module": draw(st.sampled_from(module_ids))}]
    return Instance.from_dict(
        {
            "competencies": COMPETENCIES,
            "students": students,
            "slots": slot_data,
            "modules": modules,
            "together": together,
            "apart": apart,
            "previous_groups": previous,
        }
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances())
def test_every_plan_is_valid_and_scored_as_the_solver_says(inst):
    details = solve_with_details(inst, time_limit=3.0, seed=0, workers=1)
    solution = details.solution
    assert solution.status in ("optimal", "feasible", "infeasible", "unknown")
    if solution.status == "infeasible":
        assert solution.messages and all(isinstance(m, str) and m for m in solution.messages)
        return
    if not solution.is_plan:
        return
    report = check(inst, solution)
    assert report.ok, [v.message for v in report.violations]
    assert (
        report.objective
        == solution.objective
        == sum(objective_terms(inst, solution.groups).values())
    )
    assert solution.bound is not None and solution.objective <= solution.bound
    assert solution.simple_bound is not None and solution.objective <= solution.simple_bound
    if details.model_status == "optimal":
        # At the optimum the model's objective is exactly the recomputed one.
        assert details.model_objective == solution.objective
        assert details.model_terms == dict(solution.terms)
