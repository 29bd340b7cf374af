"""Output: black over the generated files (`format`), the atomic writer and `--check`
(`write`), and the build fingerprint kept beside an SDK (`fingerprint`)."""
