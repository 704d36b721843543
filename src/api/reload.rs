//! Reloading the data while serving: on SIGHUP, and with `--watch` when a file in the data
//! directory changes.
//!
//! A reload reads and validates the whole directory exactly as start-up does, builds the new
//! catalog aside and swaps it in only when nothing is wrong. Otherwise the server goes on with the
//! data it has, logs every problem and reports them at `/status`.
//!
//! Watching polls the directory's file sizes and modification times once per interval instead of
//! subscribing to file-system events: a data directory is a handful of files, polling sees
//! changes on network mounts and container volumes where inotify stays silent, and it needs no
//! handling of editors that save by renaming. A change is acted on once the directory has looked
//! the same for two polls in a row, so a file still being written is not read half-way.

use super::state::AppState;
use crate::catalog::Catalog;
use crate::load::{load, DataSource};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How the outcome of one reload reads in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Swapped,
    Unchanged,
    Refused,
}

/// Loads the directory and swaps it in if it is valid and differs from what is served.
/// Runs on a blocking thread: loading the countries takes a moment.
pub async fn reload(state: &AppState, dir: &Path) -> Outcome {
    let state = state.clone();
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || reload_now(&state, &dir))
        .await
        .unwrap_or(Outcome::Refused)
}

fn reload_now(state: &AppState, dir: &Path) -> Outcome {
    match load(&DataSource::Dir(dir.to_path_buf())) {
        Ok(dataset) => {
            if dataset.fingerprint == state.catalog().fingerprint {
                // Same bytes as served (a touched file, or a fix back to the served data).
                state.clear_refusal();
                return Outcome::Unchanged;
            }
            let catalog = Catalog::build(dataset);
            let version = super::state::data_version(&catalog);
            state.swap(catalog);
            tracing::info!("reloaded {}: data version {version}", dir.display());
            Outcome::Swapped
        }
        Err(problems) => {
            for problem in &problems.0 {
                tracing::error!("reload refused: {problem}");
            }
            tracing::error!(
                "reload of {} refused with {} problem(s); still serving data version {}",
                dir.display(),
                problems.0.len(),
                state.status().version
            );
            state.refuse(problems.0);
            Outcome::Refused
        }
    }
}

/// Reloads on every SIGHUP, for as long as the server runs.
#[cfg(unix)]
pub async fn on_hangup(state: AppState, dir: PathBuf) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::error!("cannot listen for SIGHUP; reload by restarting");
        return;
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading {}", dir.display());
        reload(&state, &dir).await;
    }
}

/// Polls the directory every `interval` and reloads once a change has settled.
pub async fn watch(state: AppState, dir: PathBuf, interval: Duration) {
    let mut served = snapshot(&dir);
    let mut pending: Option<Snapshot> = None;
    loop {
        tokio::time::sleep(interval).await;
        let now = snapshot(&dir);
        if now == served {
            pending = None;
            continue;
        }
        if pending.as_ref() != Some(&now) {
            // Changed since the last poll: wait for it to settle.
            pending = Some(now);
            continue;
        }
        tracing::info!("{} changed: reloading", dir.display());
        reload(&state, &dir).await;
        served = now;
        pending = None;
    }
}

/// Name, size and modification time of every file in the directory, sorted.
type Snapshot = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut files: Snapshot = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            meta.is_file()
                .then(|| (entry.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}
