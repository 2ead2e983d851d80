//! What a run records: latencies per endpoint, completed flows and errors counted by kind.

use std::collections::BTreeMap;
use std::time::Duration;

/// The endpoints of the flow, in the order a flow calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    SessionInit,
    Upload,
    Convert,
    JobStatus,
    DownloadToken,
    Download,
    SessionClose,
}

impl Endpoint {
    pub const ALL: [Endpoint; 7] = [
        Endpoint::SessionInit,
        Endpoint::Upload,
        Endpoint::Convert,
        Endpoint::JobStatus,
        Endpoint::DownloadToken,
        Endpoint::Download,
        Endpoint::SessionClose,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Endpoint::SessionInit => "/session/init",
            Endpoint::Upload => "/upload",
            Endpoint::Convert => "/convert",
            Endpoint::JobStatus => "/job_status",
            Endpoint::DownloadToken => "/download_token",
            Endpoint::Download => "/download",
            Endpoint::SessionClose => "/session/close",
        }
    }
}

/// One virtual user's record, merged into the run's at the end (no lock while running).
#[derive(Debug, Default)]
pub struct Record {
    pub latencies: BTreeMap<Endpoint, Vec<Duration>>,
    /// Whole flows, init to checked JPEG.
    pub flow_times: Vec<Duration>,
    pub flows: u64,
    /// e.g. "/upload: HTTP 429 RateLimitExceeded", "/download: not a JPEG".
    pub errors: BTreeMap<String, u64>,
}

impl Record {
    pub fn latency(&mut self, endpoint: Endpoint, took: Duration) {
        self.latencies.entry(endpoint).or_default().push(took);
    }

    pub fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }

    pub fn merge(&mut self, other: Record) {
        for (endpoint, mut samples) in other.latencies {
            self.latencies
                .entry(endpoint)
                .or_default()
                .append(&mut samples);
        }
        self.flow_times.extend(other.flow_times);
        self.flows += other.flows;
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Nearest-rank percentile (`p` in 0..=100) of unsorted samples.
pub fn percentile(samples: &mut [Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(
            percentile(&mut samples, 50.0),
            Some(Duration::from_millis(50))
        );
        assert_eq!(
            percentile(&mut samples, 99.0),
            Some(Duration::from_millis(99))
        );
        assert_eq!(
            percentile(&mut samples, 100.0),
            Some(Duration::from_millis(100))
        );
        assert_eq!(percentile(&mut [], 50.0), None);
        let mut one = [Duration::from_millis(7)];
        assert_eq!(percentile(&mut one, 1.0), Some(Duration::from_millis(7)));
    }
}
