"""Worksheet specs: validation messages a publisher can act on, and safe, accessible rendering."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from guide import pages, schema, worksheet_form
from sitebuild import copy_project, mkdocs

SHEET = """---
title: Test sheet
description: A sheet for tests.
section: pacing
published: 2026-10-01
reviewed: 2026-11-01
worksheet:
  fields:
{fields}
---
Guidance.
"""


def problems_for(fields: str):
    return pages.load("worksheets/test.md", SHEET.format(fields=fields), "content/worksheets/test.md").problems


@pytest.mark.parametrize("fields, where, words", [
    ('    - {type: slider, label: "Energy"}', "worksheet.fields[0].type", ["unknown field type 'slider'", "scale"]),
    ('    - {type: text, label: "Ok"}\n    - {type: lines, rows: 3}', "worksheet.fields[1].label", ["is required", "label:"]),
    ('    - {type: scale, label: "Energy", min: 5, max: 5}', "worksheet.fields[0]", ["min (5) must be smaller than max (5)"]),
    ('    - {type: table, label: "Week", columns: []}', "worksheet.fields[0].columns", ["at least 1"]),
    ('    - {type: text, label: "Ok", colour: red}', "worksheet.fields[0].colour", ["unknown key"]),
    ('    - {label: "No type"}', "worksheet.fields[0].type", ["is required", "text, lines"]),
])
def test_bad_field_names_file_index_and_fix(fields, where, words):
    found = problems_for(fields)
    assert len(found) == 1, found
    p = found[0]
    assert p.path == "content/worksheets/test.md" and p.field == where, p
    for w in words:
        assert w in p.message, p.message


def test_every_problem_in_a_sheet_is_reported_at_once():
    found = problems_for('    - {type: slider, label: "A"}\n    - {type: scale, label: "B", min: 3, max: 1}\n    - {type: lines}')
    assert [p.field for p in found] == ["worksheet.fields[0].type", "worksheet.fields[1]", "worksheet.fields[2].label"]


def test_unknown_field_key_suggests_the_right_one():
    [p] = problems_for('    - {type: lines, label: "A", row: 3}')
    assert "did you mean `rows`" in p.message


def spec(*fields) -> schema.WorksheetSpec:
    return schema.WorksheetSpec.model_validate({"intro": "Hi <there>", "fields": list(fields)})


ALL_TYPES = spec(
    {"type": "text", "label": "Name <b>bold</b>", "hint": "a & b"},
    {"type": "lines", "label": "Lines", "rows": 4},
    {"type": "scale", "label": "Energy", "min": 1, "max": 5, "low": "Low \"quoted\"", "high": "High"},
    {"type": "checklist", "label": "Signals", "options": ["Pause", "<script>x</script>"], "other": True},
    {"type": "table", "label": "Week", "columns": ["Day", "Energy"], "rows": 2, "row_labels": ["Mon", "Tue"]},
    {"type": "date", "label": "Date"},
    {"type": "signature", "label": "Agreed by", "signers": 2},
)


def test_rendered_form_escapes_every_text():
    html = str(worksheet_form.render("t", ALL_TYPES, 'Title "x" <y>'))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert "Name <b>bold</b>" in soup.get_text() and "<script>x</script>" in soup.get_text()
    assert soup.form["aria-label"] == 'Title "x" <y>'


def test_every_control_has_a_label_and_groups_have_legends():
    soup = BeautifulSoup(str(worksheet_form.render("t", ALL_TYPES, "T")), "html.parser")
    controls = soup.select("input, textarea")
    assert len(controls) > 10
    for el in controls:
        labelled = (el.get("id") and soup.find("label", attrs={"for": el["id"]})) or el.get("aria-label") or el.find_parent("label")
        assert labelled, el
    for kind in ("scale", "checklist", "table", "signature"):
        group = soup.select_one(f"fieldset.guide-ws__field--{kind}")
        assert group and group.legend and group.legend.get_text(strip=True), kind
    ids = [el["id"] for el in soup.select("[id]")]
    assert len(ids) == len(set(ids))


def test_field_keys_are_stable_and_unique():
    taken: set[str] = set()
    assert worksheet_form.field_key("My energy: this week?", taken) == "my-energy-this-week"
    assert worksheet_form.field_key("My energy: this week?", taken) == "my-energy-this-week-2"


def test_build_stops_on_bad_sheet_and_unknown_slug(tmp_path):
    bad_sheet = SHEET.format(fields='    - {type: slider, label: "Energy"}')
    cfg = copy_project(tmp_path, {
        "content/worksheets/bad-sheet.md": bad_sheet,
        "content/pacing/uses-sheet.md": (
            "---\ntitle: Uses a sheet\ndescription: Test.\ntags: [pacing]\npublished: 2026-10-01\n"
            "reviewed: 2026-11-01\nworksheets: [no-such-sheet]\n---\nText.\n"
        ),
    })
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0
    assert "content/worksheets/bad-sheet.md: worksheet.fields[0].type: unknown field type 'slider'" in build.output
    assert "Traceback" not in build.output
