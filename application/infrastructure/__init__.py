"""The event store's infrastructure, behind the use cases in ``application/``.

persistence (the mapper and transcoder that turn events into stored bytes), recorders (the
SQLite and PostgreSQL recorders that write the ledger link, the access-log and the idempotency
rows in the events' transaction), events (the one raw reader of the events table, for reads of
many aggregates at once), ledger/ (the hash chain: links, verification, checkpoints; it
imports nothing outside itself), ledger_positions (the klagesak's chain positions and link
inputs, read through events), writer_lock (the writer lock several SQLite processes share),
event_buffer (decoded events kept between commands), settings (environment → store
settings), files (file modes of the store's files).
"""
