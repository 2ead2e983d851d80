//! The baselines measured in the same run: the test picture, and how many PNG → JPEG
//! conversions of it the machine's cores do per second in-process, without HTTP.

use std::io::Cursor;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use trustyconvert_convert::{convert, ConvertLimits};

/// The test picture's size: about 100 KB as a PNG.
pub const PNG_WIDTH: u32 = 256;
pub const PNG_HEIGHT: u32 = 192;

/// A deterministic photo-like PNG of about 100 KB: smooth colour fields with a fine texture
/// (a pure gradient would compress to almost nothing, pure noise would not be a photo).
pub fn test_png() -> Result<Vec<u8>, String> {
    let (width, height) = (PNG_WIDTH, PNG_HEIGHT);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        // xorshift64: the same bytes on every run and machine.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let grain = (state % 24) as u32;
        image::Rgb([
            ((x * 255 / width) + grain).min(255) as u8,
            ((y * 255 / height) + grain).min(255) as u8,
            (((x + y) * 255 / (width + height)) + grain / 2).min(255) as u8,
        ])
    });
    let mut png = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode the test PNG: {e}"))?;
    Ok(png)
}

/// Conversions per second of `png` to JPEG through the converter the server uses, on
/// `threads` threads at once for `duration`.
pub fn conversions_per_second(
    png: &[u8],
    threads: usize,
    duration: Duration,
    dir: &Path,
) -> Result<f64, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let input = dir.join("input.png");
    std::fs::write(&input, png).map_err(|e| format!("cannot write the test PNG: {e}"))?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|i| {
            let (input, output) = (input.clone(), dir.join(format!("output-{i}.jpg")));
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || -> Result<(), String> {
                while !stop.load(Ordering::Relaxed) {
                    let limits = ConvertLimits::with_timeout(Duration::from_secs(120));
                    convert(&input, "png", "jpg", &output, &limits, &mut |_| {})
                        .map_err(|e| format!("baseline conversion failed: {e}"))?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker
            .join()
            .map_err(|_| "a baseline thread panicked".to_string())??;
    }
    let elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(dir);
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64())
}
