"""Casework forms, one module per area (cases, resident, rates, visits, whistles)."""
