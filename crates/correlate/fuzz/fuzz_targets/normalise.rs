//! Every parser on arbitrary text: identifiers of each scheme, dates, names,
//! romanisation. None may panic.
#![no_main]

use interdict_correlate::identifier::{self, Scheme};
use interdict_correlate::{date, hangul, name, text, thai};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for scheme in Scheme::ALL {
        let _ = identifier::normalise(scheme, input, Some(input));
    }
    let _ = identifier::country(input);
    let _ = date::parse(input);
    let _ = name::person_full(input);
    let _ = name::person_parts(Some(input), Some(input));
    let _ = name::organisation(input, true);
    let _ = name::organisation(input, false);
    let _ = thai::romanise(input);
    let _ = hangul::romanise_mr(input);
    let _ = text::fold(input);
    let _ = text::normal_words(input);
});
