"""The audit trail's append in hand-written SQL, for the benchmarks' raw sides (bench/run.py,
bench/panel_votes.py): claim the actor's chain head as ``core.audit.trail.append`` does, insert the
hashed event, advance the head. One place, so the raw yardsticks follow the trail when it changes."""
from __future__ import annotations

import json
from typing import Any

from core.audit.trail import GENESIS, chain_for, row_hash
from core.common.config import audit_chains

EVENT_COLUMNS = ("id", "at", "kind", "action", "outcome", "account_id", "role", "unit_id", "target", "declaration_id",
                 "from_state", "to_state", "from_holder_unit_id", "to_holder_unit_id", "version", "comment", "detail",
                 "prev_hash", "row_hash", "chain", "chain_seq")


class RawChain:
    """The statements of one append on one backend (``sqlite`` or ``postgresql``), run on a DBAPI cursor."""

    def __init__(self, backend: str):
        self.sqlite = backend == "sqlite"
        p = "?" if self.sqlite else "%s"
        next_id = "(SELECT COALESCE(MAX(id), 0) + 1 FROM audit_event)" if self.sqlite else "nextval('audit_event_id_seq')"
        self.sql_insert = (f"INSERT INTO audit_event ({', '.join(EVENT_COLUMNS)}) "
                           f"VALUES ({', '.join([p] * len(EVENT_COLUMNS))})")
        self.sql_head = (f"UPDATE audit_chain_head SET last_seq = last_seq + 1 WHERE chain = {p} "
                         f"RETURNING last_seq, last_hash, {next_id}")
        self.sql_head_new = (f"INSERT INTO audit_chain_head (chain, last_event_id, last_seq, last_hash) "
                             f"VALUES ({p}, 0, 0, {p}) ON CONFLICT (chain) DO NOTHING")
        self.sql_head_set = f"UPDATE audit_chain_head SET last_event_id = {p}, last_hash = {p} WHERE chain = {p}"

    def claim(self, cur: Any, account_id: int) -> tuple[int, int, str, int]:
        """(chain, position, previous hash, event id) of the actor's next event; its head row stays locked."""
        chain = chain_for(f"account:{account_id}", audit_chains())  # as core.audit.trail picks it
        cur.execute(self.sql_head, (chain,))
        claimed = cur.fetchone()
        if claimed is None:
            cur.execute(self.sql_head_new, (chain, GENESIS))
            cur.execute(self.sql_head, (chain,))
            claimed = cur.fetchone()
        seq, prev, event_id = claimed
        return chain, seq, prev, event_id

    def insert(self, cur: Any, values: dict, at: Any, prev: str, chain: int, seq: int) -> str:
        """Insert the event (``at`` as the backend binds it); returns its hash."""
        digest = row_hash(prev, values)
        cur.execute(self.sql_insert, (*[at if k == "at" else v for k, v in values.items() if k != "detail"],
                                      json.dumps(values["detail"]), prev, digest, chain, seq))
        return digest

    def advance(self, cur: Any, event_id: int, digest: str, chain: int) -> None:
        cur.execute(self.sql_head_set, (event_id, digest, chain))
