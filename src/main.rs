//! The `forcemap` command line: parses arguments and calls the library. `forcemap query` is
//! built at run time from the analysis questions' declarations (`query::analysis::spec`).

use anyhow::Context;
use clap::{Arg, ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use forcemap::api::limits::Limits;
use forcemap::api::{self, AppState};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::query::analysis::{parse_page, Page, Question, QuestionSpec, QUESTION_SPECS};
use forcemap::tiles::{BasemapOptions, TileArchive};
use std::io::Write;
use std::path::PathBuf;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "forcemap",
    version,
    about = "Force-posture maps: OGC API – Features, spatial analysis and a bundled map"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the map, the OGC API and the analysis endpoints (the default command).
    Serve(ServeArgs),
    /// Build the default vector basemap (PMTiles) from the data.
    Basemap {
        /// Where to write the archive.
        #[arg(long)]
        out: PathBuf,
        /// Data directory laid out like geodata/ (default: the built-in dataset).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Lowest zoom level.
        #[arg(long, default_value_t = forcemap::tiles::basemap::DEFAULT_MIN_ZOOM)]
        min_zoom: u8,
        /// Highest zoom level.
        #[arg(long, default_value_t = forcemap::tiles::basemap::DEFAULT_MAX_ZOOM)]
        max_zoom: u8,
    },
    /// Write the map as a static site (page, data files, vector tiles) for any web server or
    /// object store with HTTP range requests, served from any path.
    Export {
        /// Folder to write (created if needed; files of the same names are replaced).
        #[arg(long)]
        out: PathBuf,
        /// Data directory laid out like geodata/ (default: the built-in dataset).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Check a data directory; prints every problem as `file: feature-id: field: problem`.
    Validate {
        /// Data directory laid out like geodata/ (default: the built-in dataset).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Write a synthetic data directory for benchmarks: the base data plus N generated features.
    Synth(SynthArgs),
}

/// `forcemap synth`: every synthetic feature is marked as such (ids `synth-…`, one source
/// titled "forcemap synth"); the same seed and count give the same bytes.
#[derive(clap::Args)]
struct SynthArgs {
    /// Number of synthetic features, spread over installations, forces, events and routes.
    #[arg(long)]
    features: u64,
    /// Directory to write (created if needed; files of the same names are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Base data directory laid out like geodata/ (default: the built-in dataset).
    #[arg(long)]
    data: Option<PathBuf>,
}

fn synth(args: SynthArgs) -> anyhow::Result<ExitCode> {
    use forcemap::synth::{synthesize, SynthOptions};
    let progress = indicatif::ProgressBar::new(args.features).with_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} features ({per_sec}, eta {eta})",
        )?
        .progress_chars("=> "),
    );
    let options = SynthOptions {
        features: args.features,
        seed: args.seed,
    };
    let counts = synthesize(
        &DataSource::from_option(args.data),
        &args.out,
        &options,
        &progress,
    )?;
    progress.finish_and_clear();
    let counts: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
    eprintln!(
        "wrote {}: the base data plus {} synthetic features ({})",
        args.out.display(),
        args.features,
        counts.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Data directory laid out like geodata/ (default: the built-in dataset).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "FORCEMAP_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// A PMTiles vector archive to draw the map on instead of the built-in one, such as a
    /// Protomaps extract; the page picks a style to match its layers. The file is mapped into
    /// memory, not read whole, and must not be rewritten while it is served.
    #[arg(long)]
    basemap: Option<PathBuf>,
    /// Public base URL for links when behind a reverse proxy (e.g. https://maps.example.org).
    #[arg(long, env = "FORCEMAP_PUBLIC_URL")]
    public_url: Option<String>,
    /// Reload the data when a file in the --data directory changes (SIGHUP always reloads).
    /// New data is checked completely first; if it has problems the server keeps serving what
    /// it has and reports them at /status.
    #[arg(long, requires = "data")]
    watch: bool,
    /// Seconds between two looks at the data directory with --watch.
    #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
    watch_interval: f64,
    /// Expensive requests (analysis, filtered item lists, vector tiles) computing at once; more
    /// are refused with 503 and Retry-After.
    #[arg(long, default_value_t = Limits::default().expensive_slots)]
    expensive_slots: usize,
    /// Cheap requests (documents, assets, plain item pages) in flight at once.
    #[arg(long, default_value_t = Limits::default().cheap_slots)]
    cheap_slots: usize,
    /// Seconds a request may take before the client gets a 503.
    #[arg(long, default_value_t = Limits::default().request_timeout.as_secs_f64(), value_parser = positive_seconds)]
    request_timeout: f64,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "\"{text}\" is not a number of seconds between 0 and 86400"
        )),
    }
}

fn main() -> ExitCode {
    // `query` is built from the questions' declarations, the other commands from their types.
    let matches = Cli::command().subcommand(query_command()).get_matches();
    if let Some((QUERY, question)) = matches.subcommand() {
        return query(question);
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Some(Command::Validate { data }) => validate(data),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Synth(args)) => synth(args),
        Some(Command::Basemap {
            out,
            data,
            min_zoom,
            max_zoom,
        }) => basemap(out, data, BasemapOptions { min_zoom, max_zoom }),
        Some(Command::Export { out, data }) => export(out, data),
        None => serve(ServeArgs::parse_default()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("forcemap: {e:#}");
            ExitCode::FAILURE
        }
    }
}

impl ServeArgs {
    /// `forcemap` with no subcommand serves with the defaults (and FORCEMAP_BIND).
    fn parse_default() -> ServeArgs {
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            args: ServeArgs,
        }
        Defaults::parse_from(["forcemap"]).args
    }
}

fn validate(data: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    match load(&DataSource::from_option(data)) {
        Ok(dataset) => {
            let counts: Vec<String> = dataset
                .curated
                .iter()
                .map(|(c, f)| format!("{} {c}", f.len()))
                .collect();
            eprintln!(
                "valid: {} countries, {}, {} places",
                dataset.topology.countries.len(),
                counts.join(", "),
                dataset.places.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for p in &problems.0 {
                println!("{p}");
            }
            eprintln!("{} problem(s)", problems.0.len());
            Ok(ExitCode::FAILURE)
        }
    }
}

const QUERY: &str = "query";

/// The flag of the data directory, the one `query` flag that is not a question's parameter.
const DATA: &str = "data";

/// `forcemap query <question>`: one subcommand per question of [`QUESTION_SPECS`], one flag
/// per declared parameter (its name with `-` for `_`; the name itself is an alias), with the
/// declaration's description as its help, so no parameter is described twice.
fn query_command() -> clap::Command {
    clap::Command::new(QUERY)
        .about("Ask an analysis question; prints the same GeoJSON as /analysis/{question}")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(QUESTION_SPECS.iter().map(question_command))
}

fn question_command(spec: &'static QuestionSpec) -> clap::Command {
    let arguments = spec.parameters.iter().map(|p| {
        let flag = p.name.replace('_', "-");
        let arg = Arg::new(p.name)
            .long(flag.clone())
            .value_name(p.name.to_uppercase())
            .help(p.description)
            .required(p.required);
        if flag == p.name {
            arg
        } else {
            arg.alias(p.name)
        }
    });
    let command = clap::Command::new(spec.name)
        .about(spec.summary)
        // A western longitude or a negative distance is a value, and the parser's to judge.
        .allow_negative_numbers(true)
        .args(arguments)
        .arg(
            Arg::new(DATA)
                .long(DATA)
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Data directory laid out like geodata/ (default: the built-in dataset)."),
        );
    if spec.is_paged() {
        command.after_help(
            "Without --limit or --offset the whole list is printed; with either, that page, as \
             /analysis pages it.",
        )
    } else {
        command
    }
}

/// Runs one analysis question: its flags handed as name/value pairs to the parser the HTTP
/// endpoint uses; GeoJSON on stdout; any error on stderr with exit status 2.
fn query(matches: &ArgMatches) -> ExitCode {
    let Some((name, arguments)) = matches.subcommand() else {
        unreachable!("clap requires a question");
    };
    let spec = QuestionSpec::find(name).expect("the subcommands are the questions");
    let value = |name: &str| arguments.get_one::<String>(name).map(String::as_str);
    let params: Vec<(String, String)> = spec
        .parameter_names()
        .filter_map(|p| value(p).map(|v| (p.to_string(), v.to_string())))
        .collect();
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("forcemap: {e}");
        ExitCode::from(2)
    };
    let question = match Question::parse(name, &params) {
        Ok(q) => q,
        Err(e) => return fail(&e),
    };
    // Only a paged question has the flags.
    let (limit, offset) = match spec.is_paged() {
        true => (value("limit"), value("offset")),
        false => (None, None),
    };
    let page = if limit.is_some() || offset.is_some() {
        match parse_page(limit, offset) {
            Ok(page) => page,
            Err(e) => return fail(&e),
        }
    } else {
        Page::WHOLE
    };
    let data = arguments.get_one::<PathBuf>(DATA).cloned();
    let catalog = match load(&DataSource::from_option(data)) {
        Ok(dataset) => Catalog::build(dataset),
        Err(problems) => return fail(&format!("the data is not valid:\n{problems}")),
    };
    match question.answer_page(&catalog, chrono::Utc::now().date_naive(), page) {
        Ok(answer) => {
            let mut out = forcemap::formats::answer::write_answer(&answer, page, Vec::new());
            out.push(b'\n');
            match std::io::stdout().write_all(&out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot write the answer: {e}")),
            }
        }
        Err(e) => fail(&e),
    }
}

fn basemap(
    out: PathBuf,
    data: Option<PathBuf>,
    options: BasemapOptions,
) -> anyhow::Result<ExitCode> {
    let dataset = load(&DataSource::from_option(data)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let catalog = Catalog::build(dataset);
    let progress = forcemap::tiles::basemap::progress_bar();
    let bytes = forcemap::tiles::build_default(&catalog, &options, &progress)?;
    progress.finish_and_clear();
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}

fn export(out: PathBuf, data: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dataset = load(&DataSource::from_option(data)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let catalog = Catalog::build(dataset);
    let progress = forcemap::tiles::basemap::progress_bar();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} {msg:>18} [{bar:40}] {pos}/{len}",
    ) {
        progress.set_style(style.progress_chars("=> "));
    }
    let manifest = forcemap::export::export(
        &catalog,
        &out,
        &forcemap::export::ExportOptions::default(),
        &progress,
    )?;
    progress.finish_and_clear();
    let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
    eprintln!(
        "wrote {}: {} files, {bytes} bytes; open index.html through a web server with range \
         requests (see {})",
        out.display(),
        manifest.files.len(),
        forcemap::export::MANIFEST_FILE
    );
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    // A basemap that will not do is refused before the data is loaded.
    let replacement = args
        .basemap
        .as_deref()
        .map(api::basemap::open_replacement)
        .transpose()?;
    let dataset =
        load(&DataSource::from_option(args.data.clone())).map_err(|p| anyhow::anyhow!("{p}"))?;
    let catalog = Catalog::build(dataset);
    let limits = Limits {
        expensive_slots: args.expensive_slots.max(1),
        cheap_slots: args.cheap_slots.max(1),
        request_timeout: std::time::Duration::from_secs_f64(args.request_timeout),
        ..Limits::default()
    };
    let state = AppState::with_limits(catalog, args.public_url.clone(), limits);
    if let (Some(path), Some(archive)) = (&args.basemap, replacement) {
        tracing::info!(
            "basemap: {} ({} bytes, zooms {}-{})",
            path.display(),
            archive.len(),
            archive.min_zoom(),
            archive.max_zoom()
        );
        state.set_replacement_basemap(archive);
    }
    // Built even when another basemap replaces it: the page colours its countries by
    // membership. Built beside the server rather than before it, so the API answers at once;
    // the archive's own requests wait the few seconds until it is there.
    let building = state.clone();
    std::thread::Builder::new()
        .name("basemap".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            let builtin = forcemap::tiles::build_default(
                &building.catalog(),
                &BasemapOptions::default(),
                &indicatif::ProgressBar::hidden(),
            )
            .and_then(|bytes| Ok(TileArchive::new(bytes)?))
            .map_err(|e| format!("{e:#}"));
            match &builtin {
                Ok(a) => tracing::info!(
                    "built-in basemap built ({} bytes in {:.1} s)",
                    a.len(),
                    started.elapsed().as_secs_f64()
                ),
                Err(e) => tracing::error!("the built-in basemap failed, serving without it: {e}"),
            }
            building.set_builtin(builtin);
        })
        .context("starting the basemap builder")?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        if let Some(dir) = &args.data {
            #[cfg(unix)]
            tokio::spawn(api::reload::on_hangup(state.clone(), dir.clone()));
            if args.watch {
                let interval = std::time::Duration::from_secs_f64(args.watch_interval);
                tokio::spawn(api::reload::watch(state.clone(), dir.clone(), interval));
            }
        }
        api::serve(listener, state).await.context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}
