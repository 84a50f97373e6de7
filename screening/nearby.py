"""How far each trial's sites are from where the patient lives ("trials near me").

Distances never change a verdict: they order trials within each verdict (nearest first, trials
with no located site last, ties in the verdict's own order) and are shown beside them. The
patient's town is located with the offline gazetteer (`trials.gazetteer`); nothing here stores
or logs it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple, TypeVar

from babel import Locale, UnknownLocaleError

from trials import gazetteer
from trials.models import Site

Point = tuple[float, float]
T = TypeVar("T")

VERDICT_RANK = {"eligible": 0, "needs_info": 1, "ineligible": 2}
NEAR_EXAMPLE = '{"town": "Marseille", "country": "FR"} or {"lat": 43.30, "lon": 5.37}'


class SiteDistance(NamedTuple):  # a tuple: 10 000 of them are built per screening at scale
    site_id: int
    name: str
    city: str
    country: str
    # Whole kilometres along the great circle; None for a site that cannot be located.
    distance_km: int | None

    def as_json(self) -> dict:
        return {"name": self.name, "city": self.city, "distance_km": self.distance_km}

    @property
    def where(self) -> str:
        """ "Rennes University Hospital, Rennes"; not "University Hospital, Rouen, Rouen"."""
        if not self.city or self.name.casefold().endswith(f", {self.city.casefold()}"):
            return self.name
        return f"{self.name}, {self.city}"


def resolve(place: dict | None) -> gazetteer.Place | None:
    """A kept place (`{"town": label, "country": code}`) located again; None when it is
    missing or no longer found (the gazetteer was rebuilt from other data)."""
    if not place or not place.get("town"):
        return None
    try:
        return gazetteer.default().locate(place["town"], place.get("country") or "FR")
    except gazetteer.UnknownCountry:
        return None


@lru_cache(maxsize=8)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in `language`) of every country of the gazetteer, alphabetical."""
    try:
        names = Locale.parse(language).territories
    except (ValueError, UnknownLocaleError):
        names = {}
    countries = [(code, names.get(code, name)) for code, name in gazetteer.default().countries()]
    return tuple(sorted(countries, key=lambda c: gazetteer.normalize(c[1])))


def _distance(origin: Point, latitude: float, longitude: float) -> int:
    return round(gazetteer.distance_km(origin, (latitude, longitude)))


def nearest_sites(origin: Point, trial_ids: Iterable[str] | None = None) -> dict[str, SiteDistance]:
    """Each trial's nearest located site (trials without one are absent)."""
    wanted = None if trial_ids is None else set(trial_ids)
    # Sites located from their town share its point: each distinct point is measured once.
    kilometres: dict[Point, int] = {}
    best: dict[str, tuple[int, tuple]] = {}
    for site in _located_sites():
        trial_id, point = site[0], site[5]
        if wanted is not None and trial_id not in wanted:
            continue
        km = kilometres.get(point)
        if km is None:
            km = kilometres[point] = _distance(origin, *point)
        found = best.get(trial_id)
        if found is None or km < found[0]:
            best[trial_id] = (km, site)
    return {trial_id: SiteDistance(s[1], s[2], s[3], s[4], km) for trial_id, (km, s) in best.items()}


_lock = threading.Lock()
_cached: tuple[tuple, list[tuple]] = ((), [])


def _located_sites() -> list[tuple]:
    """(trial id, pk, facility, city, country, (latitude, longitude)) of every located site, in
    site order, read again only when their fingerprint changes: at 10 000 trials reading them
    costs more than measuring every distance."""
    global _cached
    fingerprint = Site.objects.located().fingerprint()
    if _cached[0] != fingerprint:
        with _lock:
            if _cached[0] != fingerprint:
                columns = ("trial__trial_id", "pk", "facility", "city", "country", "latitude", "longitude")
                rows = Site.objects.located().order_by("trial_id", "position", "pk").values_list(*columns)
                sites = [(*row[:5], (row[5], row[6])) for row in rows.iterator(chunk_size=5000)]
                _cached = (fingerprint, sites)
    return _cached[1]


def trial_sites(trial_id: str, origin: Point | None) -> list[SiteDistance]:
    """Every site of one trial, nearest first when the patient's town is known (sites that
    cannot be located last, without a distance)."""
    sites = [
        SiteDistance(
            s.pk,
            s.facility,
            s.city,
            s.country,
            _distance(origin, s.latitude, s.longitude) if origin and s.is_located else None,
        )
        for s in Site.objects.filter(trial__trial_id=trial_id)
    ]
    if origin is not None:
        sites.sort(key=lambda s: math.inf if s.distance_km is None else s.distance_km)
    return sites


def nearest_first(
    items: list[T],
    nearest: dict[str, SiteDistance],
    *,
    trial_id: Callable[[T], str],
    verdict: Callable[[T], str],
) -> list[T]:
    """`items` (already in verdict order) with each verdict's trials nearest first; a stable
    sort, so equal distances keep the verdict's own order (fewest missing concepts first)."""

    def key(item: T) -> tuple[int, float]:
        site = nearest.get(trial_id(item))
        distance = math.inf if site is None else site.distance_km
        return (VERDICT_RANK.get(verdict(item), len(VERDICT_RANK)), distance)

    return sorted(items, key=key)


def point_from_json(raw: object) -> Point:
    """The API's `near`: a town (with its country, France by default) or a latitude and
    longitude. ValueError says what is wrong, with close spellings for a town not found."""
    if not isinstance(raw, dict):
        raise ValueError(f"near must be an object: {NEAR_EXAMPLE}")
    keys = set(raw)
    if keys == {"lat", "lon"}:
        point = []
        for name, bound in (("lat", 90), ("lon", 180)):
            value = raw[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"near.{name} must be a number from -{bound} to {bound}")
            if not -bound <= value <= bound:
                raise ValueError(f"near.{name} must be a number from -{bound} to {bound}")
            point.append(float(value))
        return (point[0], point[1])
    if "town" not in keys or not keys <= {"town", "country"}:
        raise ValueError(f"near must be {NEAR_EXAMPLE}")
    town, country = raw["town"], raw.get("country") or "FR"
    if not isinstance(town, str) or not town.strip():
        raise ValueError("near.town must be the name of a town, e.g. Marseille")
    if len(town) > gazetteer.MAX_TOWN_LENGTH:
        raise ValueError(f"near.town must be at most {gazetteer.MAX_TOWN_LENGTH} characters")
    if not isinstance(country, str):
        raise ValueError("near.country must be an ISO 3166 country code, e.g. FR")
    try:
        return gazetteer.default().require(town, country).point
    except gazetteer.UnknownCountry:
        raise ValueError(f'near.country "{country}" is not a country: use an ISO code, e.g. FR') from None
    except gazetteer.TownNotFound as missing:
        raise ValueError(town_not_found(missing)) from None


def town_not_found(missing: gazetteer.TownNotFound) -> str:
    """The API's words (English, like its other errors) for a town that cannot be found:
    'no town called "Marseile" in FR; did you mean "Marseille"?'."""
    message = f'no town called "{missing.town.strip()}" in {missing.country}'
    if missing.suggestions:
        quoted = [f'"{s}"' for s in missing.suggestions]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        message += f"; did you mean {listed}?"
    return message
