//! Per-IP rate limits (token buckets) for upload, convert and download, answered with 429 and
//! `Retry-After`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::config::Config;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    Upload,
    Convert,
    Download,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    enabled: bool,
    upload: u32,
    convert: u32,
    download: u32,
    buckets: Mutex<HashMap<(Limit, IpAddr), Bucket>>,
}

impl RateLimiter {
    pub fn new(config: &Config) -> Self {
        RateLimiter {
            enabled: config.rate_limits_enabled,
            upload: config.upload_rate_per_minute,
            convert: config.convert_rate_per_minute,
            download: config.download_rate_per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn buckets(&self) -> MutexGuard<'_, HashMap<(Limit, IpAddr), Bucket>> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn per_minute(&self, limit: Limit) -> u32 {
        match limit {
            Limit::Upload => self.upload,
            Limit::Convert => self.convert,
            Limit::Download => self.download,
        }
    }

    /// Takes one request from `ip`'s bucket, or says how long to wait. A limit of 0 = no limit.
    pub fn check(&self, limit: Limit, ip: IpAddr) -> Result<(), ApiError> {
        let per_minute = self.per_minute(limit);
        if !self.enabled || per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets();
        let bucket = buckets.entry((limit, ip)).or_insert(Bucket {
            tokens: capacity,
            last: now,
        });
        let refill = now.duration_since(bucket.last).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_second).ceil().max(1.0);
            Err(ApiError::RateLimited {
                retry_after_secs: wait as u64,
            })
        }
    }

    /// Forgets buckets that have refilled completely (they carry no information).
    pub fn purge_idle(&self) {
        let now = Instant::now();
        self.buckets()
            .retain(|_, b| now.duration_since(b.last) < Duration::from_secs(60));
    }

    pub fn clear(&self) {
        self.buckets().clear();
    }
}

/// The client's IP address (the TCP peer; no proxy headers are trusted).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_empties_then_says_when() {
        let config = Config {
            upload_rate_per_minute: 2,
            ..Config::default()
        };
        let limiter = RateLimiter::new(&config);
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(limiter.check(Limit::Upload, ip).is_ok());
        assert!(limiter.check(Limit::Upload, ip).is_ok());
        match limiter.check(Limit::Upload, ip) {
            Err(ApiError::RateLimited { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs))
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limiter.check(Limit::Convert, ip).is_ok());
    }
}
