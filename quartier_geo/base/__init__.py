"""Foundations used everywhere: the column glossary, CRS rules, named errors, i18n, number
formatting, modes, escaping, atomic writes, settings. Imports nothing else of the package.
"""
