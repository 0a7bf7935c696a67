//! What a photo is, from its header and its last bytes, without decoding
//! its pixels: the format, the size as shown (EXIF orientation applied),
//! whether it has transparency, and whether the file is whole. A photo
//! over the pixel limit is refused here, before anything allocates for it.

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// The formats a photo may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) enum PhotoFormat {
    /// JPEG: resized to WebP, with JPEG fallbacks.
    Jpeg,
    /// PNG: resized to WebP, with PNG fallbacks when it has transparency (else JPEG).
    Png,
    /// GIF: its first frame, resized like a PNG.
    Gif,
    /// WebP: resized to WebP, with JPEG or PNG fallbacks.
    WebP,
    /// SVG: copied as it is and only ever shown through `<img>`.
    Svg,
}

/// A photo's header, read without decoding it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Probe {
    /// The format, from the file's first bytes (the name's extension for SVG).
    pub format: PhotoFormat,
    /// Width as shown, EXIF orientation applied (0 for SVG).
    pub width: u32,
    /// Height as shown, EXIF orientation applied (0 for SVG).
    pub height: u32,
    /// Whether it has an alpha channel (fallbacks are then PNG).
    pub alpha: bool,
    /// [`crate::hash_bytes`] of the file's bytes.
    pub hash: u64,
    /// The file's length in bytes.
    pub len: u64,
}

/// Why a photo cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ProbeError {
    /// Not a format arshif reads.
    #[error("is not a JPEG, PNG, GIF, WebP or SVG image")]
    Unsupported,
    /// The header cannot be read.
    #[error("is corrupt: {0}")]
    Corrupt(String),
    /// The file ends before its image does.
    #[error("is cut short (its end is missing): it was not copied or uploaded whole")]
    Truncated,
    /// More pixels than the limit.
    #[error("is {width} × {height} pixels, more than image_max_pixels ({limit}) allows: refused before decoding")]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit in force.
        limit: u64,
    },
}

/// The decoder limits for a photo of at most `max_pixels` pixels: the
/// decoders refuse larger sizes and allocations themselves too, whatever
/// the header said.
pub(crate) fn limits(max_pixels: u64) -> Limits {
    let mut limits = Limits::default();
    let side = max_pixels.min(u32::MAX as u64) as u32;
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    // Four bytes a pixel (RGBA), and room for the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(64 << 20));
    limits
}

/// Reads a photo's header. `svg` says the file's name ends in `.svg`.
pub(crate) fn probe(bytes: &[u8], svg: bool, max_pixels: u64) -> Result<Probe, ProbeError> {
    let hash = crate::hash_bytes(bytes);
    let len = bytes.len() as u64;
    if svg {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
        if !head.trim_start_matches('\u{feff}').trim_start().starts_with('<') {
            return Err(ProbeError::Unsupported);
        }
        return Ok(Probe {
            format: PhotoFormat::Svg,
            width: 0,
            height: 0,
            alpha: true,
            hash,
            len,
        });
    }
    let format = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => PhotoFormat::Jpeg,
        Ok(ImageFormat::Png) => PhotoFormat::Png,
        Ok(ImageFormat::Gif) => PhotoFormat::Gif,
        Ok(ImageFormat::WebP) => PhotoFormat::WebP,
        _ => return Err(ProbeError::Unsupported),
    };
    if !is_whole(format, bytes) {
        return Err(ProbeError::Truncated);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Gif => ImageFormat::Gif,
        PhotoFormat::WebP | PhotoFormat::Svg => ImageFormat::WebP,
    });
    // No limits on the header read itself: the sizes it declares are
    // compared with the pixel limit below, so that the message says so.
    reader.no_limits();
    let mut decoder = reader
        .into_decoder()
        .map_err(|err| ProbeError::Corrupt(err.to_string()))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ProbeError::Corrupt("it declares no pixels".to_string()));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ProbeError::TooLarge {
            width,
            height,
            limit: max_pixels,
        });
    }
    let alpha = decoder.color_type().has_alpha();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Probe {
        format,
        width,
        height,
        alpha,
        hash,
        len,
    })
}

/// Whether an EXIF orientation turns the photo a quarter turn.
pub(crate) fn swaps_sides(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(orientation, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// Whether the file holds its format's end: decoders fill a cut-short
/// image with grey without an error (`image` 0.25 decodes half a JPEG).
fn is_whole(format: PhotoFormat, bytes: &[u8]) -> bool {
    match format {
        PhotoFormat::Jpeg => jpeg_has_end(bytes),
        // The IEND chunk: length 0, type, CRC.
        PhotoFormat::Png => find_last(bytes, b"\0\0\0\0IEND\xaeB`\x82").is_some(),
        // The trailer byte, maybe followed by padding.
        PhotoFormat::Gif => bytes.iter().rev().find(|&&b| b != 0) == Some(&0x3b),
        // The RIFF header says how long the file is.
        PhotoFormat::WebP => {
            bytes.len() >= 12
                && u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize + 8 <= bytes.len()
        }
        PhotoFormat::Svg => true,
    }
}

/// Whether a JPEG's main image ends: walks the segments from the start
/// (an EXIF thumbnail, with its own scan and end marker, lives inside an
/// APP1 segment and is skipped whole) to the first start of scan, then
/// looks for the end-of-image marker after it. Inside entropy-coded data
/// a 0xFF byte is always followed by 0x00 or a restart marker, so the
/// first FF D9 found is the end.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xff {
            return false;
        }
        let marker = bytes[at + 1];
        match marker {
            // Fill bytes before a marker.
            0xff => at += 1,
            // Markers without a length.
            0x01 | 0xd0..=0xd7 => at += 2,
            0xd9 => return true,
            _ => {
                let length = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
                if marker == 0xda {
                    let scan = (at + 2 + length).min(bytes.len());
                    return find_last(&bytes[scan..], &[0xff, 0xd9]).is_some();
                }
                at += 2 + length;
            }
        }
    }
    false
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i * 7 % 251) as u8).collect();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .expect("encode");
        out
    }

    #[test]
    fn a_whole_jpeg_is_read_and_a_cut_one_refused() {
        let bytes = jpeg(64, 48);
        let probe = probe(&bytes, false, 1_000_000).expect("probe");
        assert_eq!((probe.format, probe.width, probe.height), (PhotoFormat::Jpeg, 64, 48));
        assert_eq!(probe.hash, crate::hash_bytes(&bytes));
        let half = &bytes[..bytes.len() / 2];
        assert_eq!(super::probe(half, false, 1_000_000), Err(ProbeError::Truncated));
        // A few bytes short is cut short too.
        assert_eq!(
            super::probe(&bytes[..bytes.len() - 3], false, 1_000_000),
            Err(ProbeError::Truncated)
        );
    }

    #[test]
    fn the_pixel_limit_is_applied_from_the_header() {
        let bytes = jpeg(64, 48);
        assert_eq!(
            probe(&bytes, false, 64 * 48 - 1),
            Err(ProbeError::TooLarge {
                width: 64,
                height: 48,
                limit: 64 * 48 - 1
            })
        );
        assert!(probe(&bytes, false, 64 * 48).is_ok());
    }

    #[test]
    fn other_files_are_not_photos() {
        assert_eq!(probe(b"hello", false, 100), Err(ProbeError::Unsupported));
        assert_eq!(probe(b"hello", true, 100), Err(ProbeError::Unsupported));
        assert!(probe(b"<svg xmlns='http://www.w3.org/2000/svg'/>", true, 100).is_ok());
    }
}
