//! Deflate (zlib) for every compressed stream inkstone writes, with its levels named in
//! one place. Data that never changes (the ICC profiles) is deflated once, when
//! inkstone itself is built (`build.rs` includes this file), so no build pays for it.

use std::cell::RefCell;

use libdeflater::Compressor;

/// Level for PDF page content and the EPUB's entries. Measured on the article's serif
/// web font (243 KB): level 6 takes 2.4 ms for 162 KB where zlib's level 6 took 3.8 ms
/// for 166 KB; levels 2-4 save 0.3 ms for a larger file, level 9 costs 0.4 ms more for
/// nothing.
pub const CONTENT: i32 = 6;

/// Level for font programs, `/ToUnicode` CMaps and images in the PDF. On the article's
/// serif font program (230 KB): level 9 takes 2.5 ms for 155.1 KB, level 6 2.2 ms for
/// 155.2 KB (zlib's level 9 took 5.0 ms for 155.9 KB); level 12 saves 1 % more for 4.6
/// times the time. So 9, whose extra 0.3 ms runs beside the EPUB's work.
pub const FONTS: i32 = 9;

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
    /// megabyte of match-finder tables, which libdeflate takes from the C allocator:
    /// made afresh for every stream, its pages were faulted in anew each time (a third of
    /// the article's page faults). Compressing keeps no state from one buffer to the
    /// next, so a compressor kept for the thread's life gives the same bytes.
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
