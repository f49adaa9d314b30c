"""Time the CQC import on the real extracts and on a synthetic 50,000-line directory.

    .venv/bin/python benchmarks/cqc_import.py [--data /work/shared/data/cqc] [--lines 50000]

Each file is imported into a fresh SQLite database (or the one DATABASE_URL names, which is
flushed first), then imported again to show that a re-import changes nothing. The synthetic
file is the real care directory extract repeated with new location and provider IDs until it
has the requested lines; a second copy with bad lines shows how fast a refusal is.
Results go to benchmarks/results/cqc_import.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIRECTORY_HEADER = [
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
]


def synthetic_directory(source: Path, lines: int, bad_every: int = 0) -> bytes:
    """The real extract repeated with fresh IDs until ``lines`` data rows (a bad row every
    ``bad_every`` rows, when given: a row with a column missing)."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DIRECTORY_HEADER)
    for n in range(lines):
        row = list(rows[n % len(rows)])
        copy = n // len(rows)
        row[13] = f"1-{9_000_000_000 + n}"
        row[14] = f"{row[14]}{copy}" if copy else row[14]
        row[12] = f"https://www.cqc.org.uk/location/{row[13]}"
        if bad_every and n % bad_every == bad_every - 1:
            row = row[:-1]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", default=os.environ.get("ENGAGE_CQC_DATA_DIR", "/work/shared/data/cqc")
    )
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "cqc_import.json"))
    args = parser.parse_args()
    data = Path(args.data)

    workdir = Path(tempfile.mkdtemp(prefix="engage-cqc-bench-"))
    os.environ.setdefault("ENGAGE_VAR_DIR", str(workdir))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engage.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from engage.market.cqc_import import import_cqc_file

    directory = data / "care_directory_2016-02_first7000_noheader.csv"
    files: list[tuple[str, bytes]] = [
        (directory.name, directory.read_bytes()),
        (
            "hsca_active_locations_care_homes_2021_subset.csv",
            (data / "hsca_active_locations_care_homes_2021_subset.csv").read_bytes(),
        ),
        (f"synthetic_directory_{args.lines}.csv", synthetic_directory(directory, args.lines)),
    ]
    bad = synthetic_directory(directory, args.lines, bad_every=2_500)

    results: list[dict[str, Any]] = []
    for name, content in files:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        first = import_cqc_file(source=content, file_name=name)
        again = import_cqc_file(source=content, file_name=name)
        row = {
            "file": name,
            "lines": content.count(b"\n"),
            "first_import_seconds": round(first.seconds, 2),
            "created": first.record.created,
            "providers_created": first.record.providers_created,
            "skipped": sum(first.record.skipped.values()),
            "reimport_seconds": round(again.seconds, 2),
            "reimport_created": again.record.created,
            "reimport_updated": again.record.updated,
            "reimport_unchanged": again.record.unchanged,
        }
        results.append(row)
        print(json.dumps(row))
    refused = import_cqc_file(source=bad, file_name="synthetic-with-bad-lines.csv")
    bad_row = {
        "file": f"synthetic_directory_{args.lines}_with_bad_lines.csv",
        "lines": bad.count(b"\n"),
        "bad_lines_reported": len(refused.errors),
        "refused": refused.refused,
        "seconds": round(refused.seconds, 2),
    }
    results.append(bad_row)
    print(json.dumps(bad_row))

    from django.db import connection

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
