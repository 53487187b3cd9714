"""The soak harness: both SDKs under faults, load, cancellation and malformed responses.

``python -m benchmarks.soak`` (or ``nox -s soak``) runs every section at full size and
prints one table; ``--quick`` runs the reduced sizes the test suite uses
(``tests/soak``). Everything runs on loopback or in process, seeded, bounded in time.
"""
