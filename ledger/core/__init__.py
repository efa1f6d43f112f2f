"""Pure-Python core of the verifiable access ledger (standard library and ``cryptography`` only).

Modules: ``encoding`` (RFC 8785), ``merkle`` and ``proofs`` (RFC 6962 / RFC 9162), ``signing``
and ``notes`` (C2SP signed-note), ``checkpoint`` (C2SP tlog-checkpoint, tlog-cosignature),
``entry`` (ledger entry v1), ``bundle`` and ``verify`` (offline export verification),
``tiles``, ``tile_files`` and ``tile_verify`` (C2SP tlog-tiles, and verification from tiles); for
version 2: ``vrf`` (RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI and named VRF keys), ``label``,
``commitment`` and ``entry_v2``; for completeness: ``prefix_tree`` (the label index, a Merkle
prefix tree after draft-ietf-keytrans-protocol). Nothing here imports Django.
"""
