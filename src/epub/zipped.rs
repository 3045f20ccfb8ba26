//! The EPUB's ZIP, deflated on every core: each entry is compressed on its own (the
//! large files ahead, while the print edition is still being set), then all are
//! written in package order into one archive.
//!
//! The archive is written here rather than by the zip crate, which deflates only
//! through its own writer (zlib-rs) and takes no entry deflated beforehand: libdeflate
//! ([`crate::deflate`]) compresses the fonts, most of an EPUB's bytes, in 60 % of the
//! time and a little smaller. The format is the plain one of APPNOTE 6.3 §4.3, all
//! an EPUB may use (OCF 3.3 §4.2): local headers, the central directory and its end
//! record; no ZIP64, no data descriptors, no extra fields, no encryption.

use rayon::prelude::*;

use crate::error::{Code, Error, Location, Result};

/// One file of the package, compressed (or not) and ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    path: String,
    /// The CRC-32 and length of the uncompressed contents.
    crc: u32,
    len: usize,
    method: Method,
    /// The contents as stored in the archive.
    stored: Vec<u8>,
}

/// How an entry's contents are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Stored,
    Deflated,
}

impl Method {
    /// The entry `path`'s method: `mimetype` and images (compressed already) stored, the
    /// rest deflated.
    fn of(path: &str) -> Method {
        let compressed = path == MIMETYPE
            || [".jpg", ".jpeg", ".png", ".gif", ".webp"]
                .iter()
                .any(|ext| path.ends_with(ext));
        if compressed {
            Method::Stored
        } else {
            Method::Deflated
        }
    }

    /// The method's number in a ZIP header.
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

/// The deflate level of the entry `path`: the web fonts (every one an `.otf`) at
/// [`crate::deflate::FONTS`], text at [`crate::deflate::CONTENT`].
fn level(path: &str) -> i32 {
    if path.ends_with(".otf") {
        crate::deflate::FONTS
    } else {
        crate::deflate::CONTENT
    }
}

/// The first entry of every EPUB, stored.
const MIMETYPE: &str = "mimetype";

impl Packed {
    /// `data` as the entry `path`: stored for images and `mimetype`, deflated otherwise.
    pub fn new(path: &str, data: &[u8]) -> Packed {
        let method = Method::of(path);
        let stored = match method {
            Method::Stored => data.to_vec(),
            Method::Deflated => crate::deflate::raw(data, level(path)),
        };
        Packed {
            path: path.to_string(),
            crc: libdeflater::crc32(data),
            len: data.len(),
            method,
            stored,
        }
    }

    /// The entry's path in the ZIP.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn holds(&self, path: &str, data: &[u8]) -> bool {
        self.path == path && self.len == data.len() && self.crc == libdeflater::crc32(data)
    }
}

/// A ZIP as EPUB requires: `mimetype` first and stored, then `entries` (path,
/// contents) in order, images stored, everything else deflated, every entry stamped
/// `modified` (seconds since 1970), so that the same book gives the same bytes. An
/// entry found in `ahead` (same path and contents) is taken from there; the others are
/// compressed here, side by side.
pub fn archive(entries: &[(String, Vec<u8>)], ahead: &[Packed], modified: i64) -> Result<Vec<u8>> {
    let mimetype = Packed::new(MIMETYPE, b"application/epub+zip");
    let packed: Vec<std::borrow::Cow<'_, Packed>> = entries
        .par_iter()
        .map(
            |(path, data)| match ahead.iter().find(|p| p.holds(path, data)) {
                Some(p) => std::borrow::Cow::Borrowed(p),
                None => std::borrow::Cow::Owned(Packed::new(path, data)),
            },
        )
        .collect();
    let all: Vec<&Packed> = std::iter::once(&mimetype)
        .chain(packed.iter().map(|p| p.as_ref()))
        .collect();
    write(&all, dos_time(modified))
}

/// The archive of `entries`, each stamped `(time, date)`.
fn write(entries: &[&Packed], (time, date): (u16, u16)) -> Result<Vec<u8>> {
    let size: usize = entries
        .iter()
        .map(|e| LOCAL_HEADER + CENTRAL_HEADER + 2 * e.path.len() + e.stored.len())
        .sum::<usize>()
        + END_RECORD;
    let fits = |n: usize| u32::try_from(n).is_ok() && n != u32::MAX as usize;
    if !fits(size) || entries.iter().any(|e| !fits(e.len)) || entries.len() > 0xFFFF {
        return Err(too_large(size));
    }
    let mut zip = Vec::with_capacity(size);
    let mut central = Vec::with_capacity(entries.len() * CENTRAL_HEADER);
    for entry in entries {
        let offset = zip.len() as u32;
        let name = entry.path.as_bytes();
        // bit 11: the name is UTF-8
        let flags: u16 = if entry.path.is_ascii() { 0 } else { 1 << 11 };
        let common = |out: &mut Vec<u8>| {
            put16(out, VERSION_NEEDED);
            put16(out, flags);
            put16(out, entry.method.code());
            put16(out, time);
            put16(out, date);
            put32(out, entry.crc);
            put32(out, entry.stored.len() as u32);
            put32(out, entry.len as u32);
            put16(out, name.len() as u16);
            put16(out, 0); // extra field length
        };
        put32(&mut zip, 0x0403_4b50);
        common(&mut zip);
        zip.extend_from_slice(name);
        zip.extend_from_slice(&entry.stored);

        put32(&mut central, 0x0201_4b50);
        put16(&mut central, VERSION_MADE_BY);
        common(&mut central);
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk number
        put16(&mut central, 0); // internal attributes
        put32(&mut central, FILE_MODE << 16);
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let central_offset = zip.len() as u32;
    zip.extend_from_slice(&central);
    put32(&mut zip, 0x0605_4b50);
    put16(&mut zip, 0); // this disk
    put16(&mut zip, 0); // the central directory's disk
    put16(&mut zip, entries.len() as u16);
    put16(&mut zip, entries.len() as u16);
    put32(&mut zip, central.len() as u32);
    put32(&mut zip, central_offset);
    put16(&mut zip, 0); // comment length
    Ok(zip)
}

/// Lengths of a local header, a central directory header (names excluded) and the
/// central directory's end record.
const LOCAL_HEADER: usize = 30;
const CENTRAL_HEADER: usize = 46;
const END_RECORD: usize = 22;

/// ZIP 2.0 (deflate) is needed to extract; made on Unix (so the mode below is read).
const VERSION_NEEDED: u16 = 20;
const VERSION_MADE_BY: u16 = (3 << 8) | 20;

/// Every entry is a regular file readable by all (`-rw-r--r--`).
const FILE_MODE: u32 = 0o100_644;

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// The error for a package past ZIP's 4 GiB (or 65,535 files).
fn too_large(size: usize) -> Error {
    Error::input(
        Code::EpubTooLarge,
        Location::file("book.toml"),
        format!(
            "the EPUB's files add up to {:.1} GB, more than an EPUB's ZIP can hold (4 GiB, \
             65,535 files) and more than any store takes",
            size as f64 / 1e9
        ),
        "split the book into volumes, or use fewer or smaller images",
    )
}

/// The MS-DOS (time, date) of `seconds` since 1970, clamped to the years a ZIP can
/// hold (1980-2107); seconds are kept to two.
fn dos_time(seconds: i64) -> (u16, u16) {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    let (year, month, day) = match t.year() {
        ..1980 => (1980, 1, 1),
        2108.. => (2107, 12, 31),
        year => (year, t.month(), t.day()),
    };
    let (hour, minute, second) = match t.year() {
        1980..2108 => (t.hour(), t.minute(), t.second().min(58)),
        ..1980 => (0, 0, 0),
        _ => (23, 59, 58),
    };
    let time = (hour << 11) | (minute << 5) | (second / 2);
    let date = (((year - 1980) as u32) << 9) | (month << 5) | day;
    (time as u16, date as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn entries() -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "OEBPS/a.xhtml".to_string(),
                "镇江高新区 ".repeat(5000).into_bytes(),
            ),
            ("OEBPS/cover.png".to_string(), vec![7; 3000]),
            (
                "OEBPS/fonts/f.otf".to_string(),
                (0..=255u8).cycle().take(70_000).collect(),
            ),
            ("OEBPS/empty.css".to_string(), Vec::new()),
            ("OEBPS/images/图.jpg".to_string(), vec![1, 2, 3]),
        ]
    }

    #[test]
    fn the_zip_crate_reads_back_every_entry_in_order() {
        let entries = entries();
        let modified = 1_638_316_800; // 2021-12-01 00:00:00
        let bytes = archive(&entries, &[], modified).unwrap();
        // OCF: `mimetype` first, stored, its contents at byte 38
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(zip.len(), entries.len() + 1);
        for (i, (path, data)) in entries.iter().enumerate() {
            // reading checks the CRC
            let mut file = zip.by_index(i + 1).unwrap();
            assert_eq!(file.name(), path);
            let method = file.compression();
            let mut read = Vec::new();
            file.read_to_end(&mut read).unwrap();
            assert_eq!(&read, data, "{path}");
            let stored = path.ends_with(".png") || path.ends_with(".jpg");
            assert_eq!(method == zip::CompressionMethod::Stored, stored, "{path}");
            assert_eq!(file.unix_mode(), Some(0o100_644));
            let t = file.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2021, 12, 1, 0));
        }
    }

    #[test]
    fn packed_ahead_or_here_the_bytes_are_the_same() {
        let entries = entries();
        let modified = 1_638_316_800;
        let ahead = vec![
            Packed::new("OEBPS/fonts/f.otf", &entries[2].1),
            // same path, other contents: not taken
            Packed::new("OEBPS/a.xhtml", b"other"),
        ];
        assert_eq!(
            archive(&entries, &ahead, modified).unwrap(),
            archive(&entries, &[], modified).unwrap()
        );
    }

    #[test]
    fn timestamps_are_clamped_to_the_years_a_zip_holds() {
        assert_eq!(dos_time(0), (0, 1 << 5 | 1));
        assert_eq!(
            dos_time(i64::from(u32::MAX) * 2),
            (23 << 11 | 59 << 5 | 29, 127 << 9 | 12 << 5 | 31)
        );
        // 2021-11-01 12:34:57: seconds kept to two
        assert_eq!(
            dos_time(1_635_770_097),
            (12 << 11 | 34 << 5 | 28, 41 << 9 | 11 << 5 | 1)
        );
    }
}
