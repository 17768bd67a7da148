"""What MediaHub says about wishes, in the five languages of its translations: the voice
intents' answers, the Wanted list's descriptions, and an engine error as a spoken sentence.

Home Assistant's translation files hold no free sentences of an integration (only the
categories it defines), so these live here; an error's sentence is the exception's own
translation (`translations/<language>.json`), so that voice and actions say the same."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation

from .const import DOMAIN
from .hub import MediaHubError, outcome, placeholders

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


async def spoken_error(hass: HomeAssistant, language: str | None, err: MediaHubError) -> str:
    """An engine error as a sentence in the language: its exception's translation, filled in."""
    code = outcome(err).code
    strings = await translation.async_get_translations(
        hass, language_of(language), "exceptions", [DOMAIN]
    )
    text = strings.get(f"component.{DOMAIN}.exceptions.{code}.message")
    if text is None:
        return str(err)
    return text.format_map(_Kept(placeholders(err)))
