"""Pure-Python core of the verifiable access ledger (standard library and ``cryptography`` only).

Modules: ``encoding`` (RFC 8785), ``merkle`` and ``proofs`` (RFC 6962 / RFC 9162), ``signing``
and ``notes`` (C2SP signed-note), ``checkpoint`` (C2SP tlog-checkpoint, tlog-cosignature),
``entry`` (ledger entry v1), ``bundle`` and ``verify`` (offline export verification).
Nothing here imports Django.
"""
