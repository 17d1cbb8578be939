"""Write an organizations CSV for the import benchmark: python bench/make_import_csv.py OUT ROWS"""

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTAL = ROOT / "smartregion" / "maps" / "data" / "postal_codes_nrw.csv"
TOPICS = ["ki", "cybersicherheit", "e-government", "breitband", "smart-energy", "iot"]


def main(out: str, rows: int) -> None:
    rng = random.Random(3)
    with POSTAL.open(encoding="utf-8") as fh:
        places = list(csv.DictReader(fh))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "kind", "short_description", "website", "postal_code", "city",
                         "topics"])  # fmt: skip
        for i in range(rows):
            place = rng.choice(places)
            writer.writerow([
                f"Importfirma {i} {place['place']} GmbH",
                "company",
                "Testdaten für den Import-Benchmark.",
                f"https://importfirma-{i}.example.org",
                place["postal_code"],
                place["place"],
                ";".join(rng.sample(TOPICS, 2)),
            ])  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
