//! Query latency of the correlation index: builds an index of N subjects (five
//! per record: a person with date of birth and passport, a phone, an e-mail, a
//! vessel or an organisation, a bank account or a plate), then times reports of
//! 20 identifiers and 5 names against it, and prints the percentiles.
//!
//! usage: cargo run --release -p interdict-correlate-cmd --example index_bench -- \
//!            [--subjects 10000000] [--queries 2000] [--seed 1]

use std::time::Instant;

use interdict_correlate::{Index, IndexOptions, Kind, Scheme, Subject};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
}

const KO_SURNAMES: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황",
    "안", "송", "류", "홍",
];
const KO_SYLLABLES: &[&str] = &[
    "민", "서", "지", "현", "준", "영", "수", "성", "우", "진", "은", "예", "하", "윤", "정", "혜",
    "경", "호", "재", "희", "동", "상", "태", "연", "원", "주", "승", "도", "유", "아",
];
const EN_FIRST: &[&str] = &[
    "Robert",
    "William",
    "Thomas",
    "James",
    "John",
    "Michael",
    "Elizabeth",
    "Margaret",
    "Susan",
    "David",
    "Daniel",
    "Mary",
    "Linda",
    "Sarah",
    "Peter",
    "Andrew",
    "Maria",
    "Carlos",
    "Ahmed",
    "Ivan",
];
const EN_SURNAMES: &[&str] = &[
    "Smith", "Johnson", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Martin",
    "Garcia", "Lopez", "Nguyen", "Tan", "Santos", "Reyes", "Ivanov", "Khan", "Ali", "Silva",
    "Cruz",
];
const TH_SYLLABLES: &[&str] = &[
    "สม",
    "ชาย",
    "ศักดิ์",
    "สุ",
    "ดา",
    "วิ",
    "ชัย",
    "ประ",
    "กิต",
    "ติ",
    "พร",
    "ศรี",
    "บุญ",
    "มา",
    "ทอง",
    "คำ",
    "แสง",
    "รัตน์",
];
const WORDS: &[&str] = &[
    "OCEAN", "STAR", "HAI", "XING", "SEA", "DRAGON", "PACIFIC", "GOLDEN", "WAVE", "BLUE", "PEARL",
    "EAST", "WIND", "SUN", "GLORY", "HARMONY", "LUCKY", "SPRING", "ORIENT", "NORTH",
];

fn imo(n: u32) -> String {
    let digits: Vec<u32> = format!("{:06}", n % 1_000_000)
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let check: u32 = digits
        .iter()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum::<u32>()
        % 10;
    format!("{:06}{check}", n % 1_000_000)
}

fn person_name(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=3 => format!(
            "{}{}{}",
            rng.pick(KO_SURNAMES),
            rng.pick(KO_SYLLABLES),
            rng.pick(KO_SYLLABLES)
        ),
        4..=5 => format!(
            "{}{} {}{}",
            rng.pick(TH_SYLLABLES),
            rng.pick(TH_SYLLABLES),
            rng.pick(TH_SYLLABLES),
            rng.pick(TH_SYLLABLES)
        ),
        _ => format!("{} {}", rng.pick(EN_FIRST), rng.pick(EN_SURNAMES)),
    }
}

fn record(rng: &mut Rng, r: u64) -> Vec<Subject> {
    let dob = format!(
        "{}-{:02}-{:02}",
        1950 + rng.below(55),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let person = Subject::named(Kind::Person, &person_name(rng))
        .born(&dob)
        .with_id(Scheme::Passport, &format!("M{:08}", rng.below(100_000_000)));
    // One record in 2,000 carries the shipping line's head-office number.
    let phone_number = if r.is_multiple_of(2000) {
        "+82 2 3700 0000".to_owned()
    } else {
        format!("+8210{:08}", rng.below(100_000_000))
    };
    let phone = Subject::new(Kind::Phone).with_id(Scheme::Phone, &phone_number);
    let email = Subject::new(Kind::Email).with_id(
        Scheme::Email,
        &format!("user{}@mail{}.kr", rng.below(1 << 40), rng.below(100)),
    );
    let fourth = if r.is_multiple_of(2) {
        Subject::named(
            Kind::Vessel,
            &format!(
                "{} {} {}",
                rng.pick(WORDS),
                rng.pick(WORDS),
                1 + rng.below(20)
            ),
        )
        .with_id(Scheme::Imo, &imo(rng.below(1_000_000) as u32))
        .with_id(Scheme::Mmsi, &format!("440{:06}", rng.below(1_000_000)))
    } else {
        Subject::named(
            Kind::Organisation,
            &format!("{} {} Co., Ltd.", rng.pick(WORDS), rng.pick(WORDS)),
        )
    };
    let fifth = if r.is_multiple_of(3) {
        Subject::new(Kind::BankAccount).with_id(
            Scheme::BankAccount,
            &format!("110-{:03}-{:06}", rng.below(1000), rng.below(1_000_000)),
        )
    } else {
        Subject::new(Kind::Vehicle).with_id(
            Scheme::Plate,
            &format!("{}가{:04}", 10 + rng.below(90), rng.below(10_000)),
        )
    };
    vec![person, phone, email, fourth, fifth]
}

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let subjects = arg("--subjects", 10_000_000);
    let queries = arg("--queries", 2000);
    let records = subjects / 5;
    let mut rng = Rng(arg("--seed", 1));
    let mut index: Index<u64> = Index::new(IndexOptions::default());
    let started = Instant::now();
    // Some indexed records are kept, to ask about values the index holds.
    let mut kept: Vec<Vec<Subject>> = Vec::new();
    let keep_every = (records / 5000).max(1);
    for r in 0..records {
        let subjects = record(&mut rng, r);
        index.upsert(r, &subjects);
        if r.is_multiple_of(keep_every) {
            kept.push(subjects);
        }
        if r > 0 && r % 200_000 == 0 {
            eprintln!(
                "{:>8} records, {:.0} s, {} MiB",
                r,
                started.elapsed().as_secs_f64(),
                rss_mib()
            );
        }
    }
    let build = started.elapsed().as_secs_f64();
    println!(
        "indexed {} subjects in {} records in {:.1} s ({:.0} subjects/s); resident memory {} MiB",
        index.subject_count(),
        index.len(),
        build,
        index.subject_count() as f64 / build,
        rss_mib()
    );
    // Reports: 20 identifiers (half already indexed) and 5 names (persons, a
    // vessel, an organisation), some written as an indexed record wrote them.
    let mut times = Vec::with_capacity(queries as usize);
    let mut found = 0usize;
    for q in 0..queries {
        let mut report = Vec::with_capacity(25);
        for i in 0..20 {
            let known = i % 2 == 0;
            let source = if known {
                kept[rng.below(kept.len() as u64) as usize].clone()
            } else {
                record(&mut rng, q + 1)
            };
            let s = &source[1 + (i % 4) as usize];
            let mut id_only = Subject::new(s.kind);
            id_only.identifiers = s.identifiers.clone();
            report.push(id_only);
        }
        for k in 0..3 {
            if k == 0 {
                // A person the index holds, as that record wrote it.
                report.push(kept[rng.below(kept.len() as u64) as usize][0].clone());
            } else {
                report.push(
                    Subject::named(Kind::Person, &person_name(&mut rng))
                        .born(&format!("{}-01-01", 1950 + rng.below(55))),
                );
            }
        }
        report.push(Subject::named(
            Kind::Vessel,
            &format!(
                "{} {} NO.{}",
                rng.pick(WORDS),
                rng.pick(WORDS),
                1 + rng.below(20)
            ),
        ));
        report.push(Subject::named(
            Kind::Organisation,
            &format!("{}{} 주식회사", rng.pick(WORDS), rng.pick(WORDS)),
        ));
        let t = Instant::now();
        let matches = index.matches(&report, None);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        found += matches.len();
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{} reports of 20 identifiers and 5 names: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} matches in all",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(0.99),
        pct(1.0),
        found
    );
}
