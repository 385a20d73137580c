"""``make bench``: run every benchmark script in bench/ and print its figures."""

import importlib
import sys

SCRIPTS = ["bench.places", "bench.pipeline", "bench.unchanged", "bench.map_page", "bench.geocoder", "bench.scale"]


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
            code = module.main([])
        except SystemExit as exc:
            code = exc.code
        if code not in (None, 0):  # a budget missed, or the script failed
            failed.append(name)
    if failed:
        print(f"== over budget or failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
