"""Demo data of the one-stop services: the catalogue's topics, life events and service guides
(``catalogue/themes.json`` and one file per service in ``catalogue/services/``).

``POLICY_PAYMENT_SERVICE_CODE`` is the firm service that subsidy policies file into ("apply
once"); the demo policies name it as their ``service_code``.
"""

from portal.composition.catalogue import catalogue_load
from portal.composition.demo import DEMO_CATALOGUE

POLICY_PAYMENT_SERVICE_CODE = "jxj-hqzcdx"


def seed() -> int:
    """Demo data of this part (idempotent); returns how many services it holds."""
    report = catalogue_load(path=DEMO_CATALOGUE, kinds=["themes", "services"])
    return report.loaded.get("services", 0)
