//! Raster images: bounded decoding, conversion between formats, and image-to-PDF.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use image::codecs::{
    bmp::BmpEncoder, gif::GifEncoder, jpeg::JpegEncoder, png::PngEncoder, tiff::TiffEncoder,
    webp::WebPEncoder,
};
use image::{ColorType, DynamicImage, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use crate::pdf::PdfBuilder;
use crate::{check_deadline, io_error, ConvertError, ConvertLimits};

fn image_format(format: &str) -> Option<ImageFormat> {
    Some(match format {
        "png" => ImageFormat::Png,
        "jpg" => ImageFormat::Jpeg,
        "gif" => ImageFormat::Gif,
        "webp" => ImageFormat::WebP,
        "bmp" => ImageFormat::Bmp,
        "tiff" => ImageFormat::Tiff,
        _ => return None,
    })
}

fn decode_error(source: &str, e: ImageError) -> ConvertError {
    match e {
        ImageError::Limits(_) => ConvertError::LimitExceeded(
            "The image needs more memory to decode than allowed.".into(),
        ),
        e => ConvertError::InvalidInput(format!("The file is not a readable {source} image: {e}")),
    }
}

fn reader(
    input: &Path,
    format: ImageFormat,
    limits: Limits,
) -> Result<ImageReader<BufReader<File>>, ConvertError> {
    let file = File::open(input).map_err(io_error)?;
    let mut reader = ImageReader::with_format(BufReader::new(file), format);
    reader.limits(limits);
    Ok(reader)
}

/// Decodes the image, first reading only its header so that a huge declared size is refused
/// before any pixel buffer is allocated.
pub(crate) fn decode(
    input: &Path,
    source: &str,
    limits: &ConvertLimits,
) -> Result<DynamicImage, ConvertError> {
    let format = image_format(source)
        .ok_or_else(|| ConvertError::InvalidInput(format!("{source} is not an image format")))?;
    let mut bounds = Limits::default();
    bounds.max_alloc = Some(limits.max_alloc);
    let (width, height) = reader(input, format, bounds.clone())?
        .into_dimensions()
        .map_err(|e| decode_error(source, e))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ConvertError::LimitExceeded(format!(
            "The image is {width}×{height} pixels; at most {} pixels are allowed.",
            limits.max_pixels
        )));
    }
    check_deadline(limits)?;
    // Strict width/height limits keep a decoder from trusting a different size later.
    bounds.max_image_width = Some(width);
    bounds.max_image_height = Some(height);
    reader(input, format, bounds)?
        .decode()
        .map_err(|e| decode_error(source, e))
}

/// Composites an image with transparency onto white (JPEG and PDF have no alpha).
fn flatten(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (src, dst) in rgba.pixels().zip(out.pixels_mut()) {
        let a = u32::from(src[3]);
        for c in 0..3 {
            // (v·a + 255·(255−a)) / 255, rounded; never exceeds 255.
            dst[c] = ((u32::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

/// Reduces to what every 8-bit encoder accepts: gray, RGB or RGBA.
fn to_8bit(img: DynamicImage) -> DynamicImage {
    match img.color() {
        ColorType::L8 | ColorType::Rgb8 | ColorType::Rgba8 => img,
        ColorType::L16 => DynamicImage::ImageLuma8(img.to_luma8()),
        c if c.has_alpha() => DynamicImage::ImageRgba8(img.to_rgba8()),
        _ => DynamicImage::ImageRgb8(img.to_rgb8()),
    }
}

/// Prepares the pixels the target format's encoder takes.
fn prepare(img: DynamicImage, target: &str) -> DynamicImage {
    match target {
        "jpg" if img.color() == ColorType::L8 => img,
        "jpg" => DynamicImage::ImageRgb8(flatten(&img)),
        // PNG keeps 16-bit depth; float images (some TIFFs) become 8-bit.
        "png" => match img.color() {
            ColorType::Rgb32F | ColorType::Rgba32F => to_8bit(img),
            _ => img,
        },
        "gif" => DynamicImage::ImageRgba8(img.to_rgba8()),
        // Lossless WebP and BMP take 8-bit RGB(A); gray+alpha is widened too.
        "webp" | "bmp" => match img.color() {
            ColorType::Rgb8 | ColorType::Rgba8 => img,
            c if c.has_alpha() => DynamicImage::ImageRgba8(img.to_rgba8()),
            _ => DynamicImage::ImageRgb8(img.to_rgb8()),
        },
        _ => to_8bit(img),
    }
}

fn encode_error(target: &str, e: ImageError) -> ConvertError {
    match e {
        ImageError::IoError(e) => io_error(e),
        ImageError::Limits(_) => {
            ConvertError::LimitExceeded(format!("The image is too large for {target}."))
        }
        e => ConvertError::InvalidInput(format!("The image cannot be written as {target}: {e}")),
    }
}

fn encode(img: &DynamicImage, target: &str, output: &Path) -> Result<(), ConvertError> {
    let file = File::create(output).map_err(io_error)?;
    let mut w = BufWriter::new(file);
    let result = match target {
        "png" => img.write_with_encoder(PngEncoder::new(&mut w)),
        "jpg" => img.write_with_encoder(JpegEncoder::new_with_quality(&mut w, 90)),
        // Speed 20 keeps palette quantisation fast on large images with little quality loss.
        "gif" => img.write_with_encoder(GifEncoder::new_with_speed(&mut w, 20)),
        "webp" => img.write_with_encoder(WebPEncoder::new_lossless(&mut w)),
        "bmp" => img.write_with_encoder(BmpEncoder::new(&mut w)),
        "tiff" => img.write_with_encoder(TiffEncoder::new(&mut w)),
        _ => return Err(unsupported_target(target)),
    };
    result.map_err(|e| encode_error(target, e))?;
    w.flush().map_err(io_error)
}

fn unsupported_target(target: &str) -> ConvertError {
    ConvertError::InvalidInput(format!("Images cannot be converted to {target}."))
}

/// Writes the image on one PDF page, transparency flattened onto white.
fn write_pdf(img: &DynamicImage, output: &Path) -> Result<(), ConvertError> {
    let mut pdf = PdfBuilder::new();
    if matches!(img.color(), ColorType::L8 | ColorType::L16) {
        let gray = img.to_luma8();
        pdf.add_image_page(gray.width(), gray.height(), 1, gray.as_raw());
    } else {
        let rgb = flatten(img);
        pdf.add_image_page(rgb.width(), rgb.height(), 3, rgb.as_raw());
    }
    std::fs::write(output, pdf.finish()).map_err(io_error)
}

/// Converts an image file to another image format or to PDF.
pub(crate) fn convert_image(
    input: &Path,
    source: &str,
    target: &str,
    output: &Path,
    limits: &ConvertLimits,
    progress: &mut dyn FnMut(u8),
) -> Result<(), ConvertError> {
    let img = decode(input, source, limits)?;
    progress(10);
    check_deadline(limits)?;
    if target == "pdf" {
        progress(60);
        return write_pdf(&img, output);
    }
    if image_format(target).is_none() {
        return Err(unsupported_target(target));
    }
    let img = prepare(img, target);
    progress(60);
    check_deadline(limits)?;
    encode(&img, target, output)
}
