"""Editors' correction services. Each runs in one transaction and keeps every word and contribution."""
