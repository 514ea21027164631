//! Turning a supplier's picture into the sizes pages use: decode (JPEG, PNG, WebP, GIF's first frame)
//! within limits, scale to each slot's width keeping the aspect ratio (never wider than the source),
//! flatten transparency onto white, encode as JPEG. Pure Rust codecs, no C library. CPU-bound: call it
//! from `spawn_blocking`.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, ImageFormat, ImageReader, Limits, RgbImage};
use meridian_domain::images::SLOTS;
use std::io::Cursor;

/// JPEG quality: visually clean product photos at about a tenth of the source's bytes.
const QUALITY: u8 = 82;

/// Bounds on what is decoded, so a small file claiming a huge picture cannot take the worker's memory.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Longest side, in pixels.
    pub max_side: u32,
    /// Memory the decoder may allocate, in bytes.
    pub max_alloc: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_side: 10_000,
            max_alloc: 256 * 1024 * 1024,
        }
    }
}

/// One stored size: the slot it fills, its real width, and its JPEG bytes.
#[derive(Debug, Clone)]
pub struct Sized {
    pub slot: u32,
    pub width: u32,
    pub jpeg: Vec<u8>,
}

/// The sizes of `source`, one per slot in [`SLOTS`] order, or why it is not an image we take.
pub fn sizes(source: &[u8], bounds: Bounds) -> Result<Vec<Sized>, String> {
    let image = decode(source, bounds)?;
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 {
        return Err("the image has no pixels".into());
    }
    let rgb = DynamicImage::ImageRgb8(flatten(image));
    SLOTS
        .into_iter()
        .map(|slot| {
            // `DynamicImage`'s own (non-generic) methods run at the `image` crate's optimisation level.
            let scaled = scale(&rgb, slot);
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
                .encode(
                    scaled.as_bytes(),
                    scaled.width(),
                    scaled.height(),
                    ExtendedColorType::Rgb8,
                )
                .map_err(|e| format!("cannot encode it: {e}"))?;
            Ok(Sized {
                slot,
                width: scaled.width(),
                jpeg,
            })
        })
        .collect()
}

fn decode(source: &[u8], bounds: Bounds) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(|e| format!("cannot read it: {e}"))?;
    // The bytes decide the format, not the Content-Type: a mislabelled PNG is still a PNG.
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) => {}
        _ => return Err("its bytes are not a JPEG, PNG, WebP or GIF".into()),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(bounds.max_side);
    limits.max_image_height = Some(bounds.max_side);
    limits.max_alloc = Some(bounds.max_alloc);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => format!(
            "too large to decode (over {} pixels a side or {} MiB)",
            bounds.max_side,
            bounds.max_alloc / (1024 * 1024)
        ),
        other => format!("cannot decode it: {other}"),
    })
}

/// JPEG has no alpha: transparent pixels become white, as on the page's background.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let c = u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a));
            u8::try_from(c / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// `image` scaled to `width` (at most its own), keeping its aspect ratio.
fn scale(image: &DynamicImage, width: u32) -> DynamicImage {
    if image.width() <= width {
        return image.clone();
    }
    let height = u64::from(image.height()) * u64::from(width) / u64::from(image.width());
    let height = u32::try_from(height).unwrap_or(u32::MAX).max(1);
    image.resize_exact(width, height, FilterType::Lanczos3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, alpha]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn sizes_keep_the_aspect_ratio_and_never_upscale() {
        let big = sizes(&png(1600, 1200, 255), Bounds::default()).unwrap();
        let got: Vec<(u32, u32)> = big.iter().map(|s| (s.slot, s.width)).collect();
        assert_eq!(got, vec![(400, 400), (800, 800)]);
        let small = image::load_from_memory(&big[0].jpeg).unwrap();
        assert_eq!((small.width(), small.height()), (400, 300));
        let tiny = sizes(&png(120, 90, 255), Bounds::default()).unwrap();
        assert!(tiny.iter().all(|s| s.width == 120));
    }

    #[test]
    fn transparency_turns_white_and_bad_bytes_have_a_reason() {
        let clear = sizes(&png(10, 10, 0), Bounds::default()).unwrap();
        let decoded = image::load_from_memory(&clear[0].jpeg).unwrap().into_rgb8();
        assert!(decoded.pixels().all(|p| p.0.iter().all(|&c| c > 245)));
        let html = sizes(b"<!doctype html><p>not found", Bounds::default()).unwrap_err();
        assert!(html.contains("not a JPEG"), "{html}");
        let bounds = Bounds {
            max_side: 100,
            ..Bounds::default()
        };
        assert!(sizes(&png(101, 2, 255), bounds)
            .unwrap_err()
            .contains("too large"));
    }
}
