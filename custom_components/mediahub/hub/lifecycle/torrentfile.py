"""Identify what is being added: the infohash of a .torrent or a magnet link.

qBittorrent 4.x answers `torrents/add` with a bare "Ok." and adds asynchronously, so MediaHub
computes the infohash itself: the SHA-1 of the bencoded `info` dictionary, or the `btih` of a
magnet. That hash is what makes delivery exactly-once.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
import hashlib
from urllib.parse import parse_qs, urlsplit

from ..errors import InvalidInputError
from ..releases.files import TorrentFile


@dataclass(frozen=True, slots=True)
class TorrentMeta:
    """The infohash (v1, hex) and display name of a .torrent or magnet."""

    infohash: str
    name: str
    files: tuple[TorrentFile, ...] = ()  # empty for a magnet until its metadata arrives


class _Bencode:
    """Just enough of a bencode reader to find the `info` dictionary's exact bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.info_span: tuple[int, int] | None = None
        self.name: bytes | None = None

    def value(self, depth: int = 0) -> object:
        if depth > 64:
            raise ValueError("nested too deeply")
        head = self.data[self.pos : self.pos + 1]
        if head == b"i":
            end = self.data.index(b"e", self.pos)
            number = int(self.data[self.pos + 1 : end])
            self.pos = end + 1
            return number
        if head == b"l":
            self.pos += 1
            items = []
            while self.data[self.pos : self.pos + 1] != b"e":
                items.append(self.value(depth + 1))
            self.pos += 1
            return items
        if head == b"d":
            self.pos += 1
            result: dict[bytes, object] = {}
            while self.data[self.pos : self.pos + 1] != b"e":
                key = self.value(depth + 1)
                if not isinstance(key, bytes):
                    raise TypeError("dictionary key is not a string")
                start = self.pos
                result[key] = self.value(depth + 1)
                if depth == 0 and key == b"info":
                    self.info_span = (start, self.pos)
            self.pos += 1
            return result
        if head.isdigit():
            colon = self.data.index(b":", self.pos)
            length = int(self.data[self.pos : colon])
            start = colon + 1
            if length < 0 or start + length > len(self.data):
                raise ValueError("string runs past the end")
            self.pos = start + length
            return self.data[start : self.pos]
        raise ValueError(f"unexpected byte at {self.pos}")


def read_torrent(data: bytes) -> TorrentMeta:
    """The infohash and name of .torrent bytes; InvalidInputError if they are not a torrent."""
    reader = _Bencode(data)
    try:
        top = reader.value()
    except (ValueError, TypeError, IndexError) as err:
        raise InvalidInputError("invalid_torrent", "not a valid .torrent file") from err
    info = top.get(b"info") if isinstance(top, dict) else None
    if not isinstance(info, dict) or reader.info_span is None or b"piece length" not in info:
        raise InvalidInputError("invalid_torrent", "the .torrent file has no info dictionary")
    start, end = reader.info_span
    infohash = hashlib.sha1(data[start:end], usedforsecurity=False).hexdigest()
    name = info.get(b"name", b"")
    text = name.decode("utf-8", "replace") if isinstance(name, bytes) else ""
    return TorrentMeta(infohash=infohash, name=text or infohash, files=_files(info, text))


def _files(info: dict[bytes, object], root: str) -> tuple[TorrentFile, ...]:
    """The files in qBittorrent's order and naming (`<name>/<path>` for a folder torrent)."""
    listed = info.get(b"files")
    if not isinstance(listed, list):
        length = info.get(b"length")
        return (TorrentFile(0, root, length),) if isinstance(length, int) else ()
    files = []
    for index, entry in enumerate(listed):
        if not isinstance(entry, dict):
            continue
        parts = entry.get(b"path")
        length = entry.get(b"length")
        if not isinstance(parts, list) or not isinstance(length, int):
            continue
        path = "/".join(p.decode("utf-8", "replace") for p in parts if isinstance(p, bytes))
        files.append(TorrentFile(index, f"{root}/{path}", length))
    return tuple(files)


def read_magnet(uri: str) -> TorrentMeta:
    """The v1 infohash and display name of a magnet link; InvalidInputError if malformed."""
    parts = urlsplit(uri.strip())
    if parts.scheme != "magnet":
        raise InvalidInputError("invalid_magnet", "not a magnet link")
    query = parse_qs(parts.query)
    for topic in query.get("xt", []):
        if not topic.lower().startswith("urn:btih:"):
            continue
        value = topic[len("urn:btih:") :]
        if len(value) == 40:
            try:
                infohash = bytes.fromhex(value).hex()
            except ValueError:
                break
        elif len(value) == 32:
            try:
                infohash = base64.b32decode(value.upper()).hex()
            except binascii.Error:
                break
        else:
            break
        name = query.get("dn", [""])[0]
        return TorrentMeta(infohash=infohash, name=name or infohash)
    raise InvalidInputError("invalid_magnet", "the magnet link has no valid btih infohash")
