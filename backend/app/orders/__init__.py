"""Checkout, orders and their status machine."""
