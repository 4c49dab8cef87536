"""Concerns: checklists in progress or submitted, their history, and the sync protocol."""
