"""``python -m bench.synthetic``: seeded synthetic form responses as CSV.

The generator lives in :mod:`testing.synthetic`, shared with the tests; this keeps the bench's
command line where the README and docs/benchmarks.md point.
"""

from testing.synthetic import main

if __name__ == "__main__":
    raise SystemExit(main())
