//! The EPUB's ZIP, deflated on every core: each entry is compressed on its own (the
//! large files ahead, while the print edition is still being set) and copied raw, in
//! package order, into one archive: the same bytes one writer compressing the entries
//! in turn would give.

use std::borrow::Cow;
use std::io::{self, Cursor, Write};

use rayon::prelude::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{Error, Result};

/// One file of the package compressed ahead: a ZIP holding that file alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    path: String,
    /// The CRC-32 and length of the uncompressed contents, to tell it is the same file.
    crc: u32,
    len: usize,
    zip: Vec<u8>,
}

impl Packed {
    /// Compresses `data` as the entry `path` (stored for images, which are compressed
    /// already; deflated otherwise), stamped `modified` (seconds since 1970).
    pub fn new(path: &str, data: &[u8], modified: i64) -> Result<Packed> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(path, options(path, modified))
            .map_err(zip_error)?;
        zip.write_all(data).map_err(io_error)?;
        let zip = zip.finish().map_err(zip_error)?.into_inner();
        Ok(Packed {
            path: path.to_string(),
            crc: crc(data),
            len: data.len(),
            zip,
        })
    }

    fn holds(&self, path: &str, data: &[u8]) -> bool {
        self.path == path && self.len == data.len() && self.crc == crc(data)
    }
}

/// A ZIP as EPUB requires: `mimetype` first and stored, then `entries` (path,
/// contents) in order, images stored, everything else deflated, every entry stamped
/// `modified`, so that the same book gives the same bytes. An entry found in `ahead`
/// (same path and contents) is taken from there; the others are compressed here, side
/// by side.
pub fn archive(entries: &[(String, Vec<u8>)], ahead: &[Packed], modified: i64) -> Result<Vec<u8>> {
    let packed: Vec<Cow<'_, Packed>> = entries
        .par_iter()
        .map(
            |(path, data)| match ahead.iter().find(|p| p.holds(path, data)) {
                Some(p) => Ok(Cow::Borrowed(p)),
                None => Packed::new(path, data, modified).map(Cow::Owned),
            },
        )
        .collect::<Result<_>>()?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", options("mimetype", modified))
        .map_err(zip_error)?;
    zip.write_all(b"application/epub+zip").map_err(io_error)?;
    for entry in &packed {
        let mut source = ZipArchive::new(Cursor::new(entry.zip.as_slice())).map_err(zip_error)?;
        let file = source.by_index_raw(0).map_err(zip_error)?;
        zip.raw_copy_file(file).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// How the entry `path` is written: `mimetype` and images stored, the rest deflated.
fn options(path: &str, modified: i64) -> SimpleFileOptions {
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip_time(modified))
        .unix_permissions(0o644);
    let compressed = path == "mimetype"
        || [".jpg", ".jpeg", ".png", ".gif", ".webp"]
            .iter()
            .any(|ext| path.ends_with(ext));
    if compressed {
        stored
    } else {
        stored
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(i64::from(crate::deflate::CONTENT)))
    }
}

fn crc(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::Internal(format!("writing the EPUB's ZIP: {e}"))
}

fn io_error(e: io::Error) -> Error {
    Error::Internal(format!("writing the EPUB's ZIP: {e}"))
}

/// A ZIP timestamp for `seconds` since 1970, clamped to the range ZIP can hold.
fn zip_time(seconds: i64) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    let year = t.year().clamp(1980, 2107) as u16;
    zip::DateTime::from_date_and_time(
        year,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second().min(58) as u8,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ZIP one writer makes compressing the entries in turn.
    fn in_turn(entries: &[(String, Vec<u8>)], modified: i64) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("mimetype", options("mimetype", modified))
            .unwrap();
        zip.write_all(b"application/epub+zip").unwrap();
        for (path, data) in entries {
            zip.start_file(path.as_str(), options(path, modified))
                .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn packed_ahead_or_here_the_bytes_are_those_of_one_writer() {
        let text: Vec<u8> = "镇江高新区 ".repeat(5000).into_bytes();
        let entries = vec![
            ("OEBPS/a.xhtml".to_string(), text.clone()),
            ("OEBPS/cover.png".to_string(), vec![7; 3000]),
            (
                "OEBPS/fonts/f.otf".to_string(),
                (0..=255u8).cycle().take(70_000).collect(),
            ),
            ("OEBPS/empty.css".to_string(), Vec::new()),
        ];
        let modified = 1_638_316_800;
        let ahead = vec![
            Packed::new("OEBPS/fonts/f.otf", &entries[2].1, modified).unwrap(),
            // same path, other contents: not taken
            Packed::new("OEBPS/a.xhtml", b"other", modified).unwrap(),
        ];
        let expected = in_turn(&entries, modified);
        assert_eq!(archive(&entries, &ahead, modified).unwrap(), expected);
        assert_eq!(archive(&entries, &[], modified).unwrap(), expected);
    }
}
