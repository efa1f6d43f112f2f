"""A stdlib-only C2SP tlog-witness server and client (``python -m ledger.witness``)."""
