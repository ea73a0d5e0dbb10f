"""The customer's cart."""
