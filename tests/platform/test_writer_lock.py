"""SQLite's single writer: processes and threads queue on our lock, never in SQLite's busy loop."""
from __future__ import annotations

import multiprocessing
import threading
import time
import warnings

from sqlalchemy import text

from brewline.platform.database import Store, writer_lock

HOLD = 0.05


def hold_the_writer(url: str, log, rounds: int) -> None:
    """Take the writer lock `rounds` times and note when each turn began and ended."""
    store = Store(url)
    for _ in range(rounds):
        with store.transaction() as session:
            session.execute(text("SELECT 1"))
            began = time.monotonic()
            time.sleep(HOLD)
            log.put((began, time.monotonic()))
    store.dispose()


def turns(log, count: int) -> list[tuple[float, float]]:
    return sorted(log.get(timeout=30) for _ in range(count))


def test_two_processes_take_turns_as_writers_without_overlapping(tmp_path):
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    context = multiprocessing.get_context("spawn")
    log = context.Queue()
    workers = [context.Process(target=hold_the_writer, args=(url, log, 4)) for _ in range(2)]
    for worker in workers:
        worker.start()
    held = turns(log, 8)
    for worker in workers:
        worker.join(timeout=30)

    assert all(worker.exitcode == 0 for worker in workers)
    assert all(ended <= next_began for (_, ended), (next_began, _) in zip(held, held[1:]))


def test_threads_of_one_process_take_turns_too(tmp_path):
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    import queue

    log: queue.Queue = queue.Queue()
    threads = [threading.Thread(target=hold_the_writer, args=(url, log, 3)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    held = turns(log, 9)

    assert all(ended <= next_began for (_, ended), (next_began, _) in zip(held, held[1:]))


def test_a_second_store_on_the_same_file_shares_the_lock_and_can_nest(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested.db'}"
    first, second = Store(url), Store(url)
    try:
        assert writer_lock(first.engine) is writer_lock(second.engine)
        lock = writer_lock(first.engine)
        with lock:
            with lock:  # re-entered by the same thread: no deadlock, still held after
                pass
            assert not _free_in_another_process(tmp_path / "nested.db-writer")
        assert _free_in_another_process(tmp_path / "nested.db-writer")
    finally:
        first.dispose()
        second.dispose()


def _free_in_another_process(path) -> bool:
    """Whether another process could take the flock on `path` right now."""
    import subprocess
    import sys

    probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n"
             "try:\n fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
             "except BlockingIOError:\n print('held')")
    return subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                          text=True, check=True).stdout.strip() == "free"


def test_a_forked_process_waits_for_its_parent_instead_of_sharing_its_turn(tmp_path):
    import os

    store = Store(f"sqlite:///{tmp_path / 'forked.db'}")
    lock = writer_lock(store.engine)
    reader, writer = os.pipe()
    with lock:
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() beside other threads; the child only does this.
            warnings.simplefilter("ignore", DeprecationWarning)
            child = os.fork()
        if child == 0:  # the child: take the writer lock, say when it got it
            with lock:
                os.write(writer, repr(time.monotonic()).encode())
            os._exit(0)
        time.sleep(0.2)
        released = time.monotonic()
    child_got = float(os.read(reader, 100).decode())
    os.waitpid(child, 0)
    store.dispose()

    assert child_got >= released


# With a time limit (as every Brewline process runs): the wait blocks in the kernel, which
# hands the turn over the moment it is free, and still gives up at the limit.

def test_a_bounded_writer_gives_up_at_its_limit_and_leaves_the_lock_usable(tmp_path):
    from pytest import raises
    from sqlalchemy.exc import OperationalError

    from brewline.platform.writer_lock import WriterLock

    path = tmp_path / "bounded.db-writer"
    holder, waiter = WriterLock(path), WriterLock(path)  # two descriptors: like two processes
    with holder.within(None):
        with raises(OperationalError, match="database is locked"):
            waiter.take(0.2)
    with waiter.within(1.0):
        pass
    with holder.within(1.0):  # the wait that gave up let the lock go again
        pass


def test_a_bounded_writer_gets_the_turn_when_the_holder_lets_go(tmp_path):
    from brewline.platform.writer_lock import WriterLock

    path = tmp_path / "handover.db-writer"
    holder, waiter = WriterLock(path), WriterLock(path)
    order: list[str] = []
    holder.take(None)

    def wait_for_it() -> None:
        with waiter.within(10.0):
            order.append("waiter in")

    thread = threading.Thread(target=wait_for_it)
    thread.start()
    time.sleep(0.1)
    order.append("holder out")
    holder.__exit__(None, None, None)
    thread.join(timeout=10)
    assert order == ["holder out", "waiter in"]
    with holder.within(1.0):  # and the waiter's descriptor let it go after its turn
        pass
