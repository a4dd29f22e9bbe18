"""Verify an agency's audit chain (migration 0004 writes it as transactions commit): each
row's hash covers the previous row's hash and its own content, so an edited, deleted or
reordered row breaks the chain where it happened."""

import hashlib
from dataclasses import dataclass

from django.db import connection
from psycopg import sql

ROWS = sql.SQL("""
    SELECT id, seq, prev_hash, hash, public.harmony_audit_canonical(id, occurred_at, actor_id,
           actor_label, action, target_type, target_id, target_label, changes, ip_address,
           request_id)
    FROM {}.audit_auditevent WHERE seq IS NOT NULL ORDER BY seq""")
UNSEALED = sql.SQL("SELECT count(*) FROM {}.audit_auditevent WHERE seq IS NULL")


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int
    head_hash: str
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def chain_verify(schema: str) -> ChainReport:
    """Walk the schema's chain in commit order and say where it breaks, in Korean."""
    problems: list[str] = []
    expected_seq, expected_prev, count = 1, "", 0
    with connection.cursor() as cursor:
        cursor.execute(ROWS.format(sql.Identifier(schema)))
        for row_id, seq, prev_hash, stored, content in cursor:
            count += 1
            if seq != expected_seq:
                problems.append(f"순번 {expected_seq}~{seq - 1}의 기록이 없습니다 (삭제됨).")
            if prev_hash != expected_prev:
                problems.append(f"순번 {seq}(ID {row_id})의 앞 기록 해시가 맞지 않습니다 "
                                "(순서 변경 또는 삭제).")
            if _hash(prev_hash, content) != stored:
                problems.append(f"순번 {seq}(ID {row_id})의 내용이 기록 후 바뀌었습니다.")
            expected_seq, expected_prev = seq + 1, stored
        cursor.execute(UNSEALED.format(sql.Identifier(schema)))
        unsealed = cursor.fetchone()[0]
    if unsealed:
        problems.append(f"사슬에 묶이지 않은 기록이 {unsealed}건 있습니다.")
    return ChainReport(rows=count, head_seq=expected_seq - 1, head_hash=expected_prev,
                       problems=problems)


def _hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()
