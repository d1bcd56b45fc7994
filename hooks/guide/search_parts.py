"""Pagefind's index merged from parts: one index for a guide too large to index in one go.

One Pagefind run keeps every word of every page in memory until it writes the index: about 20 MB
plus 0.16 MB a page, 868 MB at 5,000 articles (BENCHMARKS.md). So a large site is indexed a part at
a time (`guide.search.index_site`) and the parts are merged here into the index one run would have
written: the same pages, words, positions and chunks, so a reader's search fetches the same few
files and ranks the same pages as before. Only the page numbers differ (part by part).

This reads and writes Pagefind's own files, which are not a public interface, so it is pinned to
the Pagefind in requirements.txt: `read_part` checks the version and the shape and raises
PartsError saying what to do, and tests/test_search_parts.py checks that merging a single part
rewrites Pagefind's own index byte for byte. Plain files in, plain files out: no MkDocs here.

The format (each file gzip of b"pagefind_dcd" + CBOR, arrays throughout):
- pagefind.<hash>.pf_meta: [version, pages [[fragment, word count]], chunks [[from, to, hash]],
  filters [], sorts [], meta fields [names, sorted]]
- index/<hash>.pf_index: [[[word, pages [[page, locs, meta locs]], variants [[form, pages]]]]], words
  sorted; in each list of pages, a page number is the difference from the one before (the first
  from 0); meta locs name a meta field by its place in the list of meta fields, as -(place + 1)
- fragment/<hash>.pf_fragment: one page's URL, text and meta as JSON, named by a hash of itself, so
  the same in any part
"""
from __future__ import annotations

import concurrent.futures
import gzip
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import cbor2

VERSION = "1.5.2"  # the Pagefind whose format this reads and writes (requirements.txt)
SIGNATURE = b"pagefind_dcd"
CHUNK_UNITS = 20_000  # Pagefind's chunk size: a chunk ends once its pages and positions reach it
INDEX_PARTS = ("index", "fragment", "filter", "pagefind-entry.json")  # what a merge writes anew


class PartsError(Exception):
    """The parts could not be merged; the message says why and what to do."""


@dataclass
class Word:
    """One word in one part. Only the first page's number changes in a merge (the others are
    differences within the part), so the rest stays as Pagefind encoded it."""
    first: list | None  # [page, locs, meta locs]; the page numbered within the part; None: variants only
    rest: bytes | tuple[int, int, int]  # the other pages, CBOR items one after another; or where they are,
    # (chunk, start, end) in the part's files, read again when merged, so that the build's process,
    # which does the merging, does not hold every part's index at once
    count: int
    last: int  # the part's last page with the word
    units: int  # what it adds to a chunk's size
    variants: list  # [[form, pages]]: the word as written with diacritics


@dataclass
class Part:
    bundle: Path
    language: str  # the index's one language (`--force-language`), as Pagefind names it
    entry: dict  # pagefind-entry.json
    pages: list  # [[fragment, word count]]
    fields: list
    words: dict
    chunks: list  # the index files, in order
    _loaded: tuple = field(default=(None, None), init=False, repr=False, compare=False)  # (chunk, its data)

    def rest(self, word: Word) -> bytes:
        if isinstance(word.rest, bytes):
            return word.rest
        chunk, start, end = word.rest
        if self._loaded[0] != chunk:  # words are merged in order: each file is read once more
            self._loaded = (chunk, _data(self.chunks[chunk]))
        return self._loaded[1][start:end]


def read_part(bundle: Path, fields: list | None = None) -> Part:
    """A part's index; with `fields` (every part's meta fields, sorted), its meta locs renumbered to them."""
    entry = _json(bundle / "pagefind-entry.json")
    version = entry.get("version")
    if version != VERSION:
        raise PartsError(f"Pagefind {version} wrote {bundle}, and merging its parts knows the files of Pagefind {VERSION}: "
                         f"install requirements.txt (`make build`), or update hooks/guide/search_parts.py for the new version")
    try:
        (language, about), = entry["languages"].items()  # one: Pagefind runs with --force-language
        meta = load(bundle / f"pagefind.{about['hash']}.pf_meta")
        if not (isinstance(meta, list) and len(meta) == 6 and meta[0] == VERSION):
            raise ValueError("its list of pages and chunks has changed shape")
        if meta[3] or meta[4]:
            raise PartsError("pages use Pagefind filters or sorts (data-pagefind-filter, data-pagefind-sort), which merging parts "
                             "does not handle: leave them out of the templates, or add them to hooks/guide/search_parts.py")
        own = meta[5]
        renumber = [fields.index(f) for f in own] if fields is not None and fields != own else None
        words, chunks = {}, [bundle / "index" / f"{c}.pf_index" for _from, _to, c in meta[2]]
        for i, path in enumerate(chunks):
            for word, pages, variants, start, end in _words(path):
                if renumber:
                    pages = _renumbered(pages, renumber)
                    variants = [[form, _renumbered(vp, renumber)] for form, vp in variants]
                    words[word] = _word(word, pages, variants)
                else:
                    words[word] = _word(word, pages, variants, (i, start, end))
        return Part(bundle, language, entry, meta[1], own, words, chunks)
    except (KeyError, TypeError, ValueError, IndexError, cbor2.CBORError) as e:
        raise PartsError(f"{bundle}: Pagefind's index is not in the form merging expects ({type(e).__name__}: {e}); "
                         f"update hooks/guide/search_parts.py") from None


def _words(path: Path):
    """A chunk's words, each with its bytes as written: read one at a time, the decoder says where each ends."""
    data = _data(path)
    if data[:1] != b"\x81" or data[1] >> 5 != 4:
        raise ValueError(f"{path.name} does not start with a list of words")
    count, start = _head(data, 1)
    stream = io.BytesIO(data)
    stream.seek(start)
    decoder = cbor2.CBORDecoder(stream)
    for _ in range(count):
        start = stream.tell()
        word, pages, variants = decoder.decode()
        yield word, pages, variants, start, stream.tell()


def _word(word: str, pages: list, variants: list, at: tuple[int, int, int] | None = None) -> Word:
    """`at`: where Pagefind wrote the word (chunk, start, end); its pages after the first stay as
    they are there. Without it, the word is encoded here (its meta locs were renumbered)."""
    if not pages:
        return Word(None, b"", 0, 0, 0, variants)
    skip = 1 + len(cbor2.dumps(word)) + len(_header(4, len(pages))) + len(cbor2.dumps(pages[0]))
    tail = len(cbor2.dumps(variants))
    if at is None:
        encoded = cbor2.dumps([word, pages, variants])
        rest = encoded[skip:len(encoded) - tail]
    else:
        chunk, start, end = at
        rest = (chunk, start + skip, end - tail)
    return Word(pages[0], rest, len(pages), sum(p[0] for p in pages), sum(len(p[1]) + len(p[2]) + 1 for p in pages), variants)


def _renumbered(pages: list, places: list) -> list:
    return [[n, locs, [-places[-v - 1] - 1 if v < 0 else v for v in meta]] for n, locs, meta in pages]


def merge(parts: list[Part], out: Path) -> int:
    """Write the parts' one index into `out` (a new folder); returns its number of pages. Uses the
    parts up: their words are let go as they are merged, their page texts and Pagefind's scripts
    moved into `out`."""
    language = parts[0].language
    if any(p.language != language for p in parts):
        raise PartsError(f"the parts were indexed in different languages: {sorted({p.language for p in parts})}")
    fields = sorted(set().union(*(p.fields for p in parts)))
    parts = [read_part(p.bundle, fields) if p.fields != fields else p for p in parts]
    out.mkdir()
    pages = _fragments(parts, out / "fragment", language)
    offsets, total = [], 0
    for part in parts:
        offsets.append(total)
        total += len(part.pages)

    (out / "index").mkdir()
    bounds, names = [], []
    # Each chunk is written as soon as it is whole, and each part's copy of a word let go once
    # merged: this runs in the build's own process, whose peak memory is the build's.
    workers = os.cpu_count() or 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        pending = []
        for chunk in _chunks(parts, offsets):
            data = b"\x81" + _header(4, len(chunk)) + b"".join(w for _, w in chunk)
            names.append(_name(data, language, names))
            bounds.append([chunk[0][0], chunk[-1][0], names[-1]])
            pending.append(pool.submit(_write, out / "index" / f"{names[-1]}.pf_index", data))
            if len(pending) > 2 * workers:
                pending.pop(0).result()
        for job in pending:
            job.result()

    for a, b in zip(bounds, bounds[1:]):  # Pagefind's chunk_meta: the shortest prefixes that tell chunks apart
        to, start = _prefixes(a[1], b[0])
        if to >= a[0]:
            a[1] = to
        b[0] = start
    meta = cbor2.dumps([VERSION, pages, bounds, [], [], fields])
    meta_hash = f"{language}_{_hash(meta)[:len(language) + 8]}"
    _write(out / f"pagefind.{meta_hash}.pf_meta", meta)

    entry = parts[0].entry
    entry["languages"][language].update(hash=meta_hash, page_count=total)
    (out / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for item in parts[0].bundle.iterdir():  # Pagefind's scripts and WebAssembly, the same in every part
        if item.name not in INDEX_PARTS and not item.name.endswith(".pf_meta"):
            item.rename(out / item.name)
    return total


def _chunks(parts: list[Part], offsets: list[int]):
    """The merged words, encoded, in Pagefind's chunks: in code point order (its order of UTF-8
    bytes), a chunk ending once its pages and positions reach CHUNK_UNITS."""
    chunk, units = [], 0
    for word in sorted(set().union(*(p.words for p in parts))):
        encoded, size = _merged_word(word, [(p, p.words.pop(word, None), o) for p, o in zip(parts, offsets)])
        chunk.append((word, encoded))
        units += size
        if units >= CHUNK_UNITS:
            yield chunk
            chunk, units = [], 0
    if chunk:
        yield chunk


def _merged_word(word: str, found: list[tuple[Part, Word | None, int]]) -> tuple[bytes, int]:
    pieces, count, units, previous, variants = [], 0, 0, 0, {}
    for part, w, offset in found:
        if w is None:
            continue
        if w.first is not None:
            page, locs, meta = w.first
            pieces += [cbor2.dumps([offset + page - previous, locs, meta]), part.rest(w)]
            previous = offset + w.last
            count += w.count
            units += w.units
        for form, vpages in w.variants:
            at = 0
            for n, locs, meta in vpages:
                at += n
                variants.setdefault(form, []).append([offset + at, locs, meta])
    written = []
    for form, vpages in variants.items():  # in order of first appearance, as Pagefind adds them
        at = 0
        for p in vpages:
            p[0], at = p[0] - at, p[0]
        written.append([form, vpages])
    return b"\x83" + cbor2.dumps(word) + _header(4, count) + b"".join(pieces) + cbor2.dumps(written), units


def _fragments(parts: list[Part], folder: Path, language: str) -> list:
    """Every part's page texts moved into one folder; the meta's list of pages. Names are hashes of
    the text: the same name twice is the same page, unless two texts' hashes start alike (about one
    build in twenty at 5,000 pages), when the later one gets a longer name, as Pagefind does."""
    folder.mkdir()
    pages, placed = [], set()  # names without ".pf_fragment"
    for part in parts:
        renamed = {}
        with os.scandir(part.bundle / "fragment") as items:
            found = list(items)
        for item in found:
            name = item.name.removesuffix(".pf_fragment")
            if name in placed:
                if (folder / item.name).read_bytes() == Path(item.path).read_bytes():
                    continue
                renamed[name] = _name(_data(Path(item.path)), language, placed)
                name = renamed[name]
            os.rename(item.path, folder / f"{name}.pf_fragment")
            placed.add(name)
        pages += [[renamed.get(h, h), n] for h, n in part.pages]
    return pages


def _name(data: bytes | memoryview, language: str, taken) -> str:
    """Pagefind's name for a file: its language and the start of its hash, longer while `taken`
    has it already (two hashes that start alike)."""
    full = f"{language}_{_hash(data)}"
    size = len(language) + 8
    while full[:size] in taken and size < len(full):
        size += 1
    return full[:size]


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


def load(path: Path):
    return cbor2.loads(_data(path))


def _data(path: Path) -> memoryview:
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise PartsError(f"{path}: {e}") from None
    if not data.startswith(SIGNATURE):
        raise PartsError(f"{path} is not one of Pagefind's index files")
    return memoryview(data)[len(SIGNATURE):]


def _head(data: memoryview, at: int) -> tuple[int, int]:
    """The count in the CBOR head at `at`, and where the item's content starts."""
    extra = data[at] & 31
    if extra < 24:
        return extra, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(extra)
    if size is None:
        raise ValueError(f"a CBOR head with {extra} where a count should be")
    return int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _write(path: Path, data: bytes) -> None:
    """Compressed as Pagefind does (gzip, best); zlib lets go of Python while it works, so in threads."""
    path.write_bytes(gzip.compress(SIGNATURE + data, 9, mtime=0))


def _hash(data: bytes) -> str:
    """Pagefind's hash: SHA-1 in hex, each byte without a leading zero (Rust's "{:x?}")."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def _header(major: int, n: int) -> bytes:
    """A CBOR head: major type (4 = array) and a count, in its shortest form."""
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    raise ValueError(n)


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PartsError(f"{path}: {e}") from None
