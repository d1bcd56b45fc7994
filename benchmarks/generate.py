"""Generate a synthetic copy of the guide with N articles, for build benchmarks.

    python benchmarks/generate.py 1000 benchmarks/out/site-1000 [--seed 7]

The copy keeps everything that is not an article real (tags page, worksheets, about pages, theme,
hooks, settings) and adds N generated articles that pass our front-matter schema, so a build of it
does the same work per page as a build of the real guide. Article i depends only on (seed, i): the
100-article site is the first 100 articles of the 1,000-article one.

Configs are written next to `content/`:
  mkdocs.yml               the project's config (our hooks on, the Pagefind index included)
  mkdocs-nohooks.yml       the same with `hooks: []`: what our hooks cost
  mkdocs-nosearch.yml      hooks on except hooks/search.py: what they cost apart from the search index
  mkdocs-nohooks-lunr.yml  hooks off, with Material's own search plugin (the search before Pagefind)
  mkdocs-stock.yml         hooks off and no `nav:`/`not_in_nav`: stock MkDocs puts every article in
                           the sidebar, the quadratic layout our nav design avoids (reference only)
"""
from __future__ import annotations

import argparse
import datetime as dt
import posixpath
import random
import re
import shutil
from pathlib import Path

import yaml
from mkdocs.utils.yaml import get_yaml_loader

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SECTIONS = ["communication", "consent", "pacing", "rituals", "body-and-health", "conditions"]  # article sections
OTHER_FOLDERS = ["worksheets", "about"]  # copied as they are

# Topics: words a page is "about" and the tags that go with them. Each article draws most of its
# words from one main and one second topic, so TF-IDF finds real neighbours and related lists
# mean something (pages sharing a topic share words and tags).
TOPICS = {
    "talking": ("conversation question worry word reply silence misunderstanding story voice "
                "explanation sentence phrase talk chat listener speaker opinion tone pause",
                ["communication", "listening", "check-ins"]),
    "feelings": ("fear grief guilt anger sadness loss hope tears frustration loneliness shame "
                 "relief worry mood emotion resentment reassurance courage",
                 ["feelings", "support"]),
    "signals": ("signal gesture sign agreement permission choice tap squeeze codeword cue "
                "boundary limit preference veto yes no maybe stop",
                ["signals", "boundaries", "saying-no"]),
    "energy": ("energy rest nap recovery stamina window afternoon morning schedule battery "
               "spoons budget diary timetable plan effort tiredness",
               ["energy", "fatigue", "starting-out"]),
    "pain": ("pain ache cushion position pillow relief stiffness joint scar wound heat "
             "lubricant support angle pressure tenderness soreness",
             ["pain", "comfort"]),
    "routines": ("routine evening candle walk breakfast ritual habit playlist bath tea sofa "
                 "dinner weekend calendar reminder film garden",
                 ["routines", "dates"]),
    "journaling": ("journal notebook page memory entry pen gratitude letter photo album list "
                   "milestone progress anniversary achievement",
                   ["journaling", "celebrating"]),
    "mindfulness": ("breath breathing calm presence moment stillness exhale inhale rhythm "
                    "attention senses quiet meditation relaxation heartbeat",
                    ["mindfulness"]),
    "body": ("mirror clothing stoma shape weight hair confidence appearance skin photograph "
             "lingerie nightwear swimsuit reflection change",
             ["body-image", "long-term-change"]),
    "medicines": ("medicine dose tablet pharmacist prescription hormone injection patch cream "
                  "label leaflet interaction timing chemotherapy tamoxifen",
                  ["medicines", "care-team"]),
    "specialists": ("physiotherapist therapist clinic appointment referral exercise counsellor "
                    "nurse specialist consultant waiting letter session assessment",
                    ["specialist-help", "care-team", "support"]),
    "carers": ("carer caring chores dressing respite shopping laundry helper neighbour "
               "household errand responsibility role",
               ["carers", "support"]),
    "touch": ("touch cuddle hug massage kiss desire interest closeness warmth tenderness "
              "holding stroking intimacy affection sensuality",
              ["touch", "desire"]),
    "setbacks": ("setback relapse flare warning emergency symptom bleeding fever "
                 "breathlessness hospital ambulance admission",
                 ["setbacks", "safety"]),
    "solo": ("self alone single solitude pleasure independence exploration privacy "
             "friendship dating",
             ["solo", "body-image"]),
}
SECTION_TOPICS = {  # which topics a section's articles are mostly about
    "communication": ["talking", "feelings", "specialists", "carers"],
    "consent": ["signals", "carers", "touch", "feelings"],
    "pacing": ["energy", "pain", "setbacks", "touch"],
    "rituals": ["routines", "journaling", "mindfulness", "touch"],
    "body-and-health": ["body", "medicines", "specialists", "pain", "solo"],
    "conditions": ["medicines", "specialists", "setbacks", "body"],
}
PEOPLE = "partner doctor nurse friend family therapist daughter son".split()
TIMES = "week day evening morning weekend month visit".split()
VERBS = ("notice try agree plan share choose keep change start stop wait ask tell find check "
         "write remember celebrate protect support").split()
ADJECTIVES = ("gentle small slow calm clear kind honest quiet short simple steady warm safe "
              "practical patient regular easy hard new").split()
TEMPLATES = [
    "A {adj} {n1} can help when the {n2} feels too much.",
    "Many people {v} the {n1} before they talk about {n2}.",
    "It is fine to {v} your {n1} and come back to the {n2} later.",
    "Try to {v} one {adj} {n1} each {t}, and see how the {n2} changes.",
    "Your {p} may notice the {n1} first, so {v} it together.",
    "If the {n1} gets in the way, {v} a {adj} {n2} instead.",
    "Some couples {v} a {n1} and a {n2} in the same {t}.",
    "The {n1} is not a test: a {adj} {n2} is enough for now.",
    "Ask your {p} about the {n1} and the {n2} at the next visit.",
    "When the {n1} is {adj}, the {n2} often follows.",
    "Write down the {n1}, the {n2} and what you would like to {v} next.",
    "A {adj} {t} with a {n1} can feel like a big {n2}.",
]
SOURCES = [  # sources are front matter (a `## Sources` list in the body is refused): publisher, site
    ("NHS", "https://www.nhs.uk/"),
    ("Macmillan Cancer Support", "https://www.macmillan.org.uk/"),
    ("British Heart Foundation", "https://www.bhf.org.uk/"),
    ("Relate", "https://www.relate.org.uk/"),
    ("College of Sexual and Relationship Therapists", "https://www.cosrt.org.uk/"),
    ("Stroke Association", "https://www.stroke.org.uk/"),
    ("Carers UK", "https://www.carersuk.org/"),
]
HEADINGS = ["What can help", "Talking it through", "Small steps", "When it is hard", "Making a plan",
            "If you are on your own", "Questions to ask", "What to expect", "Keeping it going"]
FIRST_DAY = dt.date(2023, 1, 1)
LAST_DAY = dt.date(2026, 11, 20)


def words(topic: str) -> list[str]:
    return TOPICS[topic][0].split()


def sentence(rng: random.Random, main: str, second: str) -> str:
    """One sentence: its nouns come from the page's two topics (mostly the main one)."""
    pick = lambda: rng.choice(words(main) if rng.random() < 0.7 else words(second))  # noqa: E731
    text = rng.choice(TEMPLATES).format(adj=rng.choice(ADJECTIVES), v=rng.choice(VERBS),
                                        n1=pick(), n2=pick(), p=rng.choice(PEOPLE), t=rng.choice(TIMES))
    text = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)  # "an admission", not "a admission"
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, main: str, second: str) -> str:
    return " ".join(sentence(rng, main, second) for _ in range(rng.randint(3, 6)))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def article(i: int, seed: int, taken_titles: set[str], earlier: dict[str, list[tuple[str, str]]],
            sheets: list[str]) -> tuple[str, str]:
    """Article i as (path under content/, text). Depends only on seed, i and the earlier articles."""
    rng = random.Random(seed * 1_000_003 + i)
    section = SECTIONS[i % len(SECTIONS)]
    main = rng.choice(SECTION_TOPICS[section])
    second = rng.choice([t for t in TOPICS if t != main])

    a, b = rng.sample(words(main), 2)
    base = f"{rng.choice(ADJECTIVES).capitalize()} {a} and {b} {rng.choice(['after treatment', 'at home', 'together', 'day to day', 'when things change', 'for two', 'on your own'])}"
    title, n = base, 2
    while title.casefold() in taken_titles:  # titles must be unique (the schema checks it)
        title, n = f"{base}, part {n}", n + 1
    taken_titles.add(title.casefold())
    slug = f"{slugify(base)}-{i}"

    description = sentence(rng, main, second)
    if len(description) > 160:  # schema limit; templates are short, this is a safety net
        description = description[:155].rsplit(" ", 1)[0] + "."
    tag_pool = [t for t in TOPICS[main][1] + TOPICS[second][1] if t not in SECTIONS]
    extra_tags = list(dict.fromkeys(tag_pool))
    tags = [section] + rng.sample(extra_tags, min(len(extra_tags), rng.randint(1, 3)))
    published = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days - 30))
    reviewed = min(LAST_DAY, published + dt.timedelta(days=rng.randint(0, 400)))
    meta = {"title": title, "description": description, "tags": tags,
            "published": published, "reviewed": reviewed}  # dumped as plain YYYY-MM-DD
    if rng.random() < 0.3:
        meta["keywords"] = rng.sample(words(main), 3)
    if rng.random() < 0.2:
        meta["worksheets"] = [rng.choice(sheets)]
    # A specific page on each source's site (the schema refuses home pages), checked when reviewed.
    meta["sources"] = [{"publisher": name, "title": f"{w.capitalize()} and {main}", "url": f"{url}{main}/{w}", "checked": reviewed}
                       for (name, url), w in zip(rng.sample(SOURCES, rng.randint(2, 3)), rng.sample(words(main), 3))]

    key_points = "\n".join(f"    - {sentence(rng, main, second)}" for _ in range(3))
    parts = [f'!!! abstract "Key points"\n{key_points}', paragraph(rng, main, second)]
    for heading in rng.sample(HEADINGS, rng.randint(2, 3)):
        parts.append(f"## {heading}")
        parts += [paragraph(rng, main, second) for _ in range(rng.randint(2, 3))]
    if earlier[section] and rng.random() < 0.5:  # a link, as real articles have, to an earlier one
        other_title, other_slug = rng.choice(earlier[section])
        parts.append(f"See also [{other_title.lower()}]({other_slug}.md).")
    while sum(len(p.split()) for p in parts) < 600:  # ~600 words, like a real article
        parts.append(paragraph(rng, main, second))
    earlier[section].append((title, slug))

    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"{section}/{slug}.md", f"---\n{front}---\n\n" + "\n\n".join(parts) + "\n"


def _front_matter(path: Path) -> dict:
    """Front matter of a simple page (home, section pages)."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def _page(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n" + body


LINK = re.compile(r"\]\(([^)\s#]+\.md)(#[^)]*)?\)")


def _fix_links(docs: Path) -> None:
    """Copied about pages link to real articles that the synthetic site lacks: point those links at
    the target's section page instead, so the strict build sees no broken link."""
    for path in (docs / "about").glob("*.md"):
        rel = path.relative_to(docs).as_posix()

        def fix(m: re.Match) -> str:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(1)))
            if (docs / target).exists():
                return m.group(0)
            return f"]({posixpath.relpath(target.split('/')[0] + '/index.md', posixpath.dirname(rel))})"

        path.write_text(LINK.sub(fix, path.read_text(encoding="utf-8")), encoding="utf-8")


CONFIG_FILES = {"on": "mkdocs.yml", "off": "mkdocs-nohooks.yml", "on-nosearch": "mkdocs-nosearch.yml",
                "off-lunr": "mkdocs-nohooks-lunr.yml", "stock": "mkdocs-stock.yml"}


def write_configs(dest: Path, docs: Path) -> dict[str, Path]:
    """The project's mkdocs.yml with absolute paths, plus the variants (CONFIG_FILES)."""
    # MkDocs' own loader: mkdocs.yml uses !ENV (site_url), resolved here as MkDocs would.
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=get_yaml_loader(yaml.SafeLoader))
    config["docs_dir"] = str(docs)
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    for key in ("tags_file", "urgent_help"):
        config["extra"]["guide"][key] = str(ROOT / config["extra"]["guide"][key])
    nohooks = {**config, "hooks": []}
    variants = {
        "on": config,
        "off": nohooks,
        # Our hooks without the Pagefind index (hooks/search.py): what they cost apart from search.
        "on-nosearch": {**config, "hooks": [h for h in config["hooks"] if not h.endswith("/search.py")]},
        # Hooks off with Material's own search plugin, the search the guide had before Pagefind.
        "off-lunr": {**nohooks, "plugins": ["search", *nohooks["plugins"]]},
        "stock": {k: v for k, v in nohooks.items() if k not in ("nav", "not_in_nav")},
    }
    out = {}
    for name, data in variants.items():
        path = dest / CONFIG_FILES[name]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        out[name] = path
    return out


def generate(n: int, dest: Path, seed: int = 7) -> dict[str, Path]:
    """Write a site with n articles into dest (replacing it); returns the three config paths."""
    dest = Path(dest).resolve()
    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "content"
    docs.mkdir(parents=True)
    shutil.copy(CONTENT / "tags.md", docs / "tags.md")
    for folder in OTHER_FOLDERS:
        shutil.copytree(CONTENT / folder, docs / folder)
    for section in SECTIONS:  # real titles and descriptions; the real bodies link to real articles
        meta = _front_matter(CONTENT / section / "index.md")
        (docs / section).mkdir()
        (docs / section / "index.md").write_text(
            _page(meta, f"Generated articles about {meta['title'].lower()}, for benchmarks. Pick one below.\n"), encoding="utf-8")
    home = _front_matter(CONTENT / "index.md")
    links = "\n".join(f"- [{s.replace('-', ' ').capitalize()}]({s}/index.md)" for s in SECTIONS)
    (docs / "index.md").write_text(_page(home, f"A synthetic copy of the guide with {n} articles.\n\n{links}\n"), encoding="utf-8")

    sheets = sorted(p.stem for p in (CONTENT / "worksheets").glob("*.md") if p.name != "index.md")
    # Titles of the copied pages, so no generated title repeats one (worksheet YAML is libyaml-only).
    titles = {m.group(1).strip().casefold() for p in docs.rglob("*.md")
              for m in [re.search(r"^title: *(.+)$", p.read_text(encoding="utf-8"), re.M)] if m}
    earlier: dict[str, list[tuple[str, str]]] = {s: [] for s in SECTIONS}
    for i in range(n):
        rel, text = article(i, seed, titles, earlier, sheets)
        (docs / rel).write_text(text, encoding="utf-8")
    _fix_links(docs)
    return write_configs(dest, docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("dest", type=Path, help="folder to write (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    configs = generate(args.n, args.dest, args.seed)
    print(f"{args.n} articles in {args.dest}/content; configs: " + ", ".join(str(p) for p in configs.values()))


if __name__ == "__main__":
    main()
