"""Money: accounts, the ledger, the payment provider's webhook."""
