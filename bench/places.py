"""How well the offline locator places what residents type: the labelled corpus, per category.

    python -m bench.places            # the table
    python -m bench.places --misses   # and every answer not judged right

Prints, per category of answer (neighbourhood names, typos, sides, venues, virtual…),
how many the locator placed right, placed wrong (the figure that must stay 0),
rejected though a Chicagoan would place them, and rejected for another reason than
the label's. Exits 1 when anything is placed wrong. Figures go in docs/locations.md.
"""

from __future__ import annotations

import argparse
import os
import time

from sync.config import load_config
from sync.locate.gazetteer import Gazetteer
from testing.place_corpus import OUTCOMES, load_corpus, score, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every answer not judged right")
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.from_config(load_config(os.environ.get("HEALING_MAP_CONFIG", "config/healing-map.toml")))
    cases = load_corpus()
    started = time.perf_counter()
    scored = score(gazetteer.locate, cases)
    seconds = time.perf_counter() - started
    counts = table(scored)
    print(f"{'category':18}" + "".join(f"{o:>14}" for o in OUTCOMES) + f"{'total':>8}")
    for category in sorted(counts, key=lambda c: (c == "all", c)):
        row = counts[category]
        print(f"{category:18}" + "".join(f"{row[o]:>14}" for o in OUTCOMES) + f"{sum(row.values()):>8}")
    right = counts["all"]["right"]
    print(f"\n{right} of {len(cases)} right ({right / len(cases):.1%}), {counts['all']['wrong_place']} wrong places; "
          f"{len(cases) / seconds:,.0f} answers/s")
    if args.misses:
        for s in scored:
            if s.outcome != "right":
                print(f"  {s.outcome:13} {s.case.category:15} {s.case.text!r} zip={s.case.zip!r}: "
                      f"expected {s.case.expected}, got {s.got}")
    return 1 if counts["all"]["wrong_place"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
