"""The parser side of the upload gate: runs only inside the sandboxed worker process."""
