"""Senior pay (pay multiple, chief officers, pay bands, large packages) and pay by contract type
(part-time and temporary-contract gaps, benefits in kind): notebook 12."""

from research.seniorpay.contract import benefit_shares, contract_gaps, contract_mix
from research.seniorpay.measures import (
    ChiefOfficers,
    PayMultiple,
    chief_officers,
    earnings,
    pay_bands,
    pay_multiple,
)

__all__ = [
    "ChiefOfficers",
    "PayMultiple",
    "benefit_shares",
    "chief_officers",
    "contract_gaps",
    "contract_mix",
    "earnings",
    "pay_bands",
    "pay_multiple",
]
