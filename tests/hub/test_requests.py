"""Requests on the real stack: a wish of someone who does not administer MediaHub waits for an
administrator, within a weekly quota, unless a rule approves it; whoever else asks for the same
thing joins it (issue "requests", docs/wishes.md)."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.mediahub.hub.errors import InvalidInputError
from custom_components.mediahub.hub.events import RequestDecided, WishMade
from custom_components.mediahub.hub.wishes.book import Asker, WishRequest
from custom_components.mediahub.hub.wishes.model import Happened, WishKind, WishState
from custom_components.mediahub.hub.wishes.rules import (
    FILTER_TYPE,
    AutoApprove,
    RequestRules,
)
from tests.support.qbittorrent import QbtInstance

from .conftest import Rig, RigFactory
from .test_wishes import MOVIES, publish, wish_grabs

ADMIN = Asker("Ada", "id-ada", admin=True)
OTHER_ADMIN = Asker("Max", "id-max", admin=True)
CHILD = Asker("Mia", "id-mia", admin=False)
GUEST = Asker("Sam", "id-sam", admin=False)


def want(title: str, year: int) -> WishRequest:
    return WishRequest(title, WishKind.WANT, "movies", year)


@pytest.fixture
async def rig(make_rig: RigFactory, qbittorrent5: QbtInstance) -> Rig:
    made = await make_rig(qbittorrent5)
    await made.poll()
    return made


async def test_a_request_waits_for_an_administrator_then_is_grabbed(rig: Rig) -> None:
    publish(rig, "Paper.Moons.2019.1080p.WEB-DL.x264-GRP", category=MOVIES, days_ago=3)
    book = rig.engine.wishes
    made = await book.make(want("Paper Moons", 2019), CHILD)
    request = made.wish
    assert (request.state, request.asked_by, request.asked_by_id) == (
        WishState.WAITING, "Mia", "id-mia"
    )  # fmt: skip
    report = await rig.engine.watch.cycle()
    assert report.ran and report.grabbed == ()  # a waiting request is not watched
    assert wish_grabs(rig) == {}

    with pytest.raises(InvalidInputError) as refused:
        await book.approve(request, GUEST)
    assert refused.value.code == "not_an_administrator"
    with pytest.raises(InvalidInputError) as own:
        await book.approve(request, Asker("Mia", "id-mia", admin=True))  # made admin since
    assert own.value.code == "own_request"
    assert (await book.get(request.id)).state is WishState.WAITING  # nothing changed

    approved = await book.approve(await book.find("paper moons", waiting=True), ADMIN)
    assert approved.state is WishState.WANTED
    assert [(h.what, h.by) for h in approved.history][-1] == (Happened.APPROVED, "Ada")
    assert [(e.wish.id, e.approved, e.by) for e in rig.of_type(RequestDecided)] == [
        (request.id, True, "Ada")
    ]
    report = await rig.engine.watch.cycle()
    assert report.grabbed == ("Paper.Moons.2019.1080p.WEB-DL.x264-GRP",)
    assert list(wish_grabs(rig).values()) == [[(request.id, "movie")]]
    with pytest.raises(InvalidInputError) as again:
        await book.approve(await book.get(request.id), OTHER_ADMIN)
    assert again.value.code == "not_waiting"


async def test_a_declined_request_says_why_and_is_never_watched(rig: Rig) -> None:
    publish(rig, "Glass.Harbour.2020.1080p.WEB-DL.x264-GRP", category=MOVIES, days_ago=3)
    book = rig.engine.wishes
    request = (await book.make(want("Glass Harbour", 2020), CHILD)).wish
    declined = await book.decline(request, ADMIN, "too scary for now")
    assert declined.state is WishState.DECLINED
    last = declined.history[-1]
    assert (last.what, last.by, last.reason) == (Happened.DECLINED, "Ada", "too scary for now")
    decided = rig.of_type(RequestDecided)
    assert [(e.approved, e.reason) for e in decided] == [(False, "too scary for now")]
    assert (await rig.engine.watch.cycle()).grabbed == ()
    stored = await book.get(request.id)  # as another process reads it from Prowlarr
    assert (stored.state, stored.history[-1].by) == (WishState.DECLINED, "Ada")
    # Declined is over: a new request for it is a new one, to decide again.
    again = await book.make(want("Glass Harbour", 2020), CHILD)
    assert not again.joined and again.wish.state is WishState.WAITING


async def test_the_weekly_quota_is_per_person_and_settable(rig: Rig) -> None:
    book = rig.engine.wishes
    for n in range(5):
        made = await book.make(want(f"Quiet Film {n}", 2030 + n), CHILD)
        assert made.wish.state is WishState.WAITING
    stored = len(rig.prowlarr.custom_filters)
    with pytest.raises(InvalidInputError) as over:
        await book.make(want("Quiet Film 9", 2039), CHILD)
    assert (over.value.code, over.value.values) == ("request_quota", {"who": "Mia", "limit": "5"})
    assert len(rig.prowlarr.custom_filters) == stored  # nothing kept
    # Someone else's quota is their own; an administrator has none.
    assert (await book.make(want("Quiet Film 9", 2039), GUEST)).wish.state is WishState.WAITING
    for n in range(6):
        await book.make(want(f"Loud Film {n}", 2030 + n), ADMIN)
    # A request withdrawn or declined no longer counts.
    first = await book.find("Quiet Film 0", waiting=True)
    await book.end(first, "Mia")
    assert (await book.make(want("Quiet Film 8", 2038), CHILD)).wish.state is WishState.WAITING

    await book.rules.save(RequestRules(weekly_quota=1, quotas={"Mia": 7}))
    assert (await book.make(want("Quiet Film 7", 2037), CHILD)).wish.state is WishState.WAITING
    with pytest.raises(InvalidInputError) as guest:
        await book.make(want("Quiet Film 6", 2036), GUEST)
    assert guest.value.values["limit"] == "1"


async def test_auto_approve_rules_and_asking_for_what_is_wished_already(rig: Rig) -> None:
    book = rig.engine.wishes
    await book.rules.save(RequestRules(auto_approve=(AutoApprove(category="tv"),)))
    show = await book.make(WishRequest("Night Garden", WishKind.FOLLOW, "tv"), CHILD)
    assert show.wish.state is WishState.WANTED  # every person's shows are approved
    film = (await book.make(want("Slow River", 2022), CHILD)).wish
    assert film.state is WishState.WAITING

    # A second person asks for the same film: they join it, and are told too.
    joined = await book.make(want("Slow River", 2022), GUEST)
    assert joined.joined and joined.wish.id == film.id
    assert joined.wish.askers == ("Mia", "Sam")
    assert joined.wish.history[-1].what is Happened.JOINED
    assert (await book.make(want("slow river", 2022), GUEST)).wish.askers == ("Mia", "Sam")
    # An administrator wishing for a waiting request approves it.
    by_admin = await book.make(want("Slow River", 2022), ADMIN)
    assert by_admin.joined and by_admin.wish.state is WishState.WANTED
    assert by_admin.wish.askers == ("Mia", "Sam", "Ada")
    assert [e.joined for e in rig.of_type(WishMade)] == [False, False, True, True, True]
    assert len([w for w in await book.all() if w.title == "Slow River"]) == 1


async def test_the_rules_are_one_for_every_host_and_survive_prowlarr_away(
    make_rig: RigFactory, qbittorrent5: QbtInstance, tmp_path: Any
) -> None:
    first = await make_rig(qbittorrent5)
    second = await make_rig(qbittorrent5, state_dir=str(tmp_path / "b" / "state"))
    rules = RequestRules(
        weekly_quota=2, quotas={"id-sam": 0}, auto_approve=(AutoApprove("Mia", "movies"),)
    )
    await first.engine.wishes.rules.save(rules)
    assert await second.engine.wishes.rules.get() == rules
    kept = [f for f in first.prowlarr.custom_filters.values() if f["type"] == FILTER_TYPE]
    assert len(kept) == 1
    assert (await second.engine.wishes.make(want("Fast Cars", 2021), CHILD)).wish.state is (
        WishState.WANTED
    )
    with pytest.raises(InvalidInputError):
        await second.engine.wishes.make(want("Fast Cars 2", 2023), GUEST)  # quota 0
    first.prowlarr.available = False
    assert await first.engine.wishes.rules.get() == rules  # the last known
    first.prowlarr.available = True
    await second.engine.wishes.rules.save(RequestRules())
    assert await first.engine.wishes.rules.get() == RequestRules()
