//! Prints every decoding error of a file with its line number: `cargo run --example errors FILE`.

use std::io::BufRead;

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_default();
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut reasm = interdict_ais::Reassembler::default();
    for (n, line) in file.split(b'\n').enumerate() {
        let line = line?;
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        match interdict_ais::Sentence::parse(&line) {
            Err(e) => println!("{}: {e}: {}", n + 1, String::from_utf8_lossy(&line)),
            Ok(s) => match reasm.push_sentence(&s, None) {
                Err(e) => println!("{}: {e}: {}", n + 1, String::from_utf8_lossy(&line)),
                Ok(true) => {
                    let buf = reasm.assembled().bits;
                    if let Err(e) = interdict_ais::Message::decode(buf) {
                        println!("{}: {e} ({} bits): {}", n + 1, buf.len(), String::from_utf8_lossy(&line));
                    }
                }
                Ok(false) => {}
            },
        }
    }
    Ok(())
}
