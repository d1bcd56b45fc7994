"""A worksheet spec rendered as an accessible HTML form. Every text from the spec is escaped here."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from . import schema


def field_key(label: str, taken: set[str]) -> str:
    """A stable storage key from the label, so answers survive fields being reordered."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "field"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def render(slug: str, spec: schema.WorksheetSpec, title: str) -> Markup:
    taken: set[str] = set()
    parts = [
        f'<form class="guide-ws" data-guide-worksheet="{escape(slug)}" aria-label="{escape(title)}" autocomplete="off" novalidate>',
        _toolbar(),
    ]
    if spec.intro:
        parts.append(f'<p class="guide-ws__intro">{escape(spec.intro)}</p>')
    for field in spec.fields:
        key = field_key(field.label, taken)
        parts.append(_RENDER[field.type](field, f"ws-{slug}-{key}", key))
    parts.append('<p class="guide-ws__footer">From <em>Closer Again</em>. General information, not medical advice.</p>')
    parts.append("</form>")
    return Markup("\n".join(parts))


def _toolbar() -> str:
    return (
        '<div class="guide-ws__toolbar">'
        '<button type="button" class="md-button md-button--primary" data-ws-print="answers">Print with my answers</button>'
        '<button type="button" class="md-button" data-ws-print="blank">Print blank</button>'
        '<button type="button" class="md-button" data-ws-erase>Erase my answers</button>'
        '<p class="guide-ws__status" role="status" aria-live="polite">'
        "Your answers are saved in this browser on this device only. Nothing is sent anywhere.</p>"
        "</div>"
    )


def _hint(field, fid: str) -> tuple[str, str]:
    if not field.hint:
        return "", ""
    return f'<p class="guide-ws__hint" id="{fid}-hint">{escape(field.hint)}</p>', f' aria-describedby="{fid}-hint"'


def _single(field, fid: str, key: str, control: str) -> str:
    hint, described = _hint(field, fid)
    return (
        f'<div class="guide-ws__field guide-ws__field--{field.type}">'
        f'<label class="guide-ws__label" for="{fid}">{escape(field.label)}</label>{hint}'
        + control.format(fid=fid, key=key, described=described)
        + "</div>"
    )


def _group(field, fid: str, inner: str) -> str:
    hint, described = _hint(field, fid)
    return (
        f'<fieldset class="guide-ws__field guide-ws__field--{field.type}"{described}>'
        f'<legend class="guide-ws__label">{escape(field.label)}</legend>{hint}{inner}</fieldset>'
    )


def _text(field, fid, key):
    return _single(field, fid, key, '<input type="text" id="{fid}" name="{key}" class="guide-ws__input"{described}>')


def _date(field, fid, key):
    return _single(field, fid, key, '<input type="date" id="{fid}" name="{key}" class="guide-ws__input guide-ws__input--date"{described}>')


def _lines(field, fid, key):
    return _single(
        field, fid, key,
        f'<textarea id="{{fid}}" name="{{key}}" rows="{field.rows}" class="guide-ws__lines"{{described}}></textarea>',
    )


def _scale(field, fid, key):
    options = []
    for n in range(field.min, field.max + 1):
        end = field.low if n == field.min else field.high if n == field.max else ""
        words = f' <span class="guide-ws__end">{escape(end)}</span>' if end else ""
        options.append(
            f'<label class="guide-ws__point"><input type="radio" name="{key}" value="{n}" id="{fid}-{n}">'
            f'<span class="guide-ws__num">{n}</span>{words}</label>'
        )
    return _group(field, fid, f'<div class="guide-ws__scale">{"".join(options)}</div>')


def _checklist(field, fid, key):
    boxes = [
        f'<label class="guide-ws__check"><input type="checkbox" name="{key}" value="{escape(opt)}" id="{fid}-{i}">'
        f"<span>{escape(opt)}</span></label>"
        for i, opt in enumerate(field.options)
    ]
    if field.other:
        boxes.append(
            f'<span class="guide-ws__check guide-ws__check--other">'
            f'<input type="checkbox" name="{key}" value="Other" id="{fid}-other" aria-label="Other">'
            f'<label for="{fid}-other-text">Other:</label>'
            f'<input type="text" class="guide-ws__input" id="{fid}-other-text" name="{key}--other"></span>'
        )
    return _group(field, fid, f'<div class="guide-ws__checks">{"".join(boxes)}</div>')


def _table(field, fid, key):
    labels = field.row_labels
    input_cols = field.columns[1:] if labels else field.columns
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in field.columns)
    rows = []
    for r in range(field.rows):
        row_name = labels[r] if labels else f"row {r + 1}"
        cells = [f'<th scope="row">{escape(labels[r])}</th>'] if labels else []
        for c, col in enumerate(input_cols):
            cells.append(
                f'<td><input type="text" name="{key}--r{r}c{c}" id="{fid}-r{r}c{c}" '
                f'aria-label="{escape(col)}, {escape(row_name)}"></td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table = f'<table class="guide-ws__table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return _group(field, fid, table)


def _signature(field, fid, key):
    lines = []
    for i in range(1, field.signers + 1):
        lines.append(
            f'<div class="guide-ws__sign">'
            f'<label for="{fid}-name{i}">Name</label><input type="text" id="{fid}-name{i}" name="{key}--name{i}" class="guide-ws__input">'
            f'<label for="{fid}-date{i}">Date</label><input type="date" id="{fid}-date{i}" name="{key}--date{i}" class="guide-ws__input guide-ws__input--date">'
            f"</div>"
        )
    return _group(field, fid, "".join(lines))


_RENDER = {
    "text": _text,
    "lines": _lines,
    "scale": _scale,
    "checklist": _checklist,
    "table": _table,
    "date": _date,
    "signature": _signature,
}
