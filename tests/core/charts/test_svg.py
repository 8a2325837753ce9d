import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from appui.core.charts import Band, Point, Series, distribution_bars, line_chart

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("class") == "chart"
    assert "style" not in markup  # the CSP forbids inline styles
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


class TestLineChart:
    def test_it_draws_one_line_and_markers_per_series_with_bands(self):
        root = parse(
            line_chart(
                [
                    Series("Lire", [Point(D(2026, 9, 10), 1), Point(D(2026, 11, 20), 3, True)]),
                    Series("Calculer", [Point(D(2026, 9, 10), 2)]),
                ],
                [Band(D(2026, 11, 2), D(2026, 12, 18), "Lecture")],
                title="Progrès",
                desc="Niveaux",
            )
        )
        assert len(root.findall(f"{SVG}polyline")) == 1  # one point: no line for "Calculer"
        assert root.find(f"{SVG}title").text == "Progrès"
        assert {"Lire", "Calculer", "Lecture", "MI", "TBM"} <= set(texts(root))
        # The hollow progress mark is white inside; the series differ by shape, not colour only.
        circles = root.findall(f"{SVG}circle")
        assert {c.get("fill") for c in circles} == {"#ffffff", "#1d4ed8"}
        assert root.findall(f"{SVG}rect")  # band and the square marker of the second series

    def test_values_map_higher_levels_higher_up(self):
        root = parse(
            line_chart(
                [Series("A", [Point(D(2026, 9, 1), 1), Point(D(2026, 10, 1), 4)])],
                title="t",
                desc="d",
            )
        )
        low, high = root.findall(f"{SVG}circle")[:2]
        assert float(high.get("cy")) < float(low.get("cy"))
        assert float(high.get("cx")) > float(low.get("cx"))

    def test_it_escapes_every_text(self):
        markup = line_chart(
            [Series("<b>&x", [Point(D(2026, 9, 1), 2)])],
            [Band(D(2026, 9, 1), D(2026, 9, 30), "</svg><script>")],
            title="a < b",
            desc='"quoted" & more',
        )
        root = parse(markup)
        assert "<script>" not in markup
        assert "<b>&x" in texts(root)
        assert "</svg><script>" in texts(root)

    def test_band_labels_with_room_share_one_line_and_a_note_is_written(self):
        bands = [
            Band(D(2026, 9, 1), D(2026, 9, 30), "Premier"),
            Band(D(2026, 10, 1), D(2026, 10, 30), "Second"),
        ]
        root = parse(
            line_chart(
                [Series("A", [Point(D(2026, 9, 1), 2)])], bands, title="t", desc="d", note="Plein"
            )
        )
        labels = {t.text: t.get("y") for t in root.iter(f"{SVG}text")}
        assert labels["Premier"] == labels["Second"]  # far apart: no need for a second line
        assert "Plein" in labels

    def test_empty_data_says_so(self):
        root = parse(line_chart([], title="t", desc="d", empty="Aucune donnée"))
        assert texts(root) == ["Aucune donnée"]

    def test_one_point_on_one_day_still_has_a_time_axis(self):
        root = parse(line_chart([Series("A", [Point(D(2026, 9, 1), 2)])], title="t", desc="d"))
        circle, _legend = root.findall(f"{SVG}circle")
        assert 60 < float(circle.get("cx")) < 624

    def test_fixed_axis_clamps_days_outside_it(self):
        root = parse(
            line_chart(
                [Series("A", [Point(D(2025, 1, 1), 2)])],
                title="t",
                desc="d",
                start=D(2026, 9, 1),
                end=D(2027, 7, 4),
            )
        )
        assert float(root.find(f"{SVG}circle").get("cx")) == 60

    def test_the_ids_are_safe(self):
        root = parse(line_chart([], title="t", desc="d", ident='x" onload="y'))
        assert root.get("aria-labelledby") == "xonloady-t xonloady-d"


class TestDistributionBars:
    def test_bars_are_proportional_and_carry_their_count(self):
        root = parse(
            distribution_bars(
                ["MI", "MF", "MS", "TBM"], [4, 2, 0, 0], [1, 2, 2, 1], title="t", desc="d"
            )
        )
        bars = [r for r in root.findall(f"{SVG}rect") if r.get("height") not in (None, "14")]
        heights = [float(r.get("height")) for r in bars]
        assert heights[0] == max(heights)  # 4 before on MI is the tallest
        assert heights[0] == pytest.approx(4 * heights[1])  # the 1 after on MI
        assert {"4", "2", "0", "1", "MI", "TBM", "Before", "After"} <= set(texts(root))
        assert root.find(f"{SVG}defs/{SVG}pattern") is not None  # "before" is hatched

    def test_no_counts_says_so(self):
        root = parse(distribution_bars(["MI"], [0], [0], title="t", desc="d", empty="Rien"))
        assert texts(root) == ["Rien"]

    def test_counts_must_match_categories(self):
        with pytest.raises(ValueError):
            distribution_bars(["MI", "MF"], [1], [1, 2], title="t", desc="d")


class TestLayout:
    def test_labels_of_overlapping_bands_never_share_a_line_where_they_would_collide(self):
        bands = [
            Band(D(2026, 9, 1), D(2026, 10, 30), "Compréhension de consignes écrites"),
            Band(D(2026, 9, 8), D(2026, 10, 30), "Méthodologie du travail personnel"),
            Band(D(2026, 9, 15), D(2026, 10, 30), "Projet d'orientation"),
        ]
        root = parse(
            line_chart(
                [Series("A", [Point(D(2026, 9, 1), 2)])],
                bands,
                title="t",
                desc="d",
                start=D(2026, 9, 1),
                end=D(2027, 7, 4),
            )
        )
        names = {b.label for b in bands}
        placed = [
            (float(t.get("x")), float(t.get("y")), t.text)
            for t in root.iter(f"{SVG}text")
            if t.text in names
        ]
        assert len(placed) == 3
        assert len({y for _x, y, _t in placed}) == 3  # three lines: each would hit the next
        for _x, y, _t in placed:
            assert y > 0  # inside the picture

    def test_a_long_label_is_cut_at_the_right_edge(self):
        root = parse(
            line_chart(
                [Series("A", [Point(D(2027, 6, 1), 2)])],
                [Band(D(2027, 6, 1), D(2027, 6, 30), "Un titre de module beaucoup trop long")],
                title="t",
                desc="d",
                start=D(2026, 9, 1),
                end=D(2027, 7, 4),
            )
        )
        label = next(t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Un "))
        assert label.text.endswith("…")
        assert float(label.get("x")) + 6.6 * len(label.text) <= 640

    def test_points_days_apart_are_drawn_apart_in_order(self):
        root = parse(
            line_chart(
                [
                    Series(
                        "A",
                        [Point(D(2026, 9, 14), 1), Point(D(2026, 9, 15), 3, True)],
                    )
                ],
                title="t",
                desc="d",
                start=D(2026, 9, 1),
                end=D(2027, 7, 4),
            )
        )
        first, second = root.findall(f"{SVG}circle")[:2]
        assert float(second.get("cx")) - float(first.get("cx")) >= 14
        # Still inside the axis at the right edge.
        root = parse(
            line_chart(
                [Series("A", [Point(D(2027, 7, 3), 1), Point(D(2027, 7, 4), 2)])],
                title="t",
                desc="d",
                start=D(2026, 9, 1),
                end=D(2027, 7, 4),
            )
        )
        xs = [float(c.get("cx")) for c in root.findall(f"{SVG}circle")[:2]]
        assert xs[1] <= 624 and xs[1] - xs[0] >= 14
