def seed() -> int:
    """Demo data of this part (idempotent); returns how many main objects it holds."""
    return 0
