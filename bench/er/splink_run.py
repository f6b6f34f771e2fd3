#!/usr/bin/env python3
"""Runs Splink (DuckDB backend) on one benchmark set and writes id,cluster.

usage: splink_run.py SET IN.csv OUT.csv [--threshold P]

The settings follow Splink's documentation for deduplication: comparisons from
its comparison library suited to each column (ForenameSurnameComparison or
NameComparison for names, DateOfBirthComparison for ISO dates, EmailComparison,
PostcodeComparison, exact matches with term-frequency adjustment for other
columns), blocking rules on combinations of names and dates and on identifiers,
λ from deterministic rules, u by random sampling, m by expectation maximisation
on two blocking rules, then clustering at a match probability (default 0.95,
the value used in Splink's tutorials; 0.5 is also reported). No tuning to the
data beyond choosing the comparison for each column.
"""

import argparse
import logging

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def read(path):
    con = duckdb.connect()
    df = con.execute(f"select * from read_csv('{path}', all_varchar=true, header=true)").df()
    for c in df.columns:
        df[c] = df[c].where(df[c].notna() & (df[c].astype(str).str.strip() != ""), None)
    df = df.rename(columns={"id": "unique_id"})
    return df


def settings_for(name, df):
    if name in ("historical_50k", "fake_1000"):
        df["first_name_surname_concat"] = (df["first_name"].fillna("") + " " + df["surname"].fillna("")).str.strip()
        comparisons = [
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="first_name_surname_concat"
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
        ]
        blocking = [
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
        ]
        if name == "historical_50k":
            comparisons += [
                cl.PostcodeComparison("postcode_fake"),
                cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
                cl.ExactMatch("gender"),
                cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
            ]
            blocking += [block_on("postcode_fake", "first_name"), block_on("postcode_fake", "surname")]
            deterministic = [block_on("first_name", "surname", "dob"), block_on("surname", "dob", "postcode_fake")]
            em = [block_on("first_name", "surname"), block_on("dob")]
        else:
            comparisons += [
                cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                cl.EmailComparison("email"),
            ]
            blocking += [block_on("email")]
            deterministic = [block_on("first_name", "surname", "dob"), block_on("email")]
            em = [block_on("first_name", "surname"), block_on("dob")]
    elif name == "senzing":
        comparisons = [
            cl.NameComparison("name").configure(term_frequency_adjustments=True),
            cl.NameComparison("first_name"),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("passport"),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("ssn"),
            cl.ExactMatch("drivers_license"),
        ]
        blocking = [
            block_on("surname"), block_on("first_name"), block_on("name"), block_on("dob"),
            block_on("passport"), block_on("phone"), block_on("email"), block_on("address"),
            block_on("ssn"), block_on("national_id"), block_on("drivers_license"),
        ]
        deterministic = [block_on("surname", "dob"), block_on("passport"), block_on("email")]
        em = [block_on("surname"), block_on("dob")]
    else:  # multiscript
        comparisons = [
            cl.NameComparison("name").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("passport"),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
        ]
        blocking = [block_on("name"), block_on("dob"), block_on("passport"), block_on("phone")]
        deterministic = [block_on("name", "dob"), block_on("passport")]
        em = [block_on("name"), block_on("dob")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("input")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=float, default=0.95)
    args = ap.parse_args()
    df = read(args.input)
    settings, deterministic, em = settings_for(args.set, df)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as e:  # a rule that leaves no parameter to estimate
            logging.warning("em on %s skipped: %s", rule, e)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    out = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    out.columns = ["id", "cluster"]
    out.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
