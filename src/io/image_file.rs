//! Writing chart images as PNG files.

use std::path::Path;

use image::ImageEncoder;
use image::codecs::png::PngEncoder;

use super::document_file::{SaveError, write_file_atomic};

/// Encodes `rgba` (`width` × `height` pixels, 4 bytes each) as PNG and writes it atomically.
pub fn save_png(path: &Path, width: u32, height: u32, rgba: &[u8]) -> Result<(), SaveError> {
    // The encoder asserts on a wrong length; check first so that bad input is an error.
    let expected = u64::from(width) * u64::from(height) * 4;
    if rgba.len() as u64 != expected || width == 0 || height == 0 {
        return Err(SaveError::Encode(format!(
            "{width}×{height} pixels need {expected} bytes, got {}",
            rgba.len()
        )));
    }
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(rgba, width, height, image::ExtendedColorType::Rgba8)
        .map_err(|err| SaveError::Encode(err.to_string()))?;
    write_file_atomic(path, &bytes, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_png_that_decodes_to_the_same_pixels() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        let rgba: Vec<u8> = (0..2 * 3 * 4).map(|i| (i * 10) as u8).collect();
        save_png(&path, 2, 3, &rgba).unwrap();
        let decoded = image::open(&path).unwrap().to_rgba8();
        assert_eq!(decoded.dimensions(), (2, 3));
        assert_eq!(decoded.into_raw(), rgba);
        assert!(
            !crate::io::backup_path(&path).exists(),
            "images keep no backup"
        );
    }

    #[test]
    fn wrong_buffer_size_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = save_png(&dir.path().join("x.png"), 10, 10, &[0; 7]).unwrap_err();
        assert!(matches!(err, SaveError::Encode(_)), "{err:?}");
    }
}
