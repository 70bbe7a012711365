"""Test fixtures (files) and the generator of the bad-upload corpus."""
