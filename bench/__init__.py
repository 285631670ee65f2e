"""The benchmark (issue 14): `python -m bench.run`; bench/README.md."""
