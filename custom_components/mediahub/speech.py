"""What MediaHub says, in the five languages of its translations: the voice intents' answers
(downloads, scans, wishes), the Wanted list's descriptions, and an engine error as a spoken
sentence; numbers, sizes and durations as each language writes them.

Home Assistant's translation files hold no free sentences of an integration (only the
categories it defines), so these live here; an error's sentence is the exception's own
translation (`translations/<language>.json`), so that voice and actions say the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation

from .const import DOMAIN
from .hub import AlreadyInPlexError, Assessment, MediaHubError, outcome, placeholders

DEFAULT_LANGUAGE: Final = "en"

PHRASES: Final[dict[str, dict[str, str]]] = {
    "following": {
        "en": "Following {label}. New episodes will be downloaded as they come out.",
        "de": "Ich folge {label}. Neue Folgen werden heruntergeladen, sobald sie erscheinen.",
        "fr": "Je suis {label}. Les nouveaux épisodes seront téléchargés dès leur sortie.",
        "es": "Siguiendo {label}. Los episodios nuevos se descargarán en cuanto salgan.",
        "nl": "Ik volg {label}. Nieuwe afleveringen worden gedownload zodra ze uitkomen.",
    },
    "already_following": {
        "en": "Already following {label}.",
        "de": "Ich folge {label} schon.",
        "fr": "Je suis déjà {label}.",
        "es": "Ya sigo {label}.",
        "nl": "Ik volg {label} al.",
    },
    "wanted": {
        "en": "I'll get {label} when it is out.",
        "de": "Ich hole {label}, sobald es erscheint.",
        "fr": "Je récupérerai {label} dès sa sortie.",
        "es": "Conseguiré {label} cuando salga.",
        "nl": "Ik haal {label} zodra het uit is.",
    },
    "already_wanted": {
        "en": "{label} is already on the list.",
        "de": "{label} steht schon auf der Liste.",
        "fr": "{label} est déjà sur la liste.",
        "es": "{label} ya está en la lista.",
        "nl": "{label} staat al op de lijst.",
    },
    "upgrading": {
        "en": "I'll replace {label} when a better release appears.",
        "de": "Ich ersetze {label}, sobald es eine bessere Version gibt.",
        "fr": "Je remplacerai {label} dès qu'une meilleure version paraîtra.",
        "es": "Reemplazaré {label} cuando aparezca una versión mejor.",
        "nl": "Ik vervang {label} zodra er een betere versie is.",
    },
    "requested": {
        "en": "I asked for {label}: an administrator will decide.",
        "de": "Ich habe {label} angefragt: ein Administrator entscheidet.",
        "fr": "J'ai demandé {label} : un administrateur décidera.",
        "es": "He pedido {label}: un administrador decidirá.",
        "nl": "Ik heb {label} aangevraagd: een beheerder beslist.",
    },
    "approved": {
        "en": "Approved {label}. It will be downloaded when a good release is out.",
        "de": "{label} ist genehmigt. Es wird geladen, sobald es eine gute Version gibt.",
        "fr": "{label} est approuvé. Il sera téléchargé dès qu'une bonne version existera.",
        "es": "{label} está aprobado. Se descargará en cuanto haya una buena versión.",
        "nl": "{label} is goedgekeurd. Het wordt gedownload zodra er een goede versie is.",
    },
    "declined": {
        "en": "Declined {label}.",
        "de": "{label} ist abgelehnt.",
        "fr": "{label} est refusé.",
        "es": "{label} está rechazado.",
        "nl": "{label} is afgewezen.",
    },
    "waiting_for_you": {
        "en": "Waiting for your approval: {titles}.",
        "de": "Warten auf deine Genehmigung: {titles}.",
        "fr": "En attente de votre approbation : {titles}.",
        "es": "Esperan tu aprobación: {titles}.",
        "nl": "Wachten op je goedkeuring: {titles}.",
    },
    "waiting_yours": {
        "en": "Your requests waiting for approval: {titles}.",
        "de": "Deine Anfragen, die auf Genehmigung warten: {titles}.",
        "fr": "Vos demandes en attente d'approbation : {titles}.",
        "es": "Tus peticiones que esperan aprobación: {titles}.",
        "nl": "Je verzoeken die op goedkeuring wachten: {titles}.",
    },
    "nothing_waiting": {
        "en": "Nothing is waiting for approval.",
        "de": "Nichts wartet auf eine Genehmigung.",
        "fr": "Rien n'attend d'approbation.",
        "es": "Nada espera aprobación.",
        "nl": "Er wacht niets op goedkeuring.",
    },
    "stopped_following": {
        "en": "Stopped following {label}.",
        "de": "Ich folge {label} nicht mehr.",
        "fr": "Je ne suis plus {label}.",
        "es": "Ya no sigo {label}.",
        "nl": "Ik volg {label} niet meer.",
    },
    "no_longer_wanted": {
        "en": "{label} is off the list.",
        "de": "{label} ist nicht mehr auf der Liste.",
        "fr": "{label} n'est plus sur la liste.",
        "es": "{label} ya no está en la lista.",
        "nl": "{label} staat niet meer op de lijst.",
    },
    "which": {
        "en": "Which one: {choices}?",
        "de": "Welcher: {choices}?",
        "fr": "Lequel : {choices} ?",
        "es": "¿Cuál: {choices}?",
        "nl": "Welke: {choices}?",
    },
    "nothing_wished": {
        "en": "Nothing is wished for.",
        "de": "Es ist nichts gewünscht.",
        "fr": "Aucun souhait en cours.",
        "es": "No hay ningún deseo pendiente.",
        "nl": "Er staat niets op de verlanglijst.",
    },
    "coming_follow": {
        "en": "Following {titles}.",
        "de": "Ich folge {titles}.",
        "fr": "Je suis {titles}.",
        "es": "Sigo {titles}.",
        "nl": "Ik volg {titles}.",
    },
    "coming_want": {
        "en": "Wanted: {titles}.",
        "de": "Gewünscht: {titles}.",
        "fr": "Attendus : {titles}.",
        "es": "Pendientes: {titles}.",
        "nl": "Gewenst: {titles}.",
    },
    "coming_upgrade": {
        "en": "To upgrade: {titles}.",
        "de": "Zu verbessern: {titles}.",
        "fr": "À améliorer : {titles}.",
        "es": "Por mejorar: {titles}.",
        "nl": "Te verbeteren: {titles}.",
    },
    "last_grabbed": {
        "en": "Last grabbed: {item}.",
        "de": "Zuletzt geholt: {item}.",
        "fr": "Dernier téléchargement : {item}.",
        "es": "Lo último descargado: {item}.",
        "nl": "Laatst gedownload: {item}.",
    },
    # Downloads: "download The Matrix", "download it anyway", "what is downloading", scans.
    "downloading": {
        "en": "Downloading {summary}.",
        "de": "Wird heruntergeladen: {summary}.",
        "fr": "Téléchargement de {summary}.",
        "es": "Descargando {summary}.",
        "nl": "Wordt gedownload: {summary}.",
    },
    "season": {
        "en": "season {number}",
        "de": "Staffel {number}",
        "fr": "saison {number}",
        "es": "temporada {number}",
        "nl": "seizoen {number}",
    },
    "seeders_one": {
        "en": "{count} seeder",
        "de": "{count} Seeder",
        "fr": "{count} source",
        "es": "{count} semilla",
        "nl": "{count} seeder",
    },
    "seeders": {
        "en": "{count} seeders",
        "de": "{count} Seeder",
        "fr": "{count} sources",
        "es": "{count} semillas",
        "nl": "{count} seeders",
    },
    "starts_when_qbittorrent_is_back": {
        "en": " It will start when qBittorrent is back.",
        "de": " Er startet, sobald qBittorrent wieder da ist.",
        "fr": " Il démarrera dès que qBittorrent sera de retour.",
        "es": " Empezará cuando qBittorrent vuelva.",
        "nl": " Hij start zodra qBittorrent terug is.",
    },
    "starts_when_vpn": {
        "en": " It will start once the VPN is confirmed.",
        "de": " Er startet, sobald das VPN bestätigt ist.",
        "fr": " Il démarrera dès que le VPN sera confirmé.",
        "es": " Empezará cuando se confirme la VPN.",
        "nl": " Hij start zodra de VPN bevestigd is.",
    },
    "starts_when_disk": {
        "en": " It will start when the disk has room.",
        "de": " Er startet, sobald auf der Festplatte Platz ist.",
        "fr": " Il démarrera dès qu'il y aura de la place sur le disque.",
        "es": " Empezará cuando haya espacio en el disco.",
        "nl": " Hij start zodra er ruimte op de schijf is.",
    },
    # The words of docs/custom_sentences/<language>/mediahub.yaml's MediaHubDownloadAnyway.
    "in_plex_quality": {
        "en": "{title} is already in Plex in {resolution}.",
        "de": "{title} ist schon in Plex, in {resolution}.",
        "fr": "{title} est déjà dans Plex en {resolution}.",
        "es": "{title} ya está en Plex en {resolution}.",
        "nl": "{title} staat al in Plex in {resolution}.",
    },
    "in_plex": {
        "en": "{title} is already in Plex.",
        "de": "{title} ist schon in Plex.",
        "fr": "{title} est déjà dans Plex.",
        "es": "{title} ya está en Plex.",
        "nl": "{title} staat al in Plex.",
    },
    # The words of docs/custom_sentences/<language>/mediahub.yaml's MediaHubDownloadAnyway.
    "anyway_offer": {
        "en": " Say 'download it anyway' to get another copy.",
        "de": " Sag „lade es trotzdem herunter“, um eine weitere Kopie zu holen.",
        "fr": " Dites « télécharge-le quand même » pour en avoir une autre copie.",
        "es": " Di «descárgalo de todos modos» para conseguir otra copia.",
        "nl": " Zeg 'download het toch' om nog een kopie te halen.",
    },
    "nothing_offered": {
        "en": "There is nothing to download anyway: ask for a title first.",
        "de": "Es gibt nichts, das ich trotzdem herunterladen könnte: nenne zuerst einen Titel.",
        "fr": "Il n'y a rien à télécharger quand même : demandez d'abord un titre.",
        "es": "No hay nada que descargar de todos modos: pide primero un título.",
        "nl": "Er is niets om toch te downloaden: vraag eerst om een titel.",
    },
    "service_away": {
        "en": "{service} is not reachable right now. Try again in a moment.",
        "de": "{service} ist gerade nicht erreichbar. Versuche es gleich noch einmal.",
        "fr": "{service} n'est pas joignable pour le moment. Réessayez dans un instant.",
        "es": "{service} no está disponible ahora mismo. Inténtalo de nuevo en un momento.",
        "nl": "{service} is nu niet bereikbaar. Probeer het zo nog eens.",
    },
    "nothing_downloading": {
        "en": "Nothing is downloading.",
        "de": "Es wird nichts heruntergeladen.",
        "fr": "Rien n'est en cours de téléchargement.",
        "es": "No se está descargando nada.",
        "nl": "Er wordt niets gedownload.",
    },
    "downloads_one": {
        "en": "{count} download: {items}.",
        "de": "{count} Download: {items}.",
        "fr": "{count} téléchargement : {items}.",
        "es": "{count} descarga: {items}.",
        "nl": "{count} download: {items}.",
    },
    "downloads": {
        "en": "{count} downloads: {items}.",
        "de": "{count} Downloads: {items}.",
        "fr": "{count} téléchargements : {items}.",
        "es": "{count} descargas: {items}.",
        "nl": "{count} downloads: {items}.",
    },
    "progress": {
        "en": "{name} at {percent} percent",
        "de": "{name} bei {percent} Prozent",
        "fr": "{name} à {percent} pour cent",
        "es": "{name} al {percent} por ciento",
        "nl": "{name} op {percent} procent",
    },
    "time_left": {
        "en": ", {duration} left",
        "de": ", noch {duration}",
        "fr": ", encore {duration}",
        "es": ", quedan {duration}",
        "nl": ", nog {duration}",
    },
    "seconds_one": {
        "en": "{count} second",
        "de": "{count} Sekunde",
        "fr": "{count} seconde",
        "es": "{count} segundo",
        "nl": "{count} seconde",
    },
    "seconds": {
        "en": "{count} seconds",
        "de": "{count} Sekunden",
        "fr": "{count} secondes",
        "es": "{count} segundos",
        "nl": "{count} seconden",
    },
    "minutes": {
        "en": "{count} minutes",
        "de": "{count} Minuten",
        "fr": "{count} minutes",
        "es": "{count} minutos",
        "nl": "{count} minuten",
    },
    "hours": {
        "en": "{count} hours",
        "de": "{count} Stunden",
        "fr": "{count} heures",
        "es": "{count} horas",
        "nl": "{count} uur",
    },
    "scanning": {
        "en": "Scanning {library}.",
        "de": "Ich scanne {library}.",
        "fr": "J'analyse {library}.",
        "es": "Analizando {library}.",
        "nl": "Ik scan {library}.",
    },
    "scanning_all": {
        "en": "Scanning all libraries.",
        "de": "Ich scanne alle Mediatheken.",
        "fr": "J'analyse toutes les bibliothèques.",
        "es": "Analizando todas las bibliotecas.",
        "nl": "Ik scan alle bibliotheken.",
    },
    "not_set_up": {
        "en": "MediaHub is not set up.",
        "de": "MediaHub ist nicht eingerichtet.",
        "fr": "MediaHub n'est pas configuré.",
        "es": "MediaHub no está configurado.",
        "nl": "MediaHub is niet ingesteld.",
    },
    "which_stack": {
        "en": "Which MediaHub: {titles}?",
        "de": "Welcher MediaHub: {titles}?",
        "fr": "Quel MediaHub : {titles} ?",
        "es": "¿Qué MediaHub: {titles}?",
        "nl": "Welke MediaHub: {titles}?",
    },
    "on_stack": {
        "en": " (on {stack})",
        "de": " (auf {stack})",
        "fr": " (sur {stack})",
        "es": " (en {stack})",
        "nl": " (op {stack})",
    },
    "or": {"en": " or ", "de": " oder ", "fr": " ou ", "es": " o ", "nl": " of "},
    "and": {"en": " and ", "de": " und ", "fr": " et ", "es": " y ", "nl": " en "},
    # The Wanted list's descriptions: kind · state · who asked.
    "kind_follow": {
        "en": "Following",
        "de": "Gefolgt",
        "fr": "Suivi",
        "es": "Siguiendo",
        "nl": "Gevolgd",
    },
    "kind_want": {
        "en": "Wanted",
        "de": "Gewünscht",
        "fr": "Voulu",
        "es": "Deseado",
        "nl": "Gewenst",
    },
    "kind_upgrade": {
        "en": "Upgrade",
        "de": "Verbesserung",
        "fr": "Amélioration",
        "es": "Mejora",
        "nl": "Verbetering",
    },
    "state_wanted": {
        "en": "waiting for a release",
        "de": "wartet auf eine Veröffentlichung",
        "fr": "en attente d'une sortie",
        "es": "esperando una publicación",
        "nl": "wacht op een release",
    },
    "state_grabbed": {
        "en": "downloading",
        "de": "wird heruntergeladen",
        "fr": "en téléchargement",
        "es": "descargando",
        "nl": "wordt gedownload",
    },
    "state_available": {
        "en": "in Plex",
        "de": "in Plex",
        "fr": "dans Plex",
        "es": "en Plex",
        "nl": "in Plex",
    },
    "state_done": {
        "en": "ended",
        "de": "beendet",
        "fr": "terminé",
        "es": "terminado",
        "nl": "beëindigd",
    },
    "state_waiting": {
        "en": "waiting for approval",
        "de": "wartet auf Genehmigung",
        "fr": "en attente d'approbation",
        "es": "esperando aprobación",
        "nl": "wacht op goedkeuring",
    },
    "state_declined": {
        "en": "declined",
        "de": "abgelehnt",
        "fr": "refusé",
        "es": "rechazado",
        "nl": "afgewezen",
    },
    "asked_by": {
        "en": "asked by {name}",
        "de": "gewünscht von {name}",
        "fr": "demandé par {name}",
        "es": "pedido por {name}",
        "nl": "gevraagd door {name}",
    },
}
LANGUAGES: Final = tuple(PHRASES["following"])


# Numbers as each language writes them: the decimal mark, and the thousands' separator (a
# narrow no-break space in French).
_DECIMAL: Final = {"en": ".", "de": ",", "fr": ",", "es": ",", "nl": ","}
_THOUSANDS: Final = {"en": ",", "de": ".", "fr": "\u202f", "es": ".", "nl": "."}
# Sizes in binary units under the names people use (French says octets).
_UNITS: Final = {
    "en": ("kB", "MB", "GB", "TB"),
    "de": ("kB", "MB", "GB", "TB"),
    "fr": ("ko", "Mo", "Go", "To"),
    "es": ("kB", "MB", "GB", "TB"),
    "nl": ("kB", "MB", "GB", "TB"),
}
_KIB: Final = 1024


class _Kept(dict[str, str]):
    """Placeholders a translation names but the error does not fill stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def language_of(language: str | None) -> str:
    """One of the five languages for a Home Assistant language ("de-CH" → "de")."""
    base = (language or DEFAULT_LANGUAGE).split("-", 1)[0].split("_", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def say(language: str | None, key: str, **values: str) -> str:
    return PHRASES[key][language_of(language)].format_map(_Kept(values))


def listed(language: str | None, items: Iterable[str], joiner: str = "and") -> str:
    """ "a, b and c" in the language."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + say(language, joiner) + words[-1]


def number(language: str | None, value: float, decimals: int = 0) -> str:
    """12, 1.4 (1,4 in German), 12,345 (12.345): a number as the language writes it; a
    trailing ".0" is left out, as a person says it."""
    lang = language_of(language)
    text = f"{value:,.{decimals}f}"
    if decimals and text.endswith("." + "0" * decimals):
        text = text[: -decimals - 1]
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", _THOUSANDS[lang])
    return whole + (_DECIMAL[lang] + fraction if fraction else "")


def size(language: str | None, size_bytes: float) -> str:
    """A size in the unit a person would use: 640 kB, 12 MB, 1.4 GB, 10.4 GB (1,4 Go in
    French)."""
    units = _UNITS[language_of(language)]
    value = float(size_bytes) / _KIB
    for rank, unit in enumerate(units[:-1]):
        if value < _KIB:
            # Whole kB and MB from 10 up; gigabytes keep their tenths (10.4 GB).
            decimals = 0 if rank < 2 and value >= 10 else 1
            return f"{number(language, value, decimals)} {unit}"
        value /= _KIB
    return f"{number(language, value, 1)} {units[-1]}"


def counted(language: str | None, key: str, count: int, **values: str) -> str:
    """The phrase `key` (or `key_one` for one) with its count written in the language."""
    chosen = f"{key}_one" if count == 1 and f"{key}_one" in PHRASES else key
    return say(language, chosen, count=number(language, count), **values)


def duration(language: str | None, seconds: int) -> str:
    """40 seconds, 10 minutes, 1.5 hours: a time left as a person says it."""
    if seconds < 90:
        return counted(language, "seconds", seconds)
    if seconds < 90 * 60:
        return counted(language, "minutes", round(seconds / 60))
    return say(language, "hours", count=number(language, seconds / 3600, 1))


def summary(language: str | None, assessment: Assessment) -> str:
    """The Matrix (1999), 1080p BluRay, 10.4 GB, 312 seeders: what a pick is, in the language
    (the title and the release's own words as they are)."""
    quality = assessment.quality
    name = f"{quality.title} ({quality.year})" if quality.year else quality.title
    if quality.pack == "season" and quality.seasons:
        name += ", " + say(language, "season", number=str(quality.seasons[0]))
    elif quality.episodes and quality.seasons:
        name += f", S{quality.seasons[0]:02d}E{quality.episodes[0]:02d}"
    picture = " ".join(c for c in (quality.resolution, quality.source) if c)
    parts = [name, picture, size(language, assessment.release.size)]
    if assessment.release.seeders is not None:
        parts.append(counted(language, "seeders", assessment.release.seeders))
    return ", ".join(p for p in parts if p)


async def spoken_error(hass: HomeAssistant, language: str | None, err: MediaHubError) -> str:
    """An engine error as a sentence in the language: its exception's translation, filled in."""
    if isinstance(err, AlreadyInPlexError):
        resolution = err.found.resolution
        if resolution is None:
            return say(language, "in_plex", title=err.values["title"])
        return say(language, "in_plex_quality", title=err.values["title"], resolution=resolution)
    if outcome(err).code == "service_unavailable":
        # Said without the service's own (English) words for its failure.
        return say(language, "service_away", service=err.service or "MediaHub")
    return await translated(hass, language, outcome(err).code, placeholders(err)) or str(err)


async def translated(
    hass: HomeAssistant, language: str | None, code: str, values: Mapping[str, str]
) -> str | None:
    """The exception `code`'s translation, filled in; a size given in bytes too
    (`<name>_bytes`) is said in the language's format."""
    strings = await translation.async_get_translations(
        hass, language_of(language), "exceptions", [DOMAIN]
    )
    text = strings.get(f"component.{DOMAIN}.exceptions.{code}.message")
    if text is None:
        return None
    filled = dict(values)
    for name, value in values.items():
        if name.endswith("_bytes") and value.isdigit():
            filled[name.removesuffix("_bytes")] = size(language, int(value))
    return text.format_map(_Kept(filled))
