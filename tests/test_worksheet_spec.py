"""Worksheet specs: validation messages a publisher can act on, and safe, accessible rendering."""
from __future__ import annotations

import typing
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guide import fields, pages, reference, schema, worksheet_form
from guide.fields.lines import MAX_ROWS as LINES_MAX
from sitebuild import ROOT, copy_project, mkdocs

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


# ---- every field type is one unit: schema, meaning, template, CSS; all derived from the registry ----

CSS = (ROOT / "overrides" / "assets" / "guide.css").read_text()
README = (ROOT / "README.md").read_text()
TYPES = sorted(fields.REGISTRY)


def test_the_registry_is_the_one_list_of_field_types():
    assert fields.FIELD_TYPES == tuple(fields.REGISTRY) == schema.FIELD_TYPES
    assert set(TYPES) >= {"text", "lines", "scale", "checklist", "table", "date", "signature"}
    # The union that validates `worksheet.fields` is made from the registry, member for member.
    union = schema.WorksheetSpec.model_fields["fields"].annotation.__args__[0]
    assert set(typing.get_args(typing.get_args(union)[0])) == set(fields.REGISTRY.values())


@pytest.mark.parametrize("type_name", TYPES)
def test_every_field_type_validates_renders_accessibly_and_is_documented(type_name):
    cls = fields.REGISTRY[type_name]
    assert (Path(fields.__file__).parent / cls.template()).is_file(), f"add fields/{type_name}.html"
    assert cls.meaning and cls.__module__ == f"guide.fields.{type_name}"
    for example in cls.examples():
        spec = schema.WorksheetSpec.model_validate({"fields": [example]})
        assert type(spec.fields[0]) is cls
        soup = BeautifulSoup(str(worksheet_form.render("t", spec, "T")), "html.parser")
        field = soup.select_one(f".guide-ws__field--{type_name}")
        assert field, f"{type_name}: the field's root needs class guide-ws__field--{type_name}"
        assert labelled_controls(soup, field) >= 1
        assert not soup.select("[style], script")
    # Documented: the README's generated reference has the type, its keys and its meaning.
    row = next(line for line in reference.markdown().splitlines() if line.startswith(f"| `{type_name}` |"))
    assert cls.meaning in row
    for key in set(cls.model_fields) - {"type", "label", "hint"}:
        assert f"`{key}`" in row, key
    assert reference.markdown() in README, "run `python -m guide reference --write` (PYTHONPATH=hooks)"


def labelled_controls(soup, root) -> int:
    controls = root.select("input, textarea")
    for el in controls:
        name = accessible_name(soup, el)
        assert name, el
    return len(controls)


def accessible_name(soup, el) -> str:
    if el.get("aria-label"):
        return el["aria-label"]
    label = (el.get("id") and soup.find("label", attrs={"for": el["id"]})) or el.find_parent("label")
    return label.get_text(" ", strip=True) if label else ""


@pytest.mark.parametrize("type_name", [t for t in TYPES if "people" in fields.REGISTRY[t].model_fields])
def test_people_fields_ask_each_person_in_a_group_with_labels_naming_person_and_question(type_name):
    cls = fields.REGISTRY[type_name]
    spec = schema.WorksheetSpec.model_validate({"fields": [{**cls.example, "label": "Q <i>", "people": ["You", "Your <b>partner</b>"]}]})
    soup = BeautifulSoup(str(worksheet_form.render("t", spec, "T")), "html.parser")
    group = soup.select_one(f"fieldset.guide-ws__field--{type_name}.guide-ws__field--people")
    assert group.legend.get_text(strip=True) == "Q <i>"
    people = group.select(".guide-ws__person")
    assert len(people) == 2
    for person, name in zip(people, ["You", "Your <b>partner</b>"]):
        controls = person.select("input, textarea")
        assert controls
        for el in controls:
            # Each control is named by person and question: its own label, or the legend of its group.
            own = accessible_name(soup, el) if el.get("type") != "radio" else person.legend.get_text(" ", strip=True)
            assert own.startswith(name) and "Q <i>" in own, own
            assert el.get("data-ws-part") == name
    assert len({el["name"] for el in group.select("[name]")}) == 2  # one answer per person


def test_people_need_two_or_three_different_names():
    for people, words in ([["You"]], "at least 2"), ([["A", "B", "C", "D"]], "more than 3"), ([["You", "you"]], "same name twice"):
        [p] = problems_for(f'    - {{type: scale, label: "Close?", people: {people[0]}}}')
        assert p.field.startswith("worksheet.fields[0]") and words in p.message, p
    [p] = problems_for('    - {type: checklist, label: "Ticks", options: [A], people: [You, Partner]}')
    assert p.field == "worksheet.fields[0].people" and "unknown key" in p.message


def test_writing_lines_need_no_inline_style_for_any_allowed_height():
    # A strict CSP without 'unsafe-inline' forbids style="..."; CSS sizes every allowed row count.
    for n in range(1, LINES_MAX + 1):
        assert f'[data-rows="{n}"] {{ --rows: {n}; }}' in CSS, n
    assert problems_for(f'    - {{type: lines, label: "L", rows: {LINES_MAX + 1}}}')


def test_templates_escape_with_autoescape_on():
    assert fields.base.TEMPLATES.autoescape is True
    html = str(fields.REGISTRY["text"](type="text", label="<img src=x onerror=alert(1)>").render("f", "k"))
    assert "<img" not in html and "&lt;img" in html
