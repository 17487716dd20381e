"""Exporters of the councils module."""
