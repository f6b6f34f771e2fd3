//! `interdict resolve`: batch entity resolution of a CSV file.
//!
//! The input has a column `id` and any of `name` (or `first_name` and `surname`),
//! `kind` (`person`, `organisation`, `vessel`; default `person`), `dob`,
//! `nationality`, `imo`, `mmsi`, `call_sign`, `passport`, `phone`, `email`; every
//! other column is an attribute compared as text. The output has `id,cluster` for
//! every input row, in input order; a cluster is named by the id of its first row.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use interdict_correlate::{Kind, Options, RawIdentifier, Resolver, Scheme, Stage, Subject};

/// Arguments of `interdict resolve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ResolveArgs {
    /// Input CSV file (UTF-8, with a header row).
    #[arg(long)]
    pub input: PathBuf,
    /// Output CSV file: `id,cluster` for every input row.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the links (pairs at or above the threshold) with their weights.
    #[arg(long)]
    pub links: Option<PathBuf>,
    /// Also write the estimated model (JSON).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Match probability at or above which two rows are linked.
    #[arg(long, default_value_t = 0.5)]
    pub min_probability: f64,
    /// Name blocks larger than this are not used to find candidates.
    #[arg(long, default_value_t = 100)]
    pub block_cap: usize,
    /// Identifier values shared by more rows than this never correlate.
    #[arg(long, default_value_t = 50)]
    pub demote_above: u32,
    /// Mean match probability across two clusters needed to join them (0: plain
    /// connected components).
    #[arg(long, default_value_t = 0.25)]
    pub min_support: f64,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the time each stage takes to standard error.
    #[arg(long)]
    pub verbose: bool,
}

/// Columns with a meaning; every other column is an attribute.
#[derive(Debug, Default)]
struct Columns {
    id: usize,
    name: Option<usize>,
    first_name: Option<usize>,
    surname: Option<usize>,
    kind: Option<usize>,
    dob: Option<usize>,
    nationality: Option<usize>,
    identifiers: Vec<(usize, Scheme)>,
    attributes: Vec<(usize, String)>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> anyhow::Result<Columns> {
        let mut columns = Columns::default();
        let mut id = None;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}').to_lowercase();
            if let Some(first) = seen.insert(name.clone(), i) {
                bail!(
                    "line 1: column {name:?} appears twice (columns {} and {})",
                    first + 1,
                    i + 1
                );
            }
            match name.as_str() {
                "id" => id = Some(i),
                "name" => columns.name = Some(i),
                "first_name" => columns.first_name = Some(i),
                "surname" => columns.surname = Some(i),
                "kind" => columns.kind = Some(i),
                "dob" => columns.dob = Some(i),
                "nationality" => columns.nationality = Some(i),
                "imo" => columns.identifiers.push((i, Scheme::Imo)),
                "mmsi" => columns.identifiers.push((i, Scheme::Mmsi)),
                "call_sign" => columns.identifiers.push((i, Scheme::CallSign)),
                "passport" => columns.identifiers.push((i, Scheme::Passport)),
                "phone" => columns.identifiers.push((i, Scheme::Phone)),
                "email" => columns.identifiers.push((i, Scheme::Email)),
                "" => bail!("line 1: column {} has no name", i + 1),
                _ => columns.attributes.push((i, name)),
            }
        }
        columns.id = id.context("line 1: the header has no `id` column")?;
        Ok(columns)
    }

    fn subject(&self, row: &csv::StringRecord, line: u64) -> anyhow::Result<Subject> {
        let get = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let kind = match get(self.kind) {
            None => Kind::Person,
            Some(k) => match Kind::parse(k) {
                Some(kind) => kind,
                None => bail!(
                    "line {line}: kind {k:?} is not one of person, organisation, vessel, aircraft, vehicle, container, parcel, phone, email, bank_account, document, address, place"
                ),
            },
        };
        let mut subject = Subject::new(kind);
        if let Some(n) = get(self.name) {
            subject.names.push(n.to_owned());
        }
        subject.given_name = get(self.first_name).map(str::to_owned);
        subject.family_name = get(self.surname).map(str::to_owned);
        subject.birth_date = get(self.dob).map(str::to_owned);
        subject.nationality = get(self.nationality).map(str::to_owned);
        for &(i, scheme) in &self.identifiers {
            if let Some(v) = get(Some(i)) {
                subject.identifiers.push(RawIdentifier {
                    scheme,
                    value: v.to_owned(),
                    country: None,
                });
            }
        }
        if let Some(country) = subject.nationality.clone() {
            for id in &mut subject.identifiers {
                if id.scheme == Scheme::Passport {
                    id.country = Some(country.clone());
                }
            }
        }
        for (i, name) in &self.attributes {
            if let Some(v) = get(Some(*i)) {
                subject.attributes.push((name.clone(), v.to_owned()));
            }
        }
        Ok(subject)
    }
}

/// A progress bar on standard error when it is a terminal.
fn bar(len: u64, template: &str) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Counts reads, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

/// What a run did, for the summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows read.
    pub rows: usize,
    /// Clusters written.
    pub clusters: usize,
    /// Links at or above the threshold.
    pub links: usize,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Values left out (identifiers failing their checks, unreadable dates).
    pub problems: usize,
}

/// Runs `interdict resolve`.
pub fn run(args: ResolveArgs) -> anyhow::Result<ExitCode> {
    let summary = resolve_file(&args)?;
    eprintln!(
        "{} rows, {} clusters, {} links from {} candidate pairs{}",
        summary.rows,
        summary.clusters,
        summary.links,
        summary.candidate_pairs,
        if summary.problems > 0 {
            format!(
                "; {} values left out (identifiers failing their checks, unreadable dates)",
                summary.problems
            )
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Resolves `args.input` into `args.out`.
pub fn resolve_file(args: &ResolveArgs) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let file =
        File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let read_bar = bar(len, "reading {bar:40} {bytes}/{total_bytes} {eta}");
    let reader = Counting {
        inner: BufReader::with_capacity(1 << 20, file),
        bar: read_bar.clone(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let header = csv
        .headers()
        .with_context(|| format!("{}: cannot read the header", args.input.display()))?
        .clone();
    let columns =
        Columns::from_header(&header).with_context(|| format!("{}", args.input.display()))?;
    let options = Options {
        block_cap: args.block_cap,
        demote_above: args.demote_above,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1),
        min_probability: args.min_probability,
        min_support: args.min_support,
        ..Options::default()
    };
    if !(0.0..1.0).contains(&args.min_probability) || args.min_probability <= 0.0 {
        bail!("--min-probability must be between 0 and 1 (exclusive)");
    }
    let mut resolver = Resolver::new(options);
    let mut ids: Vec<Box<str>> = Vec::new();
    let mut first_line: HashMap<Box<str>, u64> = HashMap::new();
    let mut problems = 0usize;
    let mut row = csv::StringRecord::new();
    // Rows are prepared in batches on the worker threads.
    const BATCH: usize = 20_000;
    let mut batch: Vec<Subject> = Vec::with_capacity(BATCH);
    loop {
        let more = csv.read_record(&mut row).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            anyhow::anyhow!("{}: line {line}: {e}", args.input.display())
        })?;
        if !more {
            break;
        }
        let line = row.position().map_or(0, csv::Position::line);
        let id = row.get(columns.id).map(str::trim).unwrap_or("");
        if id.is_empty() {
            bail!("{}: line {line}: the id is empty", args.input.display());
        }
        let id: Box<str> = id.into();
        if let Some(previous) = first_line.insert(id.clone(), line) {
            bail!(
                "{}: line {line}: id {id:?} is already on line {previous}",
                args.input.display()
            );
        }
        let subject = columns
            .subject(&row, line)
            .with_context(|| format!("{}", args.input.display()))?;
        batch.push(subject);
        if batch.len() == BATCH {
            problems += resolver.add_all(&batch);
            batch.clear();
        }
        ids.push(id);
    }
    problems += resolver.add_all(&batch);
    drop(batch);
    drop(first_line);
    if let Some(b) = read_bar {
        b.finish_and_clear();
    }
    let mut stage_bar: Option<indicatif::ProgressBar> = None;
    if args.verbose {
        eprintln!(
            "{:>8.2} s read and prepared {} rows",
            started.elapsed().as_secs_f64(),
            ids.len()
        );
    }
    let resolution = resolver.resolve(&mut |stage, _done, total| {
        if args.verbose {
            eprintln!(
                "{:>8.2} s {stage:?} ({total})",
                started.elapsed().as_secs_f64()
            );
        }
        if let Some(b) = stage_bar.take() {
            b.finish_and_clear();
        }
        let message = match stage {
            Stage::Training => "estimating the model",
            Stage::Scoring => "scoring candidate pairs",
            Stage::Clustering => "clustering",
        };
        if io::stderr().is_terminal() {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_message(message);
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            stage_bar = Some(b);
        }
    });
    if let Some(b) = stage_bar.take() {
        b.finish_and_clear();
    }
    if args.verbose {
        eprintln!("{:>8.2} s done", started.elapsed().as_secs_f64());
    }
    write_clusters(&args.out, &ids, &resolution.cluster_of)?;
    if let Some(path) = &args.links {
        write_links(path, &ids, &resolution.links)?;
    }
    if let Some(path) = &args.model {
        let json = serde_json::to_string_pretty(&resolution.model)?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut clusters = resolution.cluster_of.clone();
    clusters.sort_unstable();
    clusters.dedup();
    Ok(Summary {
        rows: ids.len(),
        clusters: clusters.len(),
        links: resolution.links.len(),
        candidate_pairs: resolution.candidate_pairs,
        problems,
    })
}

fn create(path: &Path) -> anyhow::Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 20,
        file,
    )))
}

fn write_clusters(path: &Path, ids: &[Box<str>], cluster_of: &[u32]) -> anyhow::Result<()> {
    let mut out = create(path)?;
    let context = || format!("cannot write {}", path.display());
    out.write_record(["id", "cluster"]).with_context(context)?;
    for (id, &c) in ids.iter().zip(cluster_of) {
        let cluster = ids.get(c as usize).map_or("", |c| c);
        out.write_record([&**id, cluster]).with_context(context)?;
    }
    out.flush().with_context(context)?;
    Ok(())
}

fn write_links(
    path: &Path,
    ids: &[Box<str>],
    links: &[interdict_correlate::cluster::Link],
) -> anyhow::Result<()> {
    let mut out = create(path)?;
    let context = || format!("cannot write {}", path.display());
    out.write_record(["id_a", "id_b", "weight", "probability"])
        .with_context(context)?;
    for l in links {
        let a = ids.get(l.a as usize).map_or("", |s| s);
        let b = ids.get(l.b as usize).map_or("", |s| s);
        let w = f64::from(l.weight);
        out.write_record([
            a,
            b,
            &format!("{w:.3}"),
            &format!("{:.6}", interdict_correlate::model::probability(w)),
        ])
        .with_context(context)?;
    }
    out.flush().with_context(context)?;
    Ok(())
}
