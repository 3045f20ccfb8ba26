//! Deflate (zlib) for every compressed stream inkstone writes, with its levels named in
//! one place. Data that never changes (the ICC profiles) is deflated once, when
//! inkstone itself is built (`build.rs` includes this file), so no build pays for it.

use std::cell::RefCell;

use libdeflater::Compressor;

/// Level for PDF page content and the EPUB's pages and other text. On the article's
/// pages, stylesheet and package files (29 KB) and its PDF's page content and CMaps
/// (48 KB): level 6 takes 0.26 and 0.48 ms for 41.8 % and 33.4 % of their size; level 1
/// saves 0.1 and 0.25 ms for 43.6 % and 36.7 %, level 9 costs 0.04 and 0.3 ms more for
/// 41.7 % and 32.7 %.
pub const CONTENT: i32 = 6;

/// Level for font programs: the PDF's and the EPUB's web fonts, most of the article's
/// deflating. On its two PDF font programs (295 KB): level 1 takes 1.5 ms for 57.3 %,
/// levels 2 to 9 2.1 to 2.6 ms for 56.3 % to 56.1 %, level 10 8.4 ms for 55.7 %; on its
/// two web fonts (311 KB) level 1 takes 1.6 ms for 57.6 %, level 6 2.5 ms for 56.1 %
/// (libdeflate; zlib's level 9 took twice libdeflate's). So 1: 1.9 ms less work for
/// each build of the article (a twelfth of it), for fonts 2 % larger.
pub const FONTS: i32 = 1;

/// Level for the PDF's images (deflated samples and soft masks) and `/ToUnicode` CMaps.
pub const PDF_RESOURCES: i32 = 9;

/// Level for constant data deflated when inkstone is built, where time costs nothing.
pub const AT_BUILD_TIME: i32 = 12;

/// `data` deflated (zlib framing, as PDF streams are) at `level` (1-12), with
/// libdeflate: it compresses a whole buffer at once, about 1.6 times as fast as zlib
/// and a little smaller.
pub fn zlib(data: &[u8], level: i32) -> Vec<u8> {
    compress(data, level, Framing::Zlib)
}

/// `data` deflated without framing (as ZIP entries are) at `level` (1-12).
pub fn raw(data: &[u8], level: i32) -> Vec<u8> {
    compress(data, level, Framing::None)
}

/// What wraps the deflated data.
enum Framing {
    Zlib,
    None,
}

fn compress(data: &[u8], level: i32, framing: Framing) -> Vec<u8> {
    with_compressor(level, |compressor| {
        let bound = match framing {
            Framing::Zlib => compressor.zlib_compress_bound(data.len()),
            Framing::None => compressor.deflate_compress_bound(data.len()),
        };
        let mut deflated = vec![0; bound];
        let len = match framing {
            Framing::Zlib => compressor.zlib_compress(data, &mut deflated),
            Framing::None => compressor.deflate_compress(data, &mut deflated),
        };
        // the buffer holds the bound, so compressing cannot run out of room
        deflated.truncate(len.unwrap_or(0));
        deflated
    })
}

thread_local! {
    /// This thread's compressors, one per level used. A libdeflate compressor is half a
    /// megabyte of match-finder tables: made afresh for every stream, its pages were
    /// faulted in anew each time (about 80 of the article's 730 page faults).
    /// Compressing keeps no state from one buffer to the next, so a compressor kept for
    /// the thread's life gives the same bytes. The tables come from inkstone's own
    /// allocator (libdeflater's `use_rust_alloc`), not from the C library's `malloc`,
    /// which maps each anew and faults it in 4 KiB at a time.
    static COMPRESSORS: RefCell<Vec<(i32, Compressor)>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with this thread's compressor for `level`, made on first use.
fn with_compressor<T>(level: i32, f: impl FnOnce(&mut Compressor) -> T) -> T {
    COMPRESSORS.with_borrow_mut(|compressors| {
        let at = match compressors.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                let lvl = libdeflater::CompressionLvl::new(level).unwrap_or_default();
                compressors.push((level, Compressor::new(lvl)));
                compressors.len() - 1
            }
        };
        f(&mut compressors[at].1)
    })
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
