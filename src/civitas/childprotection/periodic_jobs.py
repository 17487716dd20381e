"""Periodic jobs of child protection."""
