//! The `forcemap` command line: parses arguments and calls the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use forcemap::api::{self, AppState};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::tiles::{BasemapOptions, TileArchive};
use std::path::PathBuf;
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
    /// Check a data directory; prints every problem as `file: feature-id: field: problem`.
    Validate {
        /// Data directory laid out like geodata/ (default: the built-in dataset).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Data directory laid out like geodata/ (default: the built-in dataset).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "FORCEMAP_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// A PMTiles vector archive to serve as the basemap instead of the built-in one.
    #[arg(long)]
    basemap: Option<PathBuf>,
    /// Public base URL for links when behind a reverse proxy (e.g. https://maps.example.org).
    #[arg(long, env = "FORCEMAP_PUBLIC_URL")]
    public_url: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Validate { data }) => validate(data),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Basemap {
            out,
            data,
            min_zoom,
            max_zoom,
        }) => basemap(out, data, BasemapOptions { min_zoom, max_zoom }),
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

fn basemap(
    out: PathBuf,
    data: Option<PathBuf>,
    options: BasemapOptions,
) -> anyhow::Result<ExitCode> {
    let dataset = load(&DataSource::from_option(data)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let catalog = Catalog::build(dataset);
    let progress = forcemap::tiles::basemap::progress_bar();
    let bytes = api::basemap::build_default(&catalog, &options, &progress)?;
    progress.finish_and_clear();
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
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
    let dataset = load(&DataSource::from_option(args.data)).map_err(|p| anyhow::anyhow!("{p}"))?;
    let catalog = Catalog::build(dataset);
    let state = AppState::new(catalog, args.public_url);
    match &args.basemap {
        Some(path) => {
            let archive = TileArchive::open(path)
                .with_context(|| format!("cannot use {} as the basemap", path.display()))?;
            state.set_basemap(Ok(archive));
        }
        None => {
            let state = state.clone();
            std::thread::spawn(move || {
                let catalog = state.catalog();
                let progress = indicatif::ProgressBar::hidden();
                let built =
                    api::basemap::build_default(&catalog, &BasemapOptions::default(), &progress)
                        .and_then(|bytes| Ok(TileArchive::new(bytes)?))
                        .map_err(|e| format!("{e:#}"));
                match &built {
                    Ok(a) => tracing::info!("basemap ready ({} bytes)", a.len()),
                    Err(e) => tracing::error!("basemap failed: {e}"),
                }
                state.set_basemap(built);
            });
        }
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        api::serve(listener, state).await.context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}
