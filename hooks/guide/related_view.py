"""From the site to the ranking's input, and why a suggestion is shown."""
from __future__ import annotations

from . import related
from .settings import RelatedSettings
from .site import Site, labels


def docs(site: Site, settings: RelatedSettings) -> list[related.Doc]:
    kinds = ("article", "worksheet") if settings.include_worksheets else ("article",)
    out = []
    for p in site.pages.values():
        out.append(related.Doc(
            key=p.src_uri, title=p.meta.title, description=p.meta.description, body=p.body,
            tags=tuple(p.meta.tags), section=p.section,
            date_ordinal=p.date.toordinal() if p.date else 0,
            candidate=p.kind in kinds and not p.meta.draft,
            pins=tuple(p.meta.related or ()),
            wants_list=p.kind == "article" and p.meta.related is not False,
        ))
    return out


def compute(site: Site, settings: RelatedSettings) -> related.Ranking:
    w = settings.weights
    weights = related.Weights(tags=w.tags, section=w.section, text=w.text)
    return related.rank(docs(site, settings), weights, settings.count, settings.min_score)


def hint(site: Site, s: related.Suggestion) -> str:
    """Why an item is suggested, in a few plain words."""
    if s.pinned:
        return "Picked by our editors"
    if s.shared_tags:
        # Labels as a list, not in a sentence: "Also about neurological and carers" read badly.
        # Not "Because you read...": nothing about the reader is tracked.
        return "Shared topics: " + ", ".join(labels(site.tags, s.shared_tags[:2]))
    if s.same_section:
        return "From the same section"  # its name is on the item already
    return "On a similar theme"
