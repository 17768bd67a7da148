"""Release-name parsers side by side on MediaHub's corpus: per-field accuracy and parse time.

`scripts/bench parse` runs it (through tests/bench.py's `bench_parse`); `python -m
tests.bench_parsers` prints the table alone. The candidates are not MediaHub's dependencies:
they are installed on first use into `.cache/parsers` (ignored by git), pinned, so the comparison
reproduces on a fresh machine without touching the shared environment.

The corpus (tests/hub/data/*.yaml) is read by tests/hub/test_releases.py too, through `corpus`,
`expected` and `agrees`, so the test and this table measure the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import importlib
import json
from pathlib import Path
import re
import statistics
import subprocess
import sys
import time
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "hub" / "data"
# Hand-checked names, hand-written tricky names, names generated from known parts, and names held
# out (written after the parser was finished, never tuned against).
CORPUS_FILES = ("releases.yaml", "tricky.yaml", "generated.yaml", "heldout.yaml")
CANDIDATES = REPO / ".cache" / "parsers"
PINS = ("parsett==1.8.5", "rank-torrent-name==1.11.1", "anitopy==2.1.1", "aniparse==2.0.0")
# The fields every parser is measured on (names in MediaHub's `Quality`).
FIELDS = (
    "title", "year", "seasons", "episodes", "resolution", "source", "group", "languages",
)  # fmt: skip

Parsed = dict[str, Any]


def corpus(files: Iterable[str] = CORPUS_FILES) -> list[dict[str, Any]]:
    """Every entry of the corpus files: one JSON object a line, after "- "."""
    entries = []
    for file in files:
        path = DATA / file
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("- "):
                entry = json.loads(line[2:])
                entry["file"] = file
                entries.append(entry)
    return entries


_NOT_WORD = re.compile(r"[\W_]+")


def fold_title(title: str | None) -> str:
    """A title as a search matches it: case, punctuation and separators do not count."""
    return _NOT_WORD.sub(" ", (title or "").casefold()).strip()


def expected(entry: dict[str, Any], field: str) -> Any:
    """What the corpus says a field is; a field left out is empty."""
    value = entry.get(field)
    if field in ("seasons", "episodes", "hdr", "audio"):
        return tuple(value or ())
    if field == "languages":
        return frozenset(value or ())
    if field == "kind":
        return value or "movie"
    if field in ("proper", "anime"):
        return bool(value)
    return value


def agrees(field: str, parsed: Any, wanted: Any) -> bool:
    if field == "title":
        return fold_title(parsed) == fold_title(wanted)
    if field == "languages":
        return bool(frozenset(parsed or ()) == wanted)
    if field in ("seasons", "episodes"):
        return tuple(sorted(parsed or ())) == tuple(wanted)
    return bool(parsed == wanted)


# Each candidate's words for a source → MediaHub's Source values.
_PTT_SOURCES = {
    "cam": "CAM", "telesync": "TS", "telecine": "TC", "scr": "SCR", "screener": "SCR",
    "dvd": "DVD", "dvdrip": "DVD", "hdtv": "HDTV", "pdtv": "HDTV", "tvrip": "HDTV",
    "satrip": "HDTV", "web": "WEB-DL", "web-dl": "WEB-DL", "webrip": "WEBRip", "hdrip": "WEBRip",
    "web-dlrip": "WEBRip", "bluray": "BluRay", "bdrip": "BluRay", "brrip": "BluRay",
    "bluray remux": "Remux", "remux": "Remux", "uhdrip": "BluRay",
}  # fmt: skip
_ANIME_SOURCES = {
    "bd": "BluRay", "bdrip": "BluRay", "bluray": "BluRay", "blu-ray": "BluRay", "web": "WEB-DL",
    "web-dl": "WEB-DL", "webrip": "WEBRip", "dvd": "DVD", "dvdrip": "DVD", "hdtv": "HDTV",
}  # fmt: skip
_HEIGHT = re.compile(r"(\d{3,4})[pi]?$", re.IGNORECASE)


def _resolution(text: str | None) -> str | None:
    if not text:
        return None
    text = str(text).lower()
    if text in ("4k", "2160p", "uhd"):
        return "2160p"
    match = _HEIGHT.search(text.split("x")[-1])
    return f"{match.group(1)}p" if match else None


def _ints(values: Any) -> tuple[int, ...]:
    if values is None:
        return ()
    items = values if isinstance(values, list) else [values]
    out = []
    for item in items:
        try:
            out.append(int(item))
        except TypeError, ValueError:
            continue
    return tuple(sorted(set(out)))


def _mediahub(name: str) -> Parsed:
    from custom_components.mediahub.hub.releases.parse import parse_title  # noqa: PLC0415

    q = parse_title.__wrapped__(name)  # uncached: the time is the parse's own
    return {
        "title": q.title, "year": q.year, "seasons": q.seasons, "episodes": q.episodes,
        "resolution": q.resolution, "source": str(q.source) if q.source else None,
        "group": q.group, "languages": q.languages,
    }  # fmt: skip


def _guessit(name: str) -> Parsed:
    from guessit import guessit  # noqa: PLC0415

    g = guessit(name)
    source = {
        "Camera": "CAM", "HD Camera": "CAM", "Workprint": "CAM", "Telesync": "TS",
        "HD Telesync": "TS", "Telecine": "TC", "HD Telecine": "TC", "Screener": "SCR",
        "DVD": "DVD", "HD-DVD": "DVD", "HDTV": "HDTV", "Ultra HDTV": "HDTV", "TV": "HDTV",
        "Digital TV": "HDTV", "Satellite": "HDTV", "Web": "WEB-DL", "Blu-ray": "BluRay",
        "Ultra HD Blu-ray": "BluRay",
    }.get(str(g.get("source", "")))  # fmt: skip
    other = (
        [str(o) for o in (g.get("other") or [])]
        if isinstance(g.get("other"), list)
        else [str(g.get("other"))]
    )
    if source == "WEB-DL" and "Rip" in other:
        source = "WEBRip"
    if "Remux" in other and source in ("BluRay", None):
        source = "Remux"
    langs = g.get("language") or []
    langs = langs if isinstance(langs, list) else [langs]
    group = g.get("release_group")
    return {
        "title": str(g.get("title", "")), "year": g.get("year") if isinstance(g.get("year"), int) else None,
        "seasons": _ints(g.get("season")), "episodes": _ints(g.get("episode")),
        "resolution": _resolution(g.get("screen_size")), "source": source,
        "group": str(group) if group else None,
        "languages": tuple(str(x) for x in langs if str(x) not in ("und",)),
    }  # fmt: skip


def _ptt_fields(d: dict[str, Any]) -> Parsed:
    quality = str(d.get("quality") or "").lower()
    return {
        "title": d.get("title"), "year": d.get("year"), "seasons": _ints(d.get("seasons")),
        "episodes": _ints(d.get("episodes")), "resolution": _resolution(d.get("resolution")),
        "source": _PTT_SOURCES.get(quality), "group": d.get("group"),
        "languages": tuple(d.get("languages") or ()),
    }  # fmt: skip


def _ptt(name: str) -> Parsed:
    ptt = importlib.import_module("PTT")
    return _ptt_fields(ptt.parse_title(name))


def _rtn(name: str) -> Parsed:
    rtn = importlib.import_module("RTN")
    data = rtn.parse(name).model_dump()
    data["title"] = data.get("parsed_title")
    return _ptt_fields(data)


def _anitopy(name: str) -> Parsed:
    anitopy = importlib.import_module("anitopy")
    d = anitopy.parse(name) or {}
    source = d.get("source")
    source = source[0] if isinstance(source, list) else source
    year = d.get("anime_year")
    return {
        "title": d.get("anime_title"), "year": int(year) if year else None,
        "seasons": _ints(d.get("anime_season")), "episodes": _episode_range(d.get("episode_number")),
        "resolution": _resolution(d.get("video_resolution")),
        "source": _ANIME_SOURCES.get(str(source or "").lower()),
        "group": d.get("release_group"), "languages": (),
    }  # fmt: skip


def _episode_range(value: Any) -> tuple[int, ...]:
    numbers = _ints(value)
    if isinstance(value, list) and len(numbers) == 2:  # anitopy gives a range's two ends
        return tuple(range(numbers[0], numbers[1] + 1))
    return numbers


def _aniparse(name: str) -> Parsed:
    aniparse = importlib.import_module("aniparse")
    d = aniparse.parse(name) or {}
    series = (d.get("series") or [{}])[0]
    episodes: list[int] = []
    for ep in series.get("episode") or []:
        if "number" in ep:
            episodes.append(int(ep["number"]))
    res = (d.get("video_resolution") or [{}])[0]
    groups = d.get("release_group") or [None]
    years = series.get("year") or [{}]
    seasons = [int(s["number"]) for s in series.get("season") or [] if "number" in s]
    source = (d.get("source") or [None])[0]
    return {
        "title": series.get("title"), "year": years[0].get("number"),
        "seasons": tuple(seasons), "episodes": _episode_range(episodes),
        "resolution": f"{res['video_height']}p" if res.get("video_height") else None,
        "source": _ANIME_SOURCES.get(str(source or "").lower()),
        "group": groups[0], "languages": (),
    }  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    name: str
    parse: Callable[[str], Parsed]
    anime_only: bool = False  # measured on anime-shaped names only


CANDIDATES_MEASURED = (
    Candidate("MediaHub (PTT 1.8.5 + names.py)", _mediahub),
    Candidate("guessit 4.4.0 alone", _guessit),
    Candidate("PTT (parsett 1.8.5)", _ptt),
    Candidate("RTN (rank-torrent-name 1.11.1)", _rtn),
    Candidate("MediaHub (PTT 1.8.5 + names.py), anime names", _mediahub, anime_only=True),
    Candidate("guessit 4.4.0, anime names", _guessit, anime_only=True),
    Candidate("PTT, anime names", _ptt, anime_only=True),
    Candidate("anitopy 2.1.1, anime names", _anitopy, anime_only=True),
    Candidate("aniparse 2.0.0, anime names", _aniparse, anime_only=True),
)


def install_candidates() -> None:
    """The candidates, into .cache/parsers, once; importable from there afterwards."""
    marker = CANDIDATES / ".pins"
    if not marker.exists() or marker.read_text() != "\n".join(PINS):
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--target", str(CANDIDATES), "--upgrade", *PINS],
            check=True,
        )  # fmt: skip
        marker.write_text("\n".join(PINS))
    # Last on the path: the candidates' own copies of shared libraries never shadow the venv's.
    if str(CANDIDATES) not in sys.path:
        sys.path.append(str(CANDIDATES))


@dataclass(frozen=True)
class Measure:
    candidate: str
    names: int
    accuracy: dict[str, float]
    p50_ms: float
    p99_ms: float
    misses: dict[str, list[str]]


def measure(
    candidate: Candidate,
    entries: list[dict[str, Any]],
    then: Callable[[Parsed], object] | None = None,
) -> Measure:
    """Accuracy per field, and the time of a parse (and of `then` on its result, e.g. scoring)."""
    chosen = [e for e in entries if e.get("anime")] if candidate.anime_only else entries
    candidate.parse("warm.up.2020.1080p.WEB-DL-X")
    right = dict.fromkeys(FIELDS, 0)
    misses: dict[str, list[str]] = {f: [] for f in FIELDS}
    times = []
    for entry in chosen:
        started = time.perf_counter()
        try:
            parsed = candidate.parse(entry["name"])
            if then is not None:
                then(parsed)
        except Exception:
            parsed = {}
        times.append(time.perf_counter() - started)
        for field in FIELDS:
            wanted = expected(entry, field)
            if agrees(field, parsed.get(field), wanted):
                right[field] += 1
            else:
                misses[field].append(f"{entry['name']}: {parsed.get(field)!r} != {wanted!r}")
    cut = statistics.quantiles(times, n=100, method="inclusive")
    return Measure(
        candidate.name,
        len(chosen),
        {f: right[f] / len(chosen) for f in FIELDS},
        statistics.median(times) * 1000,
        cut[98] * 1000,
        misses,
    )


def compare() -> list[Measure]:
    install_candidates()
    entries = [e for e in corpus() if not is_fake(e["name"])]
    return [measure(c, entries) for c in CANDIDATES_MEASURED]


def is_fake(name: str) -> bool:
    """Fakes (name.mkv.exe) are refused by name before any parse matters."""
    return bool(re.search(r"\.(exe|msi|scr|bat|cmd|lnk|vbs|ps1|apk|js)$", name, re.IGNORECASE))


def table(measures: list[Measure]) -> str:
    head = "| Parser | names | " + " | ".join(FIELDS) + " | p50 | p99 |"
    rule = "|" + "---|" * (len(FIELDS) + 4)
    rows = [
        f"| {m.candidate} | {m.names} | "
        + " | ".join(f"{m.accuracy[f] * 100:.1f}" for f in FIELDS)
        + f" | {m.p50_ms:.2f} ms | {m.p99_ms:.2f} ms |"
        for m in measures
    ]
    return "\n".join([head, rule, *rows])


if __name__ == "__main__":
    results = compare()
    print(table(results))
    if "-v" in sys.argv:
        for m in results[:1]:
            for field, missed in m.misses.items():
                for miss in missed:
                    print(f"{field}: {miss}")
