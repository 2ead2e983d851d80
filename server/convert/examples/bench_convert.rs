//! Benchmark of a 12-megapixel PNG → JPEG conversion through the converter registry, as a ratio
//! against the `image` crate doing the same decode and encode directly in the same run: the
//! registry's checks, limits and file handling should cost little on top.

use std::io::Cursor;
use std::time::{Duration, Instant};

use trustyconvert_convert::{convert, ConvertLimits};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (width, height) = (4000, 3000);
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 239) as u8])
    });
    let mut png = Vec::new();
    picture.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)?;
    let dir = std::env::temp_dir().join(format!("trustyconvert-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let input = dir.join("input.png");
    std::fs::write(&input, &png)?;
    let output = dir.join("output.jpg");

    let rounds = 5;
    let mut direct = Vec::new();
    let mut registry = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let decoded =
            image::load_from_memory_with_format(&std::fs::read(&input)?, image::ImageFormat::Png)?;
        let mut jpeg = Vec::new();
        decoded
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)?;
        std::fs::write(&output, &jpeg)?;
        direct.push(start.elapsed());

        let limits = ConvertLimits::with_timeout(Duration::from_secs(120));
        let start = Instant::now();
        convert(&input, "png", "jpg", &output, &limits, &mut |_| {})?;
        registry.push(start.elapsed());
    }
    let (direct, registry) = (median(direct), median(registry));
    let ratio = registry.as_secs_f64() / direct.as_secs_f64().max(f64::EPSILON);
    println!(
        "{:<44} {ratio:>6.2}× image crate directly ({registry:?} vs {direct:?})",
        "convert: 12 MP PNG → JPEG"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
