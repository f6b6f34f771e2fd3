//! Integration tests of `interdict resolve` (one test binary, a module per area).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accuracy;
mod cli;

use std::collections::HashMap;
use std::path::PathBuf;

/// Path of a file in the shared entity-resolution data (`../shared/data/er`
/// beside the repository).
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/er"
    ))
    .join(rel)
}

/// Pairwise precision, recall and F1 of predicted clusters against true ones.
pub fn pairwise_f1(truth: &[String], predicted: &[u32]) -> (f64, f64, f64) {
    fn pairs<K>(counts: HashMap<K, u64>) -> u64 {
        counts.values().map(|n| n * (n - 1) / 2).sum()
    }
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    let mut pred_sizes: HashMap<u32, u64> = HashMap::new();
    let mut both: HashMap<(&str, u32), u64> = HashMap::new();
    for (t, p) in truth.iter().zip(predicted) {
        *true_sizes.entry(t).or_default() += 1;
        *pred_sizes.entry(*p).or_default() += 1;
        *both.entry((t, *p)).or_default() += 1;
    }
    let tp = pairs(both) as f64;
    let precision = tp / (pairs(pred_sizes) as f64).max(1.0);
    let recall = tp / (pairs(true_sizes) as f64).max(1.0);
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall).max(1e-12),
    )
}
