"""Shared vocabulary at the bottom of every import: findings, rules, settings, options."""
