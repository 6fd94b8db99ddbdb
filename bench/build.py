"""Build a benchmark province: ~2,500 units, N declarations, 0.8·N applicants, operators' accounts.

The schema comes from the migrations. Before loading, the secondary indexes (and on PostgreSQL
the foreign keys) of the bulk tables are dropped; rows go in with executemany in 50k batches
(SQLite) or COPY (PostgreSQL); then the keys and indexes are recreated: the indexes the models
declare as the models declare them (so an index proposed in a model is measured before its
migration exists; the log names any that differ from the migration), any other as migrated (read
back from the catalogue). Planner statistics are refreshed (ANALYZE / VACUUM ANALYZE).

Distributions (seeded, reproducible): five years, the current one 40% of declarations and spread
over every active state, past years mostly finished; series and levels weighted like a real
province (teachers and health most, full senior rare); employers' sizes log-normal, so a few big
hospitals and schools hold long inboxes; 10% initial-determination flow.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, inspect, select, text

from core.declaring.catalogue import SERIES, seed_catalogue
from db.migrate import upgrade_to_head
from db.models import Declaration, Person
from db.uow import UnitOfWork

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
YEARS = (2022, 2023, 2024, 2025, 2026)
YEAR_WEIGHTS = (0.12, 0.13, 0.15, 0.20, 0.40)
SERIES_WEIGHTS = {"education": 0.30, "health": 0.25, "engineering": 0.20, "economics": 0.10,
                  "agriculture": 0.08, "accounting": 0.07}
LEVEL_WEIGHTS = {"junior": 0.15, "intermediate": 0.45, "associate_senior": 0.32, "full_senior": 0.08}
CURRENT_REVIEW = {
    "draft": 0.12, "unit_verify": 0.12, "unit_publicity": 0.05, "unit_recommend": 0.05, "relay": 0.10,
    "material_receipt": 0.06, "policy_review": 0.10, "failed_publicity": 0.01, "supplement": 0.02,
    "supplement_verify": 0.01, "policy_recheck": 0.01, "candidate_publicity": 0.04, "panel_review": 0.08,
    "result_publicity": 0.03, "filing": 0.03, "approved": 0.06, "not_approved": 0.02, "returned": 0.03,
    "terminated": 0.01, "cancelled": 0.02,
}
PAST_REVIEW = {"approved": 0.62, "not_approved": 0.20, "returned": 0.06, "terminated": 0.04, "cancelled": 0.08}
CURRENT_INITIAL = {"draft": 0.15, "unit_verify": 0.20, "dept_review": 0.15, "hr_review": 0.15, "approved": 0.25,
                   "returned": 0.05, "cancelled": 0.05}
PAST_INITIAL = {"approved": 0.85, "returned": 0.05, "cancelled": 0.10}
VERSION = {"draft": 1, "unit_verify": 2, "unit_publicity": 3, "unit_recommend": 4, "relay": 6, "material_receipt": 8,
           "policy_review": 9, "failed_publicity": 10, "supplement": 11, "supplement_verify": 12,
           "policy_recheck": 13, "candidate_publicity": 10, "panel_review": 11, "result_publicity": 12,
           "filing": 13, "approved": 15, "not_approved": 12, "returned": 3, "terminated": 8, "cancelled": 2,
           "dept_review": 3, "hr_review": 4}
COMMITTEE_HELD = frozenset({"material_receipt", "policy_review", "failed_publicity", "policy_recheck",
                            "candidate_publicity", "panel_review", "result_publicity"})
UNIT_HELD = frozenset({"unit_verify", "unit_publicity", "unit_recommend", "supplement_verify"})
ROUTED = frozenset({"relay", "material_receipt", "policy_review", "failed_publicity", "supplement",
                    "supplement_verify", "policy_recheck", "candidate_publicity", "panel_review",
                    "result_publicity", "filing", "approved", "not_approved", "terminated",
                    "dept_review", "hr_review"})
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红海燕玲文辉鹏飞晓东宇浩然思雨欣怡子涵博文"
FAKE_HASH = "$2b$04$" + "x" * 53
BATCH = 50_000


@dataclass
class Org:
    units: list[tuple] = field(default_factory=list)  # (id, name, kind, region_level, parent_id, path)
    employers: list[int] = field(default_factory=list)
    kind: dict[int, str] = field(default_factory=dict)
    parent: dict[int, int | None] = field(default_factory=dict)
    organizers: dict[str, int] = field(default_factory=dict)  # series -> organizer unit
    province: int = 0

    def add(self, name: str, kind: str, parent: int | None, region_level: str | None = None) -> int:
        uid = len(self.units) + 1
        path = (self.units[parent - 1][5] if parent else "/") + f"{uid}/"
        self.units.append((uid, name, kind, region_level, parent, path))
        self.kind[uid], self.parent[uid] = kind, parent
        if kind == "employer":
            self.employers.append(uid)
        return uid

    def chain(self, uid: int) -> list[int]:
        """Ancestors, nearest first."""
        out, p = [], self.parent[uid]
        while p:
            out.append(p)
            p = self.parent[p]
        return out

    def relay_route(self, uid: int) -> list[int]:
        return [u for u in self.chain(uid) if self.kind[u] in ("department", "hr_bureau")]

    def initial_route(self, uid: int) -> list[int]:
        route: list[int] = []
        for u in self.chain(uid):
            if self.kind[u] == "department" and not route:
                route.append(u)
            if self.kind[u] == "hr_bureau":
                return route + [u]
        return route


def province(rng: np.random.Generator) -> Org:
    """One province: 12 cities of 9 counties, departments at every level, ~1,900 employers (~2,500 units)."""
    org = Org()
    prov = org.province = org.add("省人力资源和社会保障厅", "hr_bureau", None, "province")
    for code, zh, *_ in SERIES:
        org.organizers[code] = org.add(f"省{zh}系列高级评委会组建单位", "committee_organizer", prov)
    for i in range(25):
        dept = org.add(f"省直第{i + 1}厅局", "department", prov)
        for j in range(10):
            org.add(f"省直{i + 1}-{j + 1}号事业单位", "employer", dept)
    for c in range(12):
        city = org.add(f"第{c + 1}市人社局", "hr_bureau", prov, "city")
        for i in range(12):
            dept = org.add(f"{c + 1}市第{i + 1}局", "department", city)
            for j in range(6):
                org.add(f"{c + 1}市{i + 1}局所属{j + 1}号单位", "employer", dept)
        for k in range(9):
            county = org.add(f"{c + 1}市第{k + 1}县人社局", "hr_bureau", city, "county")
            org.add(f"{c + 1}市{k + 1}县直属企业", "employer", county)
            for i in range(3):
                dept = org.add(f"{c + 1}市{k + 1}县第{i + 1}局", "department", county)
                for j in range(2):
                    org.add(f"{c + 1}市{k + 1}县{i + 1}局所属{j + 1}号学校", "employer", dept)
    return org


def _choice(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _timestamps(micros: np.ndarray, backend: str) -> list[str]:
    """Epoch microseconds to the text each backend stores (SQLite: SQLAlchemy's format; PG: timestamptz)."""
    text_ = np.datetime_as_string(micros.astype("datetime64[us]"), unit="us")
    text_ = np.char.replace(text_, "T", " ")
    if backend == "postgresql":
        text_ = np.char.add(text_, "+00")
    return text_.tolist()


def _epoch_us(day: dt.datetime) -> int:
    return int(day.timestamp() * 1_000_000)


def generate(n: int, seed: int, backend: str, org: Org, committees: dict[tuple[str, int], int]):
    """Yield (persons, declarations) row tuples in batches, columns as in PERSON_COLS / DECL_COLS."""
    rng = np.random.default_rng(seed)
    employers = np.array(org.employers)
    size = rng.lognormal(0.0, 1.0, len(employers))
    n_persons = max(1, int(n * 0.8))
    person_unit = employers[rng.choice(len(employers), size=n_persons, p=size / size.sum())]
    routes = {u: org.relay_route(u) for u in org.employers}
    initial = {u: org.initial_route(u) for u in org.employers}
    specialties = {code: [s[0] for s in specs] for code, _zh, _en, _t, specs in SERIES}
    now_us = _epoch_us(NOW)

    # persons
    surname = rng.integers(0, len(SURNAMES), n_persons)
    g1, g2 = rng.integers(0, len(GIVEN), n_persons), rng.integers(0, len(GIVEN) + 8, n_persons)
    p_created = _timestamps(np.full(n_persons, _epoch_us(dt.datetime(2021, 6, 1, tzinfo=dt.timezone.utc))), backend)
    surname, g1, g2, units_of = surname.tolist(), g1.tolist(), g2.tolist(), person_unit.tolist()
    persons = [(i + 1, SURNAMES[surname[i]] + GIVEN[g1[i]] + (GIVEN[g2[i]] if g2[i] < len(GIVEN) else ""),
                f"52{i + 1:016d}", f"138{i:08d}"[-11:], units_of[i], p_created[i]) for i in range(n_persons)]

    # declarations: the first n_persons are one per person; the rest are earlier attempts, finished
    person = np.concatenate([np.arange(1, n_persons + 1), rng.integers(1, n_persons + 1, n - n_persons)])
    repeat = np.arange(n) >= n_persons
    year = np.array(YEARS)[rng.choice(len(YEARS), size=n, p=YEAR_WEIGHTS)]
    year[repeat] = np.array(YEARS[:-1])[rng.integers(0, len(YEARS) - 1, repeat.sum())]
    current = year == YEARS[-1]
    flow = np.where(rng.random(n) < 0.10, "initial_determination", "review").astype(object)
    state = np.empty(n, dtype=object)
    for is_current, f, dist in ((True, "review", CURRENT_REVIEW), (False, "review", PAST_REVIEW),
                                (True, "initial_determination", CURRENT_INITIAL),
                                (False, "initial_determination", PAST_INITIAL)):
        mask = (current == is_current) & (flow == f)
        state[mask] = _choice(rng, dist, int(mask.sum()))
    series = _choice(rng, SERIES_WEIGHTS, n)
    level = _choice(rng, LEVEL_WEIGHTS, n)
    spec_pick = rng.random(n)
    year_start = np.array([_epoch_us(dt.datetime(y, 1, 5, tzinfo=dt.timezone.utc)) for y in YEARS])
    year_end = np.array([min(now_us, _epoch_us(dt.datetime(y, 12, 20, tzinfo=dt.timezone.utc))) for y in YEARS])
    yi = year - YEARS[0]
    created = year_start[yi] + (rng.random(n) * (year_end[yi] - year_start[yi])).astype(np.int64)
    # Current-year declarations are still moving: state_since anywhere up to now; finished ones within ~200 days.
    horizon = np.where(current, now_us - created, np.minimum(now_us - created, 200 * 86_400 * 1_000_000))
    since = created + (rng.random(n) * horizon).astype(np.int64)
    since[state == "draft"] = created[state == "draft"]
    created_s, since_s = _timestamps(created, backend), _timestamps(since, backend)
    hop = rng.random(n).tolist()
    filing_at_region = (rng.random(n) < 0.5).tolist()
    person_unit, person, state, flow, series = (person_unit.tolist(), person.tolist(), state.tolist(),
                                                flow.tolist(), series.tolist())
    year, level, spec_pick = year.tolist(), level.tolist(), spec_pick.tolist()

    decls = []
    for i in range(n):
        pid = person[i]
        unit = person_unit[pid - 1]
        st, fl, ser, y = state[i], flow[i], series[i], year[i]
        route: list[int] = []
        holder = None
        if fl == "review":
            committee = committees[(ser, y)]
            if st in ROUTED:
                route = routes[unit]
            if st in UNIT_HELD:
                holder = unit
            elif st == "relay":
                holder = route[min(int(hop[i] * len(route)), len(route) - 1)]
            elif st in COMMITTEE_HELD:
                holder = org.organizers[ser]
            elif st == "filing":
                holder = org.province if filing_at_region[i] else org.organizers[ser]
        else:
            committee = None
            route = initial[unit] if st in ("dept_review", "hr_review", "approved") else []
            if st == "dept_review" and org.kind[route[0]] != "department":
                st = "hr_review"
            if st == "unit_verify":
                holder = unit
            elif st == "dept_review":
                holder = route[0]
            elif st == "hr_review":
                holder = route[-1]
        specs = specialties[ser]
        decls.append((i + 1, fl, pid, unit, y, level[i], ser, specs[int(spec_pick[i] * len(specs))], "regular",
                      "socialized" if fl == "review" else None, committee, st, holder,
                      "[" + ",".join(map(str, route)) + "]", st == "supplement_verify", VERSION[st],
                      created_s[i], since_s[i], None if st == "draft" else created_s[i]))
    return persons, decls


PERSON_COLS = ("id", "name", "id_number", "phone", "unit_id", "created_at")
DECL_COLS = ("id", "flow", "applicant_person_id", "unit_id", "year", "level_code", "series_code", "specialty_code",
             "method", "review_type", "committee_id", "state", "holder_unit_id", "relay_route", "is_supplement",
             "version", "created_at", "state_since", "submitted_at")
UNIT_COLS = ("id", "name", "kind", "region_level", "parent_id", "path", "status", "created_at")
BULK_TABLES = ("person", "declaration")


def _secondary_indexes(conn, backend: str, table: str) -> list[tuple[str, str]]:
    if backend == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL",
            (table,)).all()
    else:
        rows = conn.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :t AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"), {"t": table}).all()
    return [(r[0], r[1]) for r in rows]


def _foreign_keys(conn, table: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"), {"t": table}).all()]


def build(uow: UnitOfWork, n: int, *, seed: int = 20261123, log=print) -> dict:
    """Create the schema, load the province and N declarations; return timings and counts."""
    backend = uow.engine.dialect.name
    t_start = time.perf_counter()
    upgrade_to_head(uow.engine)
    with uow.write() as s:
        seed_catalogue(s)
        if s.scalar(select(func.count()).select_from(Declaration)):
            raise SystemExit("benchmark database is not empty")
    rng = np.random.default_rng(seed)
    org = province(rng)
    ts_unit = _timestamps(np.array([_epoch_us(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))]), backend)[0]
    unit_rows = [(*u, "active", ts_unit) for u in org.units]
    committees: dict[tuple[str, int], int] = {}
    committee_rows = []
    for code, zh, *_ in SERIES:
        for y in YEARS:
            cid = len(committee_rows) + 1
            committees[(code, y)] = cid
            committee_rows.append((cid, f"{y}年度{zh}系列高级评审委员会", org.organizers[code], org.province, code,
                                   '["junior","intermediate","associate_senior","full_senior"]', y, False,
                                   "approved", y == YEARS[-1], "[]", ts_unit))
    account_rows, grant_rows = [], []
    role_of = {"employer": "unit_operator", "department": "dept_operator", "hr_bureau": "hr_operator",
               "committee_organizer": "committee_operator"}
    for uid, _name, kind, *_ in org.units:
        aid = len(account_rows) + 1
        account_rows.append((aid, f"bench_op_{uid}", f"经办人{uid}", "personal", FAKE_HASH, False, True, False, 0,
                             ts_unit))
        grant_rows.append((aid, aid, role_of[kind], uid, "[]", "[]", True, ts_unit))
    t_gen = time.perf_counter()
    persons, decls = generate(n, seed, backend, org, committees)
    t_gen = time.perf_counter() - t_gen
    log(f"  generated {len(org.units):,} units, {len(persons):,} persons, {len(decls):,} declarations "
        f"in {t_gen:.1f}s")

    small = [("unit", UNIT_COLS, unit_rows),
             ("committee", ("id", "name", "organizer_unit_id", "region_unit_id", "series_code", "level_codes", "year",
                            "self_review", "authority_status", "open_for_declaration", "required_modules",
                            "created_at"), committee_rows),
             ("account", ("id", "login_name", "display_name", "kind", "password_hash", "must_change_password",
                          "enabled", "is_demo", "failed_attempts", "created_at"), account_rows),
             ("role_grant", ("id", "account_id", "role", "unit_id", "series_codes", "specialty_codes", "active",
                             "granted_at"), grant_rows)]
    t_load = time.perf_counter()
    with uow.engine.connect() as conn:
        if backend == "sqlite":  # outside any transaction, on the driver connection
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-262144"):
                conn.connection.driver_connection.execute(f"PRAGMA {pragma}")
        dropped: dict[str, list] = {}
        with conn.begin():
            if backend == "postgresql":
                conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
            migrated = {ix["name"]: list(ix["column_names"]) for table in BULK_TABLES
                        for ix in inspect(conn).get_indexes(table)}
            for table in BULK_TABLES:
                fks = _foreign_keys(conn, table) if backend == "postgresql" else []
                idx = _secondary_indexes(conn, backend, table)
                dropped[table] = [idx, fks]
                for name, _ in fks:
                    conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                for name, _ in idx:
                    conn.exec_driver_sql(f'DROP INDEX "{name}"')
            for table, cols, rows in small + [("person", PERSON_COLS, persons), ("declaration", DECL_COLS, decls)]:
                _load(conn, backend, table, cols, rows)
            t_load = time.perf_counter() - t_load
            log(f"  loaded rows in {t_load:.1f}s (secondary indexes and foreign keys dropped)")
            t_index = time.perf_counter()
            modelled = {str(ix.name): ix for model in (Person, Declaration) for ix in model.__table__.indexes}
            for table in BULK_TABLES:
                idx, fks = dropped[table]
                for name, ddl in idx:
                    if name not in modelled:  # an index only the migration has: as migrated
                        conn.exec_driver_sql(ddl)
                for name, ddl in fks:
                    conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')
            added = []
            for name, index in modelled.items():  # the models' indexes, as declared now
                index.create(conn)
                columns = [c.name for c in index.columns]
                if migrated.get(name) != columns:
                    added.append(f"{name} ({', '.join(columns)})")
            if backend == "postgresql":
                for table in ("unit", "committee", "account", "role_grant", "person", "declaration"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            t_index = time.perf_counter() - t_index
        log(f"  indexes and keys recreated in {t_index:.1f}s"
            + (f"; as the models declare them, unlike the migration: {'; '.join(added)}" if added else ""))
        t_an = time.perf_counter()
        if backend == "postgresql":
            conn.commit()
            raw = conn.connection.driver_connection
            raw.autocommit = True
            raw.execute("VACUUM ANALYZE")
            raw.autocommit = False
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        t_an = time.perf_counter() - t_an
        log(f"  {'VACUUM ANALYZE' if backend == 'postgresql' else 'ANALYZE'} in {t_an:.1f}s")
    uow.dispose()  # the load connection had bulk-load pragmas; start the benchmark on fresh ones
    return dict(units=len(org.units), employers=len(org.employers), persons=len(persons), declarations=len(decls),
                generate_s=t_gen, load_s=t_load, index_s=t_index, analyze_s=t_an,
                total_s=time.perf_counter() - t_start)


def _load(conn, backend: str, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    if backend == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for start in range(0, len(rows), BATCH):
        conn.exec_driver_sql(sql, rows[start:start + BATCH])
