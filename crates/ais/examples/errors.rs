//! Prints every decoding error of a file with its line number: `cargo run --example errors FILE`.

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_default();
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut dec = interdict_ais::StreamDecoder::new(file);
    while let Some(r) = dec.try_next_message()? {
        if let Err(e) = r {
            println!("line {}: {} ({e})", dec.stats().lines, e.kind());
        }
    }
    println!("{:?}", dec.stats());
    Ok(())
}
