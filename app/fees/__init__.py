"""fees: payments, installments, reversals, refunds and receipts (SPEC §7)."""
