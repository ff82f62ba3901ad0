"""The worker process: the composition root for background work.

An RQ worker (with its scheduler) runs the jobs that send texts and place calls, erase
people and drain the spool; beside it, threads run the periodic tasks (the outbox
sweeper, answer windows, retention, survey nudges). Everything is wired here, as
create_app wires the web process.
"""
