//! Deflate (zlib) for every compressed stream inkstone writes, with its levels named in
//! one place. Data that never changes (the ICC profiles) is deflated once, when
//! inkstone itself is built (`build.rs` includes this file), so no build pays for it.

use std::io::Write as _;

/// Level for PDF page content and the EPUB's entries: level 6 compresses content only
/// ~2 % worse than 9 at a third of the time (measured on the long benchmark book).
pub const CONTENT: u32 = 6;

/// Level for font programs, `/ToUnicode` CMaps and images in the PDF. Measured on the
/// article (41 interleaved builds): level 6 saves 1.2 ms of CPU and level 2 1.9 ms, with
/// no change in wall time (the fonts are deflated beside the EPUB's work), for a PDF
/// 1.4 % and 1.8 % larger; so 9.
pub const FONTS: u32 = 9;

/// Level for constant data deflated when inkstone is built, where time costs nothing.
pub const AT_BUILD_TIME: u32 = 9;

/// `data` deflated (zlib framing) at `level`.
pub fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::new(level),
    );
    // writing into a Vec cannot fail
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// `data` inflated (zlib framing), for tests that read back what was deflated.
#[cfg(test)]
pub fn inflate(data: &[u8]) -> Vec<u8> {
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(data), &mut inflated)
        .expect("deflated data inflates");
    inflated
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_is_deflated_inflates_to_itself() {
        let text = "子曰：学而时习之，不亦说乎？".repeat(20);
        let deflated = super::zlib(text.as_bytes(), super::CONTENT);
        assert!(deflated.len() < text.len() / 4);
        assert_eq!(super::inflate(&deflated), text.as_bytes());
    }
}
