"""The pure policy engine: rules, matching, search terms and profile arithmetic.

Plain Python, no Django (an import-linter contract and ``tests/policies/test_engine_purity.py``
keep it so): ``rules`` (the eligibility language, three-valued), ``matching`` (a policy
compiled for many firms, benefit estimates), ``search`` (index and query terms), ``profile``
(dataset answers turned into figures) and ``codes`` (the industry classification).
The models, services and selectors around it read and write; the engine only decides.
"""
