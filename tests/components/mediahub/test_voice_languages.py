"""Voice in five languages, through Home Assistant's own default conversation agent with the
sentences of docs/custom_sentences installed as the README says: every MediaHub intent
understood in English, German, French, Spanish and Dutch, and answered in that language (a
refusal included); "download it anyway" after an offer; and every error the engine can raise
said as a sentence by the download intent, never Home Assistant's "unexpected error"."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
import importlib
import json
import logging
from pathlib import Path
import pkgutil
import re
import shutil
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
import yaml

from custom_components.mediahub import hub
from custom_components.mediahub.hub import (
    AlreadyInPlexError,
    AmbiguousTitleError,
    AuthenticationError,
    InPlex,
    InvalidInputError,
    LibraryItem,
    MediaHubError,
    NoAcceptableReleaseError,
    RateLimiter,
    ServiceTimeoutError,
    ServiceUnavailableError,
    SettingsError,
)
from custom_components.mediahub.intent import OFFER_TTL, offers
from custom_components.mediahub.llm import LLM_INTENTS
from custom_components.mediahub.speech import LANGUAGES
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

MIB = 1024**2
GIB = 1024**3
ROOT = Path(__file__).resolve().parents[3]
SENTENCES = ROOT / "docs" / "custom_sentences"
HUB = ROOT / "custom_components" / "mediahub" / "hub"
TRANSLATIONS = ROOT / "custom_components" / "mediahub" / "translations"
# What Home Assistant says when an intent fails on its own (its generic errors).
UNEXPECTED = re.compile(r"unexpected error|error occurred|nicht verstanden", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """One sentence said, and the answer expected (or its beginning, with `starts`)."""

    text: str
    answer: str
    starts: bool = False


# Each language: the sentence and the answer, in order (each step depends on the one before).
CONVERSATIONS: dict[str, list[Said]] = {
    "en": [
        Said("download Sintel", "Downloading Sintel (2010), 720p WEB-DL, 412 MB, 112 seeders."),
        Said(
            "download Big Buck Bunny",
            "Big Buck Bunny is already in Plex in 1080p. "
            "Say 'download it anyway' to get another copy.",
        ),
        Said(
            "download it anyway",
            "Downloading Big Buck Bunny (2008), 1080p BluRay, 824 MB, 80 seeders.",
        ),
        Said(
            "download Oppenheimer",
            "Nothing found for Oppenheimer passes the quality profile: the best, "
            "Oppenheimer.2023.HDCAM.x264-SUNSCREEN, is a CAM release, which the profile blocks.",
        ),
        Said("download Dune", "Which one: Dune (2021) or Dune (1984)?"),
        Said(
            "download season 2 of Severance",
            "Downloading Severance, season 2, 1080p WEB-DL, 2.5 GB, 1,200 seeders.",
        ),
        Said("what is downloading", "3 downloads: ", starts=True),
        Said("scan the Movies library", "Scanning Movies."),
        Said("scan the libraries", "Scanning all libraries."),
        Said(
            "follow Shogun",
            "Following Shogun. New episodes will be downloaded as they come out.",
        ),
        Said("get Dune Part Three when it is out", "I'll get Dune Part Three when it is out."),
        Said("what's coming", "Following Shogun. Wanted: Dune Part Three."),
        Said("stop following Shogun", "Stopped following Shogun."),
    ],
    "de": [
        Said(
            "lade Sintel herunter",
            "Wird heruntergeladen: Sintel (2010), 720p WEB-DL, 412 MB, 112 Seeder.",
        ),
        Said(
            "lade Big Buck Bunny herunter",
            "Big Buck Bunny ist schon in Plex, in 1080p. "
            "Sag „lade es trotzdem herunter“, um eine weitere Kopie zu holen.",
        ),
        Said(
            "lade es trotzdem herunter",
            "Wird heruntergeladen: Big Buck Bunny (2008), 1080p BluRay, 824 MB, 80 Seeder.",
        ),
        Said(
            "lade Oppenheimer herunter",
            "Nichts Gefundenes für Oppenheimer besteht das Qualitätsprofil: Das beste, "
            "Oppenheimer.2023.HDCAM.x264-SUNSCREEN, ist ein CAM-Release, das das Profil sperrt.",
        ),
        Said("lade Dune herunter", "Welcher: Dune (2021) oder Dune (1984)?"),
        Said(
            "lade Staffel 2 von Severance herunter",
            "Wird heruntergeladen: Severance, Staffel 2, 1080p WEB-DL, 2,5 GB, 1.200 Seeder.",
        ),
        Said("was wird heruntergeladen", "3 Downloads: ", starts=True),
        Said("scanne die Mediathek Movies", "Ich scanne Movies."),
        Said("scanne die Mediatheken", "Ich scanne alle Mediatheken."),
        Said(
            "folge Shogun",
            "Ich folge Shogun. Neue Folgen werden heruntergeladen, sobald sie erscheinen.",
        ),
        Said(
            "hol mir Dune Part Three sobald es erscheint",
            "Ich hole Dune Part Three, sobald es erscheint.",
        ),
        Said("was kommt", "Ich folge Shogun. Gewünscht: Dune Part Three."),
        Said("folge Shogun nicht mehr", "Ich folge Shogun nicht mehr."),
    ],
    "fr": [
        Said(
            "télécharge Sintel",
            "Téléchargement de Sintel (2010), 720p WEB-DL, 412 Mo, 112 sources.",
        ),
        Said(
            "télécharge Big Buck Bunny",
            "Big Buck Bunny est déjà dans Plex en 1080p. "
            "Dites « télécharge-le quand même » pour en avoir une autre copie.",
        ),
        Said(
            "télécharge-le quand même",
            "Téléchargement de Big Buck Bunny (2008), 1080p BluRay, 824 Mo, 80 sources.",
        ),
        Said(
            "télécharge Oppenheimer",
            "Rien de ce qui a été trouvé pour Oppenheimer ne passe le profil de qualité : la "
            "meilleure, Oppenheimer.2023.HDCAM.x264-SUNSCREEN, est une release CAM, que le "
            "profil bloque.",
        ),
        Said("télécharge Dune", "Lequel : Dune (2021) ou Dune (1984) ?"),
        Said(
            "télécharge la saison 2 de Severance",
            "Téléchargement de Severance, saison 2, 1080p WEB-DL, 2,5 Go, 1\u202f200 sources.",
        ),
        Said("qu'est-ce qui se télécharge", "3 téléchargements : ", starts=True),
        Said("analyse la bibliothèque Movies", "J'analyse Movies."),
        Said("analyse les bibliothèques", "J'analyse toutes les bibliothèques."),
        Said(
            "suis Shogun",
            "Je suis Shogun. Les nouveaux épisodes seront téléchargés dès leur sortie.",
        ),
        Said(
            "récupère Dune Part Three dès sa sortie",
            "Je récupérerai Dune Part Three dès sa sortie.",
        ),
        Said("qu'est-ce qui arrive", "Je suis Shogun. Attendus : Dune Part Three."),
        Said("arrête de suivre Shogun", "Je ne suis plus Shogun."),
    ],
    "es": [
        Said("descarga Sintel", "Descargando Sintel (2010), 720p WEB-DL, 412 MB, 112 semillas."),
        Said(
            "descarga Big Buck Bunny",
            "Big Buck Bunny ya está en Plex en 1080p. "
            "Di «descárgalo de todos modos» para conseguir otra copia.",
        ),
        Said(
            "descárgalo de todos modos",
            "Descargando Big Buck Bunny (2008), 1080p BluRay, 824 MB, 80 semillas.",
        ),
        Said(
            "descarga Oppenheimer",
            "Nada de lo encontrado para Oppenheimer pasa el perfil de calidad: la mejor, "
            "Oppenheimer.2023.HDCAM.x264-SUNSCREEN, es una release CAM, que el perfil bloquea.",
        ),
        Said("descarga Dune", "¿Cuál: Dune (2021) o Dune (1984)?"),
        Said(
            "descarga la temporada 2 de Severance",
            "Descargando Severance, temporada 2, 1080p WEB-DL, 2,5 GB, 1.200 semillas.",
        ),
        Said("qué se está descargando", "3 descargas: ", starts=True),
        Said("analiza la biblioteca Movies", "Analizando Movies."),
        Said("analiza las bibliotecas", "Analizando todas las bibliotecas."),
        Said(
            "sigue Shogun",
            "Siguiendo Shogun. Los episodios nuevos se descargarán en cuanto salgan.",
        ),
        Said("consigue Dune Part Three cuando salga", "Conseguiré Dune Part Three cuando salga."),
        Said("qué viene", "Sigo Shogun. Pendientes: Dune Part Three."),
        Said("deja de seguir Shogun", "Ya no sigo Shogun."),
    ],
    "nl": [
        Said(
            "download Sintel",
            "Wordt gedownload: Sintel (2010), 720p WEB-DL, 412 MB, 112 seeders.",
        ),
        Said(
            "download Big Buck Bunny",
            "Big Buck Bunny staat al in Plex in 1080p. "
            "Zeg 'download het toch' om nog een kopie te halen.",
        ),
        Said(
            "download het toch",
            "Wordt gedownload: Big Buck Bunny (2008), 1080p BluRay, 824 MB, 80 seeders.",
        ),
        Said(
            "download Oppenheimer",
            "Niets wat voor Oppenheimer gevonden is, doorstaat het kwaliteitsprofiel: de beste, "
            "Oppenheimer.2023.HDCAM.x264-SUNSCREEN, is een CAM-release, die het profiel "
            "blokkeert.",
        ),
        Said("download Dune", "Welke: Dune (2021) of Dune (1984)?"),
        Said(
            "download seizoen 2 van Severance",
            "Wordt gedownload: Severance, seizoen 2, 1080p WEB-DL, 2,5 GB, 1.200 seeders.",
        ),
        Said("wat wordt er gedownload", "3 downloads: ", starts=True),
        Said("scan de bibliotheek Movies", "Ik scan Movies."),
        Said("scan de bibliotheken", "Ik scan alle bibliotheken."),
        Said(
            "volg Shogun",
            "Ik volg Shogun. Nieuwe afleveringen worden gedownload zodra ze uitkomen.",
        ),
        Said("haal Dune Part Three zodra het uitkomt", "Ik haal Dune Part Three zodra het uit is."),
        Said("wat komt er aan", "Ik volg Shogun. Gewenst: Dune Part Three."),
        Said("volg Shogun niet meer", "Ik volg Shogun niet meer."),
    ],
}


async def converse(
    hass: HomeAssistant, text: str, language: str, context: Context
) -> conversation.ConversationResult:
    """What the default agent answers; the events it caused delivered to their listeners."""
    result = await conversation.async_converse(hass, text, None, context, language=language)
    await hass.async_block_till_done()
    return result


def speech(result: conversation.ConversationResult) -> str:
    said: str = result.response.speech["plain"]["speech"]
    return said


async def with_sentences(hass: HomeAssistant) -> None:
    """docs/custom_sentences in `<config>/custom_sentences`, and Assist's default agent."""
    shutil.copytree(SENTENCES, hass.config.path("custom_sentences"))
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


@pytest.fixture
def films(
    stack_hass: HomeAssistant, prowlarr_sim: ProwlarrSimulator, plex_sim: PlexSimulator
) -> None:
    """The indexers' releases, and Plex holding Big Buck Bunny in 1080p: set before the
    stack loads, so that its first poll reads the library."""
    plex_sim.add_item("movie", "Big Buck Bunny", "1", year=2008, resolution="1080")
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease(
                "Sintel.2010.720p.WEB-DL.x264-GRP", category=2040, size=412 * MIB, seeders=112
            ),
            SimRelease(
                "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP",
                category=2040,
                size=824 * MIB,
                seeders=80,
            ),
            SimRelease("Dune.1984.1080p.BluRay.x264-AMIABLE", size=8 * GIB, seeders=40),
            SimRelease("Dune.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", size=6 * GIB, seeders=700),
            SimRelease("Oppenheimer.2023.HDCAM.x264-SUNSCREEN", seeders=3000),
            SimRelease(
                "Severance.S02.1080p.ATVP.WEB-DL.DDP5.1.H.264-FLUX",
                category=5040,
                size=int(2.5 * GIB),
                seeders=1200,
            ),
        ],
    )


async def library_read(entry: MockConfigEntry) -> None:
    runtime = entry.runtime_data
    await until(
        lambda: len(runtime.engine.library) > 0,
        "MediaHub to read Plex's library",
        between=runtime.downloads.async_refresh,
    )


@pytest.mark.parametrize("language", sorted(CONVERSATIONS))
async def test_every_intent_in_every_language_through_the_default_agent(
    language: str,
    stack_hass: HomeAssistant,
    films: None,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    hass_admin_user: MockUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Download (found, already in Plex and then anyway, nothing acceptable, ambiguous, a
    season), status, scans and the wishes: understood and answered in the language."""
    hass = stack_hass
    await with_sentences(hass)
    await library_read(loaded_entry)
    person = Context(user_id=hass_admin_user.id)
    runtime = loaded_entry.runtime_data
    for said in CONVERSATIONS[language]:
        if said.starts:  # the status: once qBittorrent lists the three grabs
            await until(
                lambda: len(runtime.downloads.data.downloads) == 3,
                "qBittorrent to list the grabs",
                between=runtime.downloads.async_refresh,
            )
        result = await converse(hass, said.text, language, person)
        answer = speech(result)
        if said.starts:
            assert answer.startswith(said.answer), (said.text, answer)
        else:
            assert answer == said.answer, said.text
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert set(CONVERSATIONS) == set(LANGUAGES)


def test_every_intent_has_sentences_in_every_language() -> None:
    """Each language's file names every intent MediaHub registers (and only those)."""
    for language in LANGUAGES:
        data = yaml.safe_load((SENTENCES / language / "mediahub.yaml").read_text())
        assert data["language"] == language
        assert set(data["intents"]) == set(LLM_INTENTS), language


# --- "download it anyway" ------------------------------------------------------------------


async def test_download_it_anyway_is_for_whom_it_was_offered_and_only_for_a_while(
    stack_hass: HomeAssistant,
    films: None,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
) -> None:
    hass = stack_hass
    await with_sentences(hass)
    await library_read(loaded_entry)
    person = Context(user_id=hass_admin_user.id)
    other = Context(user_id=hass_read_only_user.id)
    nothing = "There is nothing to download anyway: ask for a title first."

    result = await converse(hass, "download it anyway", "en", person)
    assert speech(result) == nothing
    assert result.response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE

    await converse(hass, "download Big Buck Bunny", "en", person)
    # Someone else (another user, or the same user elsewhere) was offered nothing.
    assert speech(await converse(hass, "download it anyway", "en", other)) == nothing
    # The offer lasts OFFER_TTL seconds.
    store = offers(hass)
    clock = store.clock
    store.clock = lambda: clock() + OFFER_TTL + 1
    assert speech(await converse(hass, "download it anyway", "en", person)) == nothing
    store.clock = clock
    assert await asyncio.to_thread(qbittorrent5.torrents) == []

    await converse(hass, "download Big Buck Bunny", "en", person)
    answer = speech(await converse(hass, "download it anyway", "en", person))
    assert answer.startswith("Downloading Big Buck Bunny (2008), 1080p BluRay")
    assert [t["name"] for t in await asyncio.to_thread(qbittorrent5.torrents)] == [
        "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
    ]
    # Taken once: "anyway" again is not a third copy.
    assert speech(await converse(hass, "download it anyway", "en", person)) == nothing


# --- every error the engine can raise ------------------------------------------------------


def _source_codes() -> set[str]:
    """Every code an InvalidInputError of the engine carries, read from its source: the
    literal first arguments, each subclass's literal code, and the codes built from a prefix
    (`held_{hold}`, `no_acceptable_release_{rule.code}`)."""
    codes: set[str] = set()
    prefixes: set[str] = set()
    rules: set[str] = set()
    for path in HUB.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name == "Reason" and isinstance(first, ast.Constant):
                rules.add(str(first.value))
            if name not in ("InvalidInputError", "__init__", "cls"):
                continue
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if re.fullmatch(r"[a-z_]+", first.value):
                    codes.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
    for prefix in prefixes:
        if prefix == "held_":
            codes |= {f"held_{hold}" for hold in hub.Hold}
        elif prefix == "no_acceptable_release_":
            codes |= {f"no_acceptable_release_{rule}" for rule in rules}
        else:
            pytest.fail(f"a code built from {prefix!r}: add its values to this test")
    return codes


def _error_classes() -> set[type[MediaHubError]]:
    """MediaHubError and every subclass the engine defines (every module imported)."""
    for module in pkgutil.walk_packages(hub.__path__, f"{hub.__name__}."):
        if ".sidecar" not in module.name:
            importlib.import_module(module.name)
    found: set[type[MediaHubError]] = set()
    todo: list[type[MediaHubError]] = [MediaHubError]
    while todo:
        kind = todo.pop()
        if kind.__module__.startswith(hub.__name__) and kind not in found:
            found.add(kind)
            todo.extend(kind.__subclasses__())
    return found


def _english_values(code: str) -> dict[str, str]:
    """Values for every placeholder of the code's translation (names and numbers)."""
    text = json.loads((TRANSLATIONS / "en.json").read_text())["exceptions"][code]["message"]
    values = {name: f"X{name}" for name in re.findall(r"\{(\w+)\}", text)}
    for name in ("size", "limit", "needed", "free"):
        if name in values:
            values[f"{name}_bytes"] = str(3 * GIB)
    return values


_PLEX_COPY = InPlex(
    LibraryItem(key="1", type="movie", title="Big Buck Bunny", section="1", year=2008), "1080p"
)
# How each kind of error is made; InvalidInputError once per code, below.
_FACTORIES: dict[type[MediaHubError], Callable[[], MediaHubError]] = {
    MediaHubError: lambda: MediaHubError("something broke", service="Plex"),
    SettingsError: lambda: SettingsError("plex_url", "not a URL"),
    ServiceUnavailableError: lambda: ServiceUnavailableError("Prowlarr", "HTTP 503"),
    ServiceTimeoutError: lambda: ServiceTimeoutError("qBittorrent"),
    AuthenticationError: lambda: AuthenticationError("Plex"),
    AmbiguousTitleError: lambda: AmbiguousTitleError(["Dune (2021)", "Dune (1984)"]),
    AlreadyInPlexError: lambda: AlreadyInPlexError(_PLEX_COPY),
    NoAcceptableReleaseError: lambda: NoAcceptableReleaseError.nothing_found("Sintel"),
}


def _every_engine_error() -> Iterator[tuple[str, MediaHubError]]:
    classes = _error_classes()
    for kind in sorted(classes - {InvalidInputError}, key=lambda k: k.__name__):
        if kind in _FACTORIES:
            yield kind.__name__, _FACTORIES[kind]()
        elif not issubclass(kind, InvalidInputError):
            pytest.fail(f"{kind.__name__}: add how to make one to this test")
    exceptions = json.loads((TRANSLATIONS / "en.json").read_text())["exceptions"]
    codes = _source_codes()
    assert codes - set(exceptions) == set(), "an engine code without a translation"
    for code in sorted(codes):
        if code.startswith("no_acceptable_release_"):
            error: MediaHubError = NoAcceptableReleaseError(
                code, "Sintel", "why", _english_values(code)
            )
        else:
            error = InvalidInputError(code, f"{code} (English words)", values=_english_values(code))
        yield code, error
    # And every code Home Assistant's layer raises itself (a search refused for its rate
    # among them): whatever has a translation is said.
    for code in sorted(set(exceptions) - codes):
        yield code, InvalidInputError(code, f"{code} (English words)", values=_english_values(code))


async def test_every_engine_error_is_said_by_the_download_intent_in_every_language(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each error the engine can raise, raised where the download intent asks the engine: a
    sentence in the request's language every time (never Home Assistant's generic error, never
    an ERROR in the log, never English for another language, no placeholder left)."""
    runtime = loaded_entry.runtime_data
    runtime.search_limiter = RateLimiter(burst=10_000)  # this test asks hundreds of times
    errors = list(_every_engine_error())
    assert len(errors) > 50
    raised: list[MediaHubError] = []

    async def grab(*_args: Any, **_kwargs: Any) -> Any:
        raise raised[-1]

    monkeypatch.setattr(runtime.engine.best, "grab", grab)
    caplog.clear()
    for name, error in errors:
        answers = {}
        for language in LANGUAGES:
            raised.append(error)
            response = await intent.async_handle(
                stack_hass,
                "conversation",
                "MediaHubDownload",
                {"query": {"value": "Sintel"}},
                language=language,
            )
            answer = response.speech["plain"]["speech"]
            assert answer, (name, language)
            assert not UNEXPECTED.search(answer), (name, language, answer)
            assert "{" not in answer, (name, language, answer)
            assert "English words" not in answer, (name, language, answer)
            answers[language] = answer
        for language in LANGUAGES:
            if language != "en":
                assert answers[language] != answers["en"], (name, language, answers[language])
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_grab_the_vpn_guard_holds_says_when_it_starts(
    stack_hass: HomeAssistant,
    films: None,
    loaded_entry: MockConfigEntry,
    gluetun_sim: GluetunSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    """Grabbed while the VPN is not confirmed: downloaded once the guard lets go, and said so."""
    hass = stack_hass
    await with_sentences(hass)
    runtime = loaded_entry.runtime_data
    gluetun_sim.status = "stopped"
    await until(
        lambda: hub.Hold.VPN in runtime.engine.downloads.holds,
        "the VPN guard to hold",
        between=runtime.downloads.async_refresh,
    )
    result = await converse(hass, "lade Sintel herunter", "de", Context())
    assert speech(result) == (
        "Wird heruntergeladen: Sintel (2010), 720p WEB-DL, 412 MB, 112 Seeder. "
        "Er startet, sobald das VPN bestätigt ist."
    )
