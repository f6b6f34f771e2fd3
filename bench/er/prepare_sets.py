#!/usr/bin/env python3
"""Writes the benchmark sets as the CSV `interdict resolve` reads (and Splink is
given), with a truth file beside each: DIR/<set>.csv and DIR/<set>.truth.csv.

usage: prepare_sets.py DATA_DIR OUT_DIR

DATA_DIR is shared/data/er (see its MANIFEST.md). The parquet file is converted
with duckdb; nothing is written to the repository.
"""

import csv
import os
import subprocess
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def fake_1000(data, out):
    rows, truth = [], []
    with open(os.path.join(data, "splink/fake_1000.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append([r["unique_id"], r["first_name"], r["surname"], r["dob"], r["city"], r["email"]])
            truth.append([r["unique_id"], r["cluster"]])
    write(os.path.join(out, "fake_1000.csv"), ["id", "first_name", "surname", "dob", "city", "email"], rows)
    write(os.path.join(out, "fake_1000.truth.csv"), ["id", "cluster"], truth)


def historical(data, out):
    con = duckdb.connect()
    src = os.path.join(data, "splink/historical_figures_with_errors_50k.parquet")
    cols = "unique_id, first_name, surname, dob, birth_place, postcode_fake, gender, occupation, cluster"
    result = con.execute(f"select {cols} from read_parquet('{src}') order by unique_id").fetchall()
    clean = lambda v: "" if v is None else str(v)
    rows = [[clean(v) for v in r[:8]] for r in result]
    truth = [[r[0], r[8]] for r in result]
    header = ["id", "first_name", "surname", "dob", "birth_place", "postcode_fake", "gender", "occupation"]
    write(os.path.join(out, "historical_50k.csv"), header, rows)
    write(os.path.join(out, "historical_50k.truth.csv"), ["id", "cluster"], truth)


def senzing(data, out):
    truth = {}
    with open(os.path.join(data, "senzing/actual_truthset_key.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            truth[f"{r['DATA_SOURCE']}-{r['RECORD_ID']}"] = r["CLUSTER_ID"]
    header = ["id", "kind", "name", "first_name", "surname", "dob", "nationality", "passport", "phone",
              "email", "address", "national_id", "ssn", "drivers_license", "gender"]
    rows = []
    for source in ["customers", "reference", "watchlist"]:
        with open(os.path.join(data, f"senzing/{source}.csv"), encoding="utf-8") as f:
            for r in csv.DictReader(f):
                g = lambda k: (r.get(k) or "").strip()
                rid = f"{g('DATA_SOURCE')}-{g('RECORD_ID')}"
                if rid not in truth:
                    continue
                kind = "organisation" if g("RECORD_TYPE") == "ORGANIZATION" else "person"
                name = g("PRIMARY_NAME_FULL") or g("PRIMARY_NAME_ORG") or g("NATIVE_NAME_FULL")
                first = " ".join(x for x in [g("PRIMARY_NAME_FIRST"), g("PRIMARY_NAME_MIDDLE")] if x)
                address = g("ADDR_FULL") or ", ".join(
                    x for x in [g("ADDR_LINE1"), g("ADDR_CITY"), g("ADDR_STATE"), g("ADDR_POSTAL_CODE"), g("ADDR_COUNTRY")] if x)
                national = g("NATIONAL_ID_NUMBER") or g("TAX_ID_NUMBER")
                rows.append([rid, kind, name, first, g("PRIMARY_NAME_LAST"), g("DATE_OF_BIRTH"),
                             g("PASSPORT_COUNTRY"), g("PASSPORT_NUMBER"), g("PHONE_NUMBER"), g("EMAIL_ADDRESS"),
                             address, national, g("SSN_NUMBER"), g("DRIVERS_LICENSE_NUMBER"), g("GENDER")])
    write(os.path.join(out, "senzing.csv"), header, rows)
    write(os.path.join(out, "senzing.truth.csv"), ["id", "cluster"], [[r[0], truth[r[0]]] for r in rows])


def multiscript(out, entities=3000):
    subprocess.run([sys.executable, os.path.join(HERE, "gen_multiscript.py"), "--entities", str(entities),
                    os.path.join(out, "multiscript.csv"), os.path.join(out, "multiscript.truth.csv")], check=True)


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    fake_1000(data, out)
    historical(data, out)
    senzing(data, out)
    multiscript(out)


if __name__ == "__main__":
    main()
