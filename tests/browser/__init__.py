"""Browser tests: real servers driven by Debian's chromium."""
