"""A wish is grabbed exactly once, across processes, even when the one grabbing dies.

Two engines stand for Home Assistant and a sidecar on one real qBittorrent and one Prowlarr.
One dies in the middle of a grab: before qBittorrent has it, or after, before it wrote it down
(a dead process runs no cleanup: its watch claim stays, its wish is not rewritten). The other
takes the claim over once it is stale and finishes the wish, with one grab in all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from custom_components.mediahub.hub.wishes.book import WishRequest
from custom_components.mediahub.hub.wishes.model import Happened
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

from .conftest import Rig, RigFactory
from .test_wishes import MOVIES, publish, wish_grabs

CLAIM_TIMEOUT = 3.0  # seconds a dead process's watch claim holds the others back


class Killed(BaseException):
    """The process is gone: nothing after this point runs (no except clause catches it)."""


def dies_during_grabs(rig: Rig, *, after_add: bool) -> None:
    """From now on `rig`'s process dies in its next grab, before or after qBittorrent takes
    the torrent, and as a dead process it never releases its claim."""
    downloads, claims = rig.engine.downloads, rig.engine.watch._claims
    grab = downloads.grab

    async def dying_grab(*args: Any, **kwargs: Any) -> Any:
        if after_add:
            await grab(*args, **kwargs)
        raise Killed

    async def never_released(*_args: Any) -> None:
        return None

    downloads.grab = dying_grab  # type: ignore[method-assign]
    claims.release = never_released  # type: ignore[method-assign]


@pytest.mark.parametrize("after_add", [False, True], ids=["before-add", "after-add"])
async def test_one_process_killed_mid_grab_the_wish_is_grabbed_exactly_once(
    make_rig: RigFactory, qbittorrent5: QbtInstance, tmp_path: Path, after_add: bool
) -> None:
    def process(name: str) -> dict[str, Any]:
        return {
            "state_dir": str(tmp_path / name / "state"),
            "torrents_dir": str(tmp_path / name / "torrents"),
            "claim_timeout": CLAIM_TIMEOUT,
        }

    home_assistant = await make_rig(qbittorrent5, **process("ha"))
    sidecar = await make_rig(qbittorrent5, **process("sidecar"))
    for rig in (home_assistant, sidecar):
        await rig.poll()
    publish(home_assistant, "Glass.Orchard.2022.1080p.WEB-DL.x264-GRP", category=MOVIES, days_ago=3)
    made = await sidecar.engine.wishes.make(WishRequest("Glass Orchard"), "Ada")

    dies_during_grabs(home_assistant, after_add=after_add)
    with pytest.raises(Killed):
        await home_assistant.engine.watch.cycle()
    assert len(wish_grabs(sidecar)) == (1 if after_add else 0)
    # A better release meanwhile: a process that did not know of the dead one's grab would
    # grab this one too.
    publish(sidecar, "Glass.Orchard.2022.1080p.BluRay.x264-GRP", category=MOVIES, days_ago=1)
    expected = "BluRay" if not after_add else "WEB-DL"

    async def took_over() -> bool:
        await sidecar.poll()  # sees the dead process's claim, and from when
        return (await sidecar.engine.watch.cycle()).ran

    await until(took_over, "the sidecar took the stale watch claim over", timeout=120)
    assert list(wish_grabs(sidecar).values()) == [[(made.wish.id, "movie")]]
    assert (await sidecar.engine.watch.cycle()).grabbed == ()
    wish = await sidecar.engine.wishes.get(made.wish.id)
    grabbed = [h.release or "" for h in wish.history if h.what is Happened.GRABBED]
    assert len(grabbed) == 1
    assert expected in grabbed[0]
