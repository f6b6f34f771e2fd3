//! Two subjects built from arbitrary text, prepared, compared and resolved.
#![no_main]

use interdict_correlate::{resolve, Index, IndexOptions, Kind, Options, Scheme, Subject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = input.split('|');
    let mut next = || parts.next().unwrap_or("").to_owned();
    let kind = Kind::ALL[data.first().map_or(0, |b| usize::from(*b) % Kind::ALL.len())];
    let a = Subject::named(kind, &next()).born(&next()).with_id(Scheme::Phone, &next());
    let b = Subject::named(kind, &next()).of_nationality(&next()).with_attribute("x", &next());
    let _ = resolve(&[a.clone(), b.clone()], &Options::default());
    let mut index = Index::new(IndexOptions::default());
    index.upsert(1u8, &[a]);
    let _ = index.matches(&[b], None);
});
