"""User files in: the upload gate, schema detection and mapping, saved imports; ``worker/`` is the
sandboxed parser process.
"""
