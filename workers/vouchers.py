"""Voucher jobs: serving a pool's waiting list. Jobs carry the pool id, never a code."""
from __future__ import annotations

from service import vouchers
from workers import context


def fill_waiting(pool_id: int) -> int:
    """RQ job: give free codes to the people waiting for this pool, in order."""
    return vouchers.fill_pool(context.runtime(), pool_id)
