"""AppTest tests: every page in every mode and language."""
