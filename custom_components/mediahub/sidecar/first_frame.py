"""The panel's first frame, written by the server: the downloads tab as React's first render
draws it (App.tsx, DownloadsView.tsx, WindowedList.tsx, ReadyToWatch.tsx), from the same state
the page then hands React (`hydrateRoot`), so the list is painted before any script has run.

A cold React start (evaluating the app's chunk, the first render) cost the first paint 200 to
300 ms on two busy cores; the browser paints this markup as soon as the HTML has arrived.

The words are the frontend's own catalogs and Intl's number formats, as the frontend's build
writes them (`static/first-frame.json`, see vite.config.ts), never copied here by hand. What
this module cannot say exactly as the browser would (a time in the browser's time zone, a list
joined by Intl.ListFormat) makes `render` answer None: the page then comes with the plain
static frame and React draws everything, as before. tests/panel/test_first_frame.py compares
this markup with React's own renderToString for the same state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
import json
import math
from pathlib import Path
import re
from typing import Any, Final

LANGUAGES: Final = ("en", "de", "fr", "es", "nl")  # i18n/index.ts's LANGUAGES, in its order
# The height the first frame's list is written for (px): taller than a phone, so the frame
# fills the screen; React trims the rows below the real screen after it has taken over.
FIRST_FRAME_HEIGHT: Final = 1200
ESTIMATE: Final = 150  # DownloadsView's `estimate` for a row not measured yet (gap included)
OVERSCAN: Final = 6  # WindowedList's default overscan
GAP: Final = 8  # the list's CSS gap
SEP: Final = "<!-- -->"  # React's mark between two adjacent text nodes

# App.tsx's TABS: id, label key and icon path.
TABS: Final[tuple[tuple[str, str, str], ...]] = (
    ("search", "tab.search", "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13M15.5 15.5 20 20"),
    ("downloads", "tab.downloads", "M12 4v11m-5-5 5 5 5-5M5 20h14"),
    (
        "wishes",
        "tab.wishes",
        "M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z",
    ),
    ("libraries", "tab.libraries", "M4 5h16v11H4zM8 20h8M10.5 8.5v4l3.5-2z"),
    ("settings", "tab.settings", "M4 7h9m4 0h3M4 17h3m4 0h9M15 5v4M9 15v4"),
)
# downloads.ts's ORDER (state.py's STATUS_ORDER, the same).
ORDER: Final = {
    "downloading": 0,
    "metadata": 1,
    "stalled": 2,
    "checking": 3,
    "queued": 4,
    "errored": 5,
    "stopped": 6,
    "seeding": 7,
}
STAGE_LABELS: Final = {
    "available": "status.available",
    "not_in_plex": "status.not_in_plex",
    "scan_sent": "status.scan_sent",
    "no_library": "status.no_library",
}
BYTE_UNITS: Final = ("B", "KB", "MB", "GB", "TB")
PHONE: Final = re.compile(r"Android|iPhone|iPad", re.IGNORECASE)  # ReadyToWatch's playLink
READY_SHOWN: Final = 10
ADD: Final = "downloads.add"


class CannotRenderError(Exception):
    """The state holds something the server cannot write exactly as the browser would."""


@dataclass(frozen=True)
class Words:
    """One language's catalog and number formats, from the frontend's build."""

    language: str
    catalog: Mapping[str, str]
    numbers: Mapping[str, Any]

    def t(self, key: str, values: Mapping[str, object] | None = None) -> str:
        """i18n's `t`: the message, its `{placeholders}` filled in."""
        if key not in self.catalog:
            raise CannotRenderError(key)
        found = values or {}
        return re.sub(
            r"\{(\w+)\}",
            lambda m: _js_string(found[m[1]]) if m[1] in found else m[0],
            self.catalog[key],
        )

    def known(self, key: str) -> bool:
        return key in self.catalog

    # --- format.ts ---------------------------------------------------------------------------

    def number(self, value: float, digits: int = 0) -> str:
        """Intl.NumberFormat with exactly `digits` fraction digits (half away from zero)."""
        rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        whole, _, fraction = f"{abs(rounded):f}".partition(".")
        if len(whole) >= 3 + int(self.numbers["min_grouping"]):
            groups: list[str] = []
            while len(whole) > 3:
                whole, last = whole[:-3], whole[-3:]
                groups.insert(0, last)
            whole = str(self.numbers["group"]).join([whole, *groups])
        sign = "-" if rounded < 0 else ""
        return sign + whole + (str(self.numbers["decimal"]) + fraction if fraction else "")

    def unit(self, value: float, name: str, display: str = "narrow") -> str:
        count = _js_round(value)
        patterns = self.numbers["units"][f"{name} {display}"]
        one = count == 1 or (count == 0 and self.numbers["zero_is_one"])
        return str(patterns["one" if one else "other"]).replace("{0}", self.number(count))

    def bytes(self, size: float) -> str:
        if not math.isfinite(size) or size <= 0:
            return f"{self.number(0)} B"
        power = min(math.floor(math.log(size) / math.log(1024)), len(BYTE_UNITS) - 1)
        value = size / 1024**power
        digits = 0 if value >= 100 or power == 0 else 1
        return f"{self.number(value, digits)} {BYTE_UNITS[power]}"

    def speed(self, per_second: float) -> str:
        return f"{self.bytes(per_second)}/s" if per_second > 0 else "—"

    def eta(self, seconds: float | None) -> str:
        if seconds is None or seconds < 0:
            return "—"
        if seconds < 60:
            return self.unit(seconds, "second")
        if seconds < 3600:
            return self.unit(_js_round(seconds / 60), "minute")
        if seconds < 86400:
            hours = math.floor(seconds / 3600)
            minutes = _js_round((seconds % 3600) / 60)
            if minutes:
                return f"{self.unit(hours, 'hour')} {self.unit(minutes, 'minute')}"
            return self.unit(hours, "hour")
        return self.unit(_js_round(seconds / 86400), "day")

    def percent(self, progress: float) -> str:
        whole = math.floor(max(0.0, min(1.0, progress)) * 100)
        return str(self.numbers["percent"]).replace("{0}", self.number(whole))

    def stall(self, stall: Mapping[str, Any]) -> str:
        key = f"stall.{stall['code']}"
        if not self.known(key):
            return str(stall["text"])
        return self.t(key, {"minutes": self.unit(stall["minutes"], "minute", "short")})

    def category(self, category: str) -> str:
        key = f"category.{category or 'all'}"
        return self.t(key) if self.known(key) else category


def _js_round(value: float) -> int:
    """JavaScript's Math.round (halves up, not to even)."""
    return math.floor(value + 0.5)


def _js_string(value: object) -> str:
    """String(value) as JavaScript writes a number or a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _js_number(value)
    return str(value)


def _js_number(value: float) -> str:
    """A number as JavaScript writes it (1 not 1.0; 1e-7 not 1e-07)."""
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = int(exponent)
        if -7 < power < 21:  # JavaScript writes these out in full
            return format(Decimal(text), "f")
        return f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return text


@dataclass(frozen=True)
class Catalogs:
    """Every language's words, read once from the build."""

    languages: Mapping[str, Words]

    @classmethod
    def read(cls, path: Path) -> Catalogs | None:
        """The build's words, or None when the UI was built without them (an older build)."""
        try:
            data = json.loads(path.read_text())
            return cls(
                {
                    name: Words(name, entry["catalog"], entry["numbers"])
                    for name, entry in data["languages"].items()
                }
            )
        except OSError, ValueError, KeyError, TypeError, AttributeError:
            return None  # missing, or of another build's shape: the page as built


def pick_language(accept_language: str | None) -> str:
    """i18n's pickLanguage over the browser's Accept-Language (its languages, most preferred
    first): the first the panel speaks (`de-AT` → `de`), else English."""
    ranked: list[tuple[float, int, str]] = []
    for place, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, place, tag))
    for _, _, tag in sorted(ranked):
        base = re.split(r"[-_]", tag.lower())[0]
        if base in LANGUAGES:
            return base
    return "en"


@dataclass(frozen=True)
class Viewer:
    """Who the page is for: what App and DownloadsView show them (mount.tsx's features)."""

    admin: bool  # an administrator, or nobody in particular with sign-in off
    signed_in: bool
    phone: bool  # the browser says it is a phone (ReadyToWatch opens Plex's app)

    @property
    def control(self) -> bool:
        return self.admin

    def tabs(self) -> list[tuple[str, str, str]]:
        return [
            tab
            for tab in TABS
            if (tab[0] != "libraries" or self.admin)
            and (tab[0] != "settings" or self.admin or self.signed_in)
        ]


def ordered(downloads: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """downloads.ts's `ordered`: active first, then the most recently added (stable, as JS's)."""
    return sorted(downloads, key=lambda d: (ORDER.get(d["status"], 9), -d["added_on"]))


def _el(tag: str, attrs: Sequence[tuple[str, object]] = (), *children: str) -> str:
    """An element as react-dom/server writes it: attributes in prop order, escaped."""
    written = "".join(
        f' {name}="{escape(_js_string(value))}"'
        for name, value in attrs
        if value is not None and value is not False
    )
    return f"<{tag}{written}>{''.join(children)}</{tag}>"


def _text(*parts: str) -> str:
    """Adjacent text children, escaped, with React's separator between them."""
    return SEP.join(escape(part) for part in parts if part != "")


def _icon(path: str) -> str:
    return _el(
        "svg",
        [("class", "icon"), ("viewBox", "0 0 24 24"), ("aria-hidden", "true")],
        _el("path", [("d", path)]),
    )


@dataclass(frozen=True)
class Frame:
    """The state the page carries (GET /api/downloads?head's), as React's first render reads it
    (useEvents' snapshot reducer)."""

    state: Mapping[str, Any]

    @property
    def downloads(self) -> list[Mapping[str, Any]]:
        # byHash: a Map keeps the first place of a hash given twice, and its last value.
        by_hash: dict[str, Mapping[str, Any]] = {}
        for download in self.state["downloads"]:
            by_hash[download["hash"]] = download
        return list(by_hash.values())

    @property
    def total(self) -> int:
        return max(int(self.state.get("total", 0)), len(self.downloads))

    @property
    def transfer(self) -> Mapping[str, Any] | None:
        found = self.state.get("transfer")
        return found if isinstance(found, Mapping) else None


def render(state: Mapping[str, Any], words: Words, viewer: Viewer) -> str:
    """The app's markup (what goes into `<div id="root">`) on the downloads tab; raises
    CannotRenderError for what only the browser can write."""
    frame = Frame(state)
    downloads = frame.downloads
    transfer = frame.transfer
    header = [_el("h1", [], "MediaHub")]
    if transfer:
        # Two expressions in one text: React writes ↓ {a} · ↑ {b} as four text nodes.
        speeds = _text(
            "↓ ",
            words.speed(transfer["download_speed"]),
            " · ↑ ",
            words.speed(transfer["upload_speed"]),
        )
        header.append(
            _el("p", [("class", "speeds"), ("aria-label", words.t("app.speeds"))], speeds)
        )
    active = sum(1 for d in downloads if d["progress"] < 1 and d["status"] != "stopped")
    tabs = []
    for tab_id, label, icon in viewer.tabs():
        current = tab_id == "downloads"
        badge = ""
        if tab_id == "downloads" and active > 0:
            badge = _el(
                "span",
                [("class", "badge"), ("aria-label", words.t("app.active", {"count": active}))],
                _text(str(active)),
            )
        tabs.append(
            _el(
                "button",
                [
                    ("type", "button"),
                    ("class", "tab active" if current else "tab"),
                    ("aria-current", "page" if current else None),
                ],
                _icon(icon),
                _el("span", [], _text(words.t(label))),
                badge,
            )
        )
    return _el(
        "div",
        [("class", "app")],
        _el("header", [("class", "top")], *header),
        _banners(state, transfer, downloads, words),
        _el("main", [], _downloads_view(frame, words, viewer)),
        _el("nav", [("class", "tabs"), ("aria-label", words.t("app.sections"))], *tabs),
    )


def _banners(
    state: Mapping[str, Any],
    transfer: Mapping[str, Any] | None,
    downloads: Sequence[Mapping[str, Any]],
    words: Words,
) -> str:
    """App.tsx's Banners for the snapshot's state."""
    vpn = state.get("vpn") or {}
    holds = (state.get("holds") or {}).get("held", [])
    qbittorrent = state["qbittorrent"]
    shown = []

    def banner(kind: str, role: str, text: str) -> None:
        shown.append(_el("p", [("class", f"banner {kind}"), ("role", role)], _text(text)))

    if vpn.get("state") == "down":
        banner("danger", "alert", words.t("banner.vpn_down"))
    if vpn.get("state") == "leaking":
        banner("danger", "alert", words.t("banner.vpn_leaking"))
    if "vpn" in holds:
        banner("danger", "alert", words.t("banner.held_vpn"))
    if "disk" in holds:
        free = transfer.get("free_space") if transfer else None
        banner(
            "warn",
            "status",
            words.t("banner.held_disk_free", {"free": words.bytes(free)})
            if free is not None
            else words.t("banner.held_disk"),
        )
    if any(d.get("stage") == "not_in_plex" for d in downloads):
        raise CannotRenderError(
            "Intl.ListFormat"
        )  # the names joined as the browser's Intl joins them
    problem = qbittorrent.get("problem")
    if problem == "auth_failed":
        banner("danger", "alert", words.t("banner.auth_failed"))
    if qbittorrent.get("available") is False and problem != "auth_failed":
        outbox = state.get("outbox", 0)
        banner(
            "warn",
            "status",
            words.t("banner.qbittorrent_away_waiting", {"count": outbox})
            if outbox
            else words.t("banner.qbittorrent_away"),
        )
    return _el("div", [("aria-live", "polite")], *shown)


def _downloads_view(frame: Frame, words: Words, viewer: Viewer) -> str:
    """DownloadsView's first render: nothing focused, no notice, no sheet open."""
    state = frame.state
    transfer = frame.transfer
    parts = [_el("h2", [("id", "downloads-title")], _text(words.t("downloads.title")))]
    if viewer.control:
        # live.bandwidth?.alt_speed ?? transfer?.alt_speed ?? false
        alt_speed = (state.get("bandwidth") or {}).get("alt_speed")
        if alt_speed is None:
            alt_speed = (transfer or {}).get("alt_speed")
        alt_speed = bool(alt_speed)
        toolbar = [
            _el(
                "button",
                [("type", "button"), ("class", "primary")],
                _text(words.t("downloads.add")),
            ),
            _el("button", [("type", "button")], _text(words.t("downloads.pause_all"))),
            _el("button", [("type", "button")], _text(words.t("downloads.resume_all"))),
        ]
        if transfer:
            checkbox = f'<input type="checkbox"{' checked=""' if alt_speed else ""}/>'
            toolbar.append(
                _el(
                    "label",
                    [("class", "check switch")],
                    checkbox,
                    _text(words.t("downloads.slow_mode")),
                )
            )
        parts.append(_el("div", [("class", "toolbar")], *toolbar))
    if transfer:
        limits = []
        if transfer.get("free_space") is not None:
            free = words.t("downloads.free", {"size": words.bytes(transfer["free_space"])})
            limits.append(_el("span", [], _text(free)))

        def limit(value: float) -> str:
            return words.speed(value) if value else words.t("downloads.no_limit")

        key = "downloads.limits_slow" if transfer.get("alt_speed") else "downloads.limits"
        text = words.t(
            key, {"down": limit(transfer["download_limit"]), "up": limit(transfer["upload_limit"])}
        )
        limits.append(_el("span", [], _text(text)))
        parts.append(_el("p", [("class", "hint limits")], *limits))
    parts.append(_ready(state.get("ready") or [], words, viewer))
    downloads = ordered(frame.downloads)
    if not downloads:
        parts.append(_el("p", [("class", "empty")], _text(words.t("downloads.empty"))))
    parts.append(_list(downloads, frame.total, words, viewer, transfer))
    return _el("section", [("aria-labelledby", "downloads-title")], *parts)


def _ready(items: Sequence[Mapping[str, Any]], words: Words, viewer: Viewer) -> str:
    """ReadyToWatch's first render (the posters still placeholders)."""
    if not items:
        return ""
    shown = []
    for item in items[:READY_SHOWN]:
        play = item["play"]
        link = (play.get("app") if viewer.phone else play.get("web")) or play.get("web")
        hint = " · ".join(
            str(part) for part in (item.get("library"), item.get("resolution")) if part
        )
        children = [
            _el("span", [("class", "poster"), ("aria-hidden", "true")]),
            _el("span", [("class", "ready-title")], _text(str(item["label"]))),
            _el("span", [("class", "hint")], _text(hint)),
        ]
        if link:
            children.append(
                _el(
                    "a",
                    [
                        ("class", "play"),
                        ("href", link),
                        ("target", "_blank"),
                        ("rel", "noreferrer"),
                    ],
                    _text(words.t("ready.play")),
                )
            )
        shown.append(_el("li", [("class", "ready-item")], *children))
    return _el(
        "section",
        [("class", "ready"), ("aria-labelledby", "ready-title")],
        _el("h3", [("id", "ready-title")], _text(words.t("ready.title"))),
        _el("ul", [("class", "ready-list")], *shown),
    )


def visible_rows(count: int, height: int) -> tuple[int, int]:
    """windowing.ts's visibleRange at the list's top, every row taken to be ESTIMATE high:
    (rows rendered, px the rows below them take)."""
    end = count
    for index in range(count):
        if index * ESTIMATE >= height:
            end = index
            break
    end = min(count, end + OVERSCAN)
    return end, (count - end) * ESTIMATE


def _list(
    downloads: Sequence[Mapping[str, Any]],
    total: int,
    words: Words,
    viewer: Viewer,
    transfer: Mapping[str, Any] | None,
) -> str:
    """WindowedList's first render: the rows a FIRST_FRAME_HEIGHT screen shows, spacers after."""
    rendered, after = visible_rows(len(downloads), FIRST_FRAME_HEIGHT)
    missing = max(0, total - len(downloads)) * ESTIMATE
    bottom = max(0, after + missing - GAP)
    style = f"padding-top:0;padding-bottom:{f'{bottom}px' if bottom else 0}"
    rows = [
        _el(
            "li",
            [
                ("data-key", d["hash"]),
                ("aria-setsize", max(total, len(downloads))),
                ("aria-posinset", place + 1),
                ("class", "card download"),
                ("data-hash", d["hash"]),
            ],
            _row(d, words, viewer, transfer),
        )
        for place, d in enumerate(downloads[:rendered])
    ]
    return _el(
        "ul",
        [("class", "downloads"), ("aria-label", words.t("downloads.list")), ("style", style)],
        *rows,
    )


def _status(download: Mapping[str, Any], words: Words) -> str:
    """downloads.ts's statusLabel."""
    if download["progress"] >= 1:
        stage = STAGE_LABELS.get(download.get("stage") or "")
        if stage:
            return words.t(stage)
        return words.t(
            "status.complete_paused" if download["status"] == "stopped" else "status.complete"
        )
    key = f"status.{download['status']}"
    return words.t(key) if words.known(key) else str(download["status"])


def _audit(download: Mapping[str, Any], words: Words) -> tuple[str, bool] | None:
    """downloads.ts's auditLabel, when it names no time (a time is the browser's time zone's)."""
    audit = download.get("vpn")
    if not audit:
        return None
    if audit["state"] == "verified":
        return words.t("audit.verified"), True
    if audit.get("since"):
        raise CannotRenderError("formatClock")
    if audit["state"] == "unprotected":
        return words.t("audit.unprotected"), False
    return words.t("audit.not_watched"), False


def _row(
    d: Mapping[str, Any], words: Words, viewer: Viewer, transfer: Mapping[str, Any] | None
) -> str:
    """One download's card (DownloadsView's renderItem)."""
    name = str(d["name"])
    complete = d["progress"] >= 1
    percent = words.percent(d["progress"])
    meta = [
        _el("span", [("class", "percent")], _text(percent)),
        _el("span", [("class", f"state {d['status']}")], _text(_status(d, words))),
    ]
    if not complete:
        meta.append(_el("span", [], _text("↓ ", words.speed(d["download_speed"]))))
        meta.append(_el("span", [], _text(words.t("downloads.eta", {"eta": words.eta(d["eta"])}))))
    meta.append(_el("span", [], _text(words.bytes(d["size"]))))
    if d.get("category"):
        meta.append(_el("span", [("class", "tag")], _text(words.category(d["category"]))))
    if d.get("grabbed_by") is not None:
        meta.append(_el("span", [("class", "via")], _text(words.t(f"origin.{d['grabbed_by']}"))))
    parts = [
        _el("p", [("class", "title")], _text(name)),
        _el(
            "progress",
            [("max", 1), ("value", float(d["progress"])), ("aria-label", f"{name}: {percent}")],
        ),
        _el("p", [("class", "meta")], *meta),
    ]
    if d.get("stalled"):
        stalled = words.t("downloads.stalled", {"reason": words.stall(d["stalled"])})
        parts.append(_el("p", [("class", "reasons")], _text(stalled)))
    if d.get("held"):
        parts.append(_el("p", [("class", "reasons")], _text(words.t(f"held.{d['held']}"))))
    audit = _audit(d, words)
    if audit:
        parts.append(
            _el("p", [("class", "audit ok" if audit[1] else "audit warn")], _text(audit[0]))
        )
    if viewer.control:
        parts.append(_actions(d, name, complete, words, transfer))
    return "".join(parts)


def _actions(
    d: Mapping[str, Any],
    name: str,
    complete: bool,
    words: Words,
    transfer: Mapping[str, Any] | None,
) -> str:
    def button(action: str, kind: str | None = None) -> str:
        return _el(
            "button",
            [
                ("type", "button"),
                ("class", kind),
                ("aria-label", words.t(f"action.{action}_label", {"name": name})),
            ],
            _text(words.t(f"action.{action}")),
        )

    buttons = [button("resume") if d["status"] == "stopped" else button("pause")]
    if not complete:
        buttons.append(button("force_start"))
    if transfer and transfer.get("queueing") and not complete:
        buttons += [button("top"), button("bottom")]
    buttons.append(button("remove", kind="danger"))
    return _el("div", [("class", "actions")], *buttons)


PRELOAD_HEAD: Final = re.compile(r'<link rel="preload" href="/api/downloads\?head"[^>]*>')
# The app's chunk, preloaded by the built page: a page with its frame drawn asks for it only
# once that frame is painted (main.tsx), so the first paint shares the line with nothing.
PRELOAD_APP: Final = re.compile(r'<link rel="modulepreload"[^>]*>')
ROOT: Final = re.compile(r"<div id=\"root\">.*</div>(?=\s*</body>)", re.DOTALL)
DATA_ID: Final = "mediahub-first-frame"  # main.tsx reads the page's state from this block


STYLE_ATTRIBUTE: Final = re.compile(r' style="([^"]*)"')


def style_attributes(markup: str) -> list[str]:
    """The values of the markup's style attributes (for the page's CSP: their hashes)."""
    return sorted(set(STYLE_ATTRIBUTE.findall(markup)))


def page_with_frame(page: str, markup: str, language: str, data: bytes) -> str:
    """index.html with the first frame in its root, the language on <html>, and `data` (JSON:
    what React's first render reads) in a block no browser executes. The preload of the head is
    dropped (the page carries it), and the app chunk's (fetched once the frame is painted)."""
    # `<` never reaches the page's HTML parser inside the block (`</script>` in a name).
    block = data.decode().replace("<", "\\u003c")
    page = page.replace('<html lang="en">', f'<html lang="{language}">', 1)
    page = PRELOAD_HEAD.sub("", page, count=1)
    page = PRELOAD_APP.sub("", page)
    return ROOT.sub(
        lambda _: (
            f'<div id="root" data-first-frame="downloads">{markup}</div>'
            f'<script type="application/json" id="{DATA_ID}">{block}</script>'
        ),
        page,
        count=1,
    )


def frame_data(language: str, session: Mapping[str, Any], head: bytes) -> bytes:
    """What main.tsx reads before React's first render: the tab, the language and the list's
    height the frame was written for, who is signed in (as GET /api/session says), and the
    state (GET /api/downloads?head's body, as it is)."""
    start = json.dumps(
        {
            "tab": "downloads",
            "language": language,
            "height": FIRST_FRAME_HEIGHT,
            "session": session,
        },
        separators=(",", ":"),
    )
    return start[:-1].encode() + b',"state":' + head + b"}"
