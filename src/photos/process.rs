//! Turning a photo into the files the site serves: decoded once (within
//! the pixel limit), turned upright by its EXIF orientation, resized to
//! each width with a Lanczos filter (SIMD, `fast_image_resize`), encoded
//! as lossy WebP (libwebp) with one JPEG (or, with transparency, PNG)
//! fallback, and cropped to the shapes search engines ask for. Every file
//! is encoded from pixels, so none carries the original's EXIF, GPS
//! position, comments or colour profile.

use super::probe::{limits, PhotoFormat, Probe};
use super::{Variant, VariantKind};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

/// The pixels of a decoded photo, upright: RGB, or RGBA when it has transparency.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Decodes a photo and makes each variant's bytes, in the order given.
/// The message of an error says what is wrong with the file.
pub(crate) fn process(
    bytes: &[u8],
    probe: &Probe,
    variants: &[Variant],
    quality: u8,
    max_pixels: u64,
) -> Result<Vec<Vec<u8>>, String> {
    if probe.format == PhotoFormat::Svg {
        return Ok(variants.iter().map(|_| bytes.to_vec()).collect());
    }
    let pixels = decode(bytes, probe, max_pixels)?;
    let mut resizer = Resizer::new();
    variants
        .iter()
        .map(|variant| {
            let (left, top, width, height) = variant.region;
            let resized = resize(
                &mut resizer,
                &pixels,
                (left, top, width, height),
                variant.width,
                variant.height,
            )?;
            encode(
                &resized,
                variant.width,
                variant.height,
                pixels.alpha,
                variant.kind,
                quality,
            )
        })
        .collect()
}

/// Decodes, within the limits, and turns the picture upright.
fn decode(bytes: &[u8], probe: &Probe, max_pixels: u64) -> Result<Pixels, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match probe.format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Gif => ImageFormat::Gif,
        PhotoFormat::WebP | PhotoFormat::Svg => ImageFormat::WebP,
    });
    reader.limits(limits(max_pixels));
    let corrupt = |err: image::ImageError| format!("is corrupt: {err}");
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    picture.apply_orientation(orientation);
    if (picture.width(), picture.height()) != (probe.width, probe.height) {
        return Err(format!(
            "is corrupt: its header says {} × {} pixels, its picture is {} × {}",
            probe.width,
            probe.height,
            picture.width(),
            picture.height()
        ));
    }
    let (width, height) = (picture.width(), picture.height());
    let data = if probe.alpha {
        picture.into_rgba8().into_raw()
    } else {
        picture.into_rgb8().into_raw()
    };
    Ok(Pixels {
        width,
        height,
        alpha: probe.alpha,
        data,
    })
}

/// The region `(left, top, width, height)` of the picture scaled to `width` × `height`.
fn resize(
    resizer: &mut Resizer,
    pixels: &Pixels,
    region: (u32, u32, u32, u32),
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let pixel_type = if pixels.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let source = ImageRef::new(pixels.width, pixels.height, &pixels.data, pixel_type).map_err(|e| e.to_string())?;
    let mut target = Image::new(width, height, pixel_type);
    let (left, top, w, h) = region;
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(left as f64, top as f64, w as f64, h as f64);
    resizer
        .resize(&source, &mut target, &options)
        .map_err(|e| format!("cannot be resized: {e}"))?;
    Ok(target.into_vec())
}

/// Encodes resized pixels as the variant's format.
fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    alpha: bool,
    kind: VariantKind,
    quality: u8,
) -> Result<Vec<u8>, String> {
    match kind {
        VariantKind::Webp => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(pixels, width, height)
            } else {
                webp::Encoder::from_rgb(pixels, width, height)
            };
            encoder
                .encode_simple(false, f32::from(quality))
                .map(|memory| memory.to_vec())
                .map_err(|e| format!("cannot be encoded as WebP: {e:?}"))
        }
        VariantKind::Fallback | VariantKind::Crop(_) => {
            let mut out = Vec::new();
            let result = if alpha {
                image::ImageEncoder::write_image(
                    image::codecs::png::PngEncoder::new(&mut out),
                    pixels,
                    width,
                    height,
                    ExtendedColorType::Rgba8,
                )
            } else {
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode(
                    pixels,
                    width,
                    height,
                    ExtendedColorType::Rgb8,
                )
            };
            result.map(|_| out).map_err(|e| format!("cannot be encoded: {e}"))
        }
        VariantKind::Copy => Err("an SVG is copied, not encoded".to_string()),
    }
}
