"""The peer server apps the benchmarks compare livedash with.

Each runs as its own process (``python -m bench.apps.<name> --port N``), ticks a random
walk on one process-level timer and hands each row to every session with
``doc.add_next_tick_callback``, as livedash does. ``GET /bench/status`` answers the
tick count and the sessions subscribed (``?debug=1``: objects still alive).
"""
