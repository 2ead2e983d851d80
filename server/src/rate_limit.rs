//! Per-IP rate limits (`governor`'s GCRA, keyed by client IP) for upload, convert, download and
//! the creation of sessions, answered with 429 and `Retry-After`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};

use crate::config::Config;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    Upload,
    Convert,
    Download,
    /// `/session/init` calls that create a session (a resumed session is not counted).
    SessionInit,
}

const LIMITS: [Limit; 4] = [
    Limit::Upload,
    Limit::Convert,
    Limit::Download,
    Limit::SessionInit,
];

type KeyedLimiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// One GCRA limiter per limited route, keyed by client IP (`governor`); a limit of 0 is none.
struct Limiters {
    upload: Option<KeyedLimiter>,
    convert: Option<KeyedLimiter>,
    download: Option<KeyedLimiter>,
    session_init: Option<KeyedLimiter>,
}

impl Limiters {
    fn new(config: &Config) -> Self {
        let keyed = |per_minute: u32| {
            NonZeroU32::new(per_minute)
                .map(|n| governor::RateLimiter::keyed(governor::Quota::per_minute(n)))
        };
        Limiters {
            upload: keyed(config.upload_rate_per_minute),
            convert: keyed(config.convert_rate_per_minute),
            download: keyed(config.download_rate_per_minute),
            session_init: keyed(config.init_rate_per_minute),
        }
    }

    fn get(&self, limit: Limit) -> Option<&KeyedLimiter> {
        match limit {
            Limit::Upload => self.upload.as_ref(),
            Limit::Convert => self.convert.as_ref(),
            Limit::Download => self.download.as_ref(),
            Limit::SessionInit => self.session_init.as_ref(),
        }
    }
}

pub struct RateLimiter {
    enabled: bool,
    config: Config,
    /// Replaced whole by `clear` (the test hooks' reset): governor has no "forget everything".
    limiters: RwLock<Limiters>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    pub fn new(config: &Config) -> Self {
        RateLimiter {
            enabled: config.rate_limits_enabled,
            config: config.clone(),
            limiters: RwLock::new(Limiters::new(config)),
        }
    }

    fn limiters(&self) -> RwLockReadGuard<'_, Limiters> {
        self.limiters.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets one request from `ip` through, or says how long to wait (whole seconds, at least 1).
    pub fn check(&self, limit: Limit, ip: IpAddr) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let limiters = self.limiters();
        let Some(limiter) = limiters.get(limit) else {
            return Ok(());
        };
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            }
        })
    }

    /// Forgets clients whose allowance has refilled completely (they carry no information).
    pub fn purge_idle(&self) {
        let limiters = self.limiters();
        for limit in LIMITS {
            if let Some(limiter) = limiters.get(limit) {
                limiter.retain_recent();
            }
        }
    }

    pub fn clear(&self) {
        *self
            .limiters
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Limiters::new(&self.config);
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
