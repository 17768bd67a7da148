"""What hassfest and HACS check, and that every text a user sees exists."""

from __future__ import annotations

import json
from pathlib import Path
import re

from hassil import Intents, recognize, recognize_best
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPONENT = ROOT / "custom_components" / "mediahub"


def load(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((COMPONENT / name).read_text())


def test_manifest_is_what_hassfest_accepts_for_a_custom_integration() -> None:
    manifest = load("manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for required in (
        "domain",
        "name",
        "codeowners",
        "documentation",
        "iot_class",
        "issue_tracker",
        "version",
        "integration_type",
    ):
        assert manifest[required]
    assert manifest["domain"] == COMPONENT.name
    assert all("==" in r for r in manifest["requirements"])
    requirements = (ROOT / "requirements.txt").read_text()
    assert all(r in requirements for r in manifest["requirements"])
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["name"] == manifest["name"]


def test_every_action_field_entity_and_icon_is_translated() -> None:
    strings = load("translations/en.json")
    icons = load("icons.json")
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text())
    for action, spec in services.items():
        text = strings["services"][action]
        assert text["name"] and text["description"]
        assert set(spec["fields"]) == set(text["fields"])
        assert action in icons["services"]
    sources = {p.stem: p.read_text() for p in COMPONENT.glob("*.py")}
    for platform in ("sensor", "binary_sensor", "button", "todo"):
        for key, text in strings["entity"][platform].items():
            assert text["name"]
            assert key in icons["entity"][platform]
            assert f'"{key}"' in sources[platform]
    # Every error code the engine raises reaches a person translated.
    engine = "\n".join(p.read_text() for p in (COMPONENT / "hub").rglob("*.py"))
    codes = set(re.findall(r'InvalidInputError\(\s*"(\w+)"', engine))
    assert len(codes) > 10
    for code in sorted(codes | {"auth_failed", "service_unavailable"}):
        assert strings["exceptions"][code]["message"], code


def test_translated_errors_fill_in_values_never_the_engines_english() -> None:
    """A translated error names things (a category, a path, a library), but a sentence of the
    engine's English ({message}) would leak into every language."""
    exceptions = load("translations/en.json")["exceptions"]
    leaking = [key for key, text in exceptions.items() if "{message}" in text["message"]]
    assert leaking == []


def test_every_rule_a_release_breaks_is_said_in_words_of_its_own() -> None:
    """A refusal by the quality profile names its rule in the user's language: a message per
    rule in Home Assistant, a phrase per rule in the panel (the engine's English is a fallback)."""
    score = (COMPONENT / "hub" / "releases" / "score.py").read_text()
    rules = set(re.findall(r'Reason\(\s*"(\w+)"', score))
    assert len(rules) == 11
    exceptions = load("translations/en.json")["exceptions"]
    panel = (ROOT / "frontend" / "src" / "i18n" / "en.ts").read_text()
    for rule in rules:
        assert "{release}" in exceptions[f"no_acceptable_release_{rule}"]["message"], rule
        assert f'"reason.{rule}"' in panel, rule
    assert exceptions["nothing_found"] and exceptions["no_acceptable_release_files"]


@pytest.mark.parametrize("language", ["de", "fr", "es", "nl"])
def test_every_language_has_every_string_english_has(language: str) -> None:
    """Same keys, same placeholders, nothing empty: a missing string would show English."""

    def strings(tree: object, path: str = "") -> dict[str, str]:
        if isinstance(tree, dict):
            return {
                k: v for key, sub in tree.items() for k, v in strings(sub, f"{path}.{key}").items()
            }
        return {path: str(tree)}

    english = strings(load("translations/en.json"))
    translated = strings(load(f"translations/{language}.json"))
    assert sorted(translated) == sorted(english)
    for key, text in english.items():
        assert sorted(re.findall(r"\{\w+\}", translated[key])) == sorted(
            re.findall(r"\{\w+\}", text)
        ), key
        assert translated[key].strip(), key


def test_custom_sentences_reach_the_intents() -> None:
    intents = Intents.from_dict(
        yaml.safe_load((ROOT / "docs" / "custom_sentences" / "en" / "mediahub.yaml").read_text())
    )
    result = recognize("download the new Dune movie", intents)
    assert result is not None
    assert result.intent.name == "MediaHubDownload"
    assert result.entities["query"].value.strip() == "Dune"
    assert result.entities["category"].value == "movies"
    status = recognize("what is downloading", intents)
    assert status is not None
    assert status.intent.name == "MediaHubDownloadStatus"
    scan = recognize("scan the movies library", intents)
    assert scan is not None
    assert (scan.intent.name, scan.entities["library"].value.strip()) == (
        "MediaHubScanLibrary",
        "movies",
    )


# What a person says for each wish intent, in each language (Home Assistant's default agent
# takes the best match, as recognize_best does: "folge X nicht mehr" is not "folge X").
WISH_SENTENCES = {
    "en": [
        ("follow Severance", "MediaHubFollow"),
        ("get Dune Part Three when it is out", "MediaHubWant"),
        ("what's coming", "MediaHubWhatsComing"),
        ("stop following Severance", "MediaHubUnwish"),
    ],
    "de": [
        ("folge Severance", "MediaHubFollow"),
        ("hol mir Dune Part Three sobald er raus ist", "MediaHubWant"),
        ("was kommt", "MediaHubWhatsComing"),
        ("folge Severance nicht mehr", "MediaHubUnwish"),
    ],
    "fr": [
        ("suis Severance", "MediaHubFollow"),
        ("récupère Dune Part Three quand il sortira", "MediaHubWant"),
        ("qu'est-ce qui arrive", "MediaHubWhatsComing"),
        ("arrête de suivre Severance", "MediaHubUnwish"),
    ],
    "es": [
        ("sigue Severance", "MediaHubFollow"),
        ("consigue Dune Part Three cuando salga", "MediaHubWant"),
        ("qué viene", "MediaHubWhatsComing"),
        ("deja de seguir Severance", "MediaHubUnwish"),
    ],
    "nl": [
        ("volg Severance", "MediaHubFollow"),
        ("haal Dune Part Three zodra het uit is", "MediaHubWant"),
        ("wat komt er aan", "MediaHubWhatsComing"),
        ("volg Severance niet meer", "MediaHubUnwish"),
    ],
}


@pytest.mark.parametrize("language", sorted(WISH_SENTENCES))
def test_the_wish_sentences_reach_their_intents(language: str) -> None:
    path = ROOT / "docs" / "custom_sentences" / language / "mediahub.yaml"
    sentences = yaml.safe_load(path.read_text())
    assert sentences["language"] == language
    intents = Intents.from_dict(sentences)
    for text, intent_name in WISH_SENTENCES[language]:
        result = recognize_best(text, intents)
        assert result is not None, text
        assert result.intent.name == intent_name, text
        title = result.entities.get("title")
        if title is not None:
            assert title.value.strip() in ("Severance", "Dune Part Three"), text


def test_brand_icons_are_square_pngs() -> None:
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        data = (COMPONENT / "brand" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20]) == int.from_bytes(data[20:24]) == size
