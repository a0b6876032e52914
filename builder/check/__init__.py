"""Check: prove every link of the output, and list what is left to do."""
