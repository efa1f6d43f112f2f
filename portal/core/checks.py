from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def benchmark_switches_off(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """A production deployment never skips the ledger."""
    if settings.BENCHMARK_SKIP_LEDGER:
        return [
            Error(
                "BENCHMARK_SKIP_LEDGER is set: reads would not be written to the access ledger.",
                hint="Unset BENCHMARK_SKIP_LEDGER; it exists for benchmarks/exchange.py only.",
                id="portal.E001",
            )
        ]
    return []
