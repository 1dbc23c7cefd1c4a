"""Load benchmarks of schoolgql against a hand-written floor; see README.md."""
