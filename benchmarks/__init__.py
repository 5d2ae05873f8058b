"""`make bench`: province-scale benchmarks against the floor of each step (issue 7). See benchmarks/README.md."""
