"""The demo data: thirty-odd policies that match the four demo firms in different ways."""

from policies import selectors
from policies.constants import MatchOutcome, NoticeKind, PolicyStatus
from policies.models import BenefitAward, FirmProfile, Policy, PolicyMatch, PolicyNotice
from portal.composition.demo import policies as demo


def test_seed_is_idempotent_and_matches_firms_differently(city):
    """Seeding twice gives the same policies; every firm has eligible policies, and the
    firms' lists differ; near misses and unknowns exist."""
    assert demo.seed() >= 30
    count = Policy.objects.count()
    assert demo.seed() == count
    assert Policy.objects.filter(status=PolicyStatus.PUBLISHED).count() >= 30
    eligible = {}
    for firm in city.firms:
        profile = FirmProfile.objects.get(firm=firm)
        matches = selectors.firm_matches(profile=profile)
        eligible[firm.pk] = {m.policy.document_number for m in matches.eligible}
        assert eligible[firm.pk], firm.name
    assert len({frozenset(v) for v in eligible.values()}) == 4
    assert PolicyMatch.objects.filter(outcome=MatchOutcome.NEAR_MISS).exists()
    assert PolicyMatch.objects.filter(outcome=MatchOutcome.UNKNOWN).exists()
    assert PolicyNotice.objects.filter(kind=NoticeKind.ELIGIBLE).exists()
    assert BenefitAward.objects.count() >= 1
