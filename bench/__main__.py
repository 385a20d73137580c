"""``make bench``: run every benchmark script in bench/ and print its figures."""

import importlib
import sys

SCRIPTS = ["bench.pipeline", "bench.map_page", "bench.geocoder", "bench.scale"]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"== {name}", flush=True)
        try:
            module.main([])
        except SystemExit as exc:
            if exc.code not in (None, 0):
                failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
