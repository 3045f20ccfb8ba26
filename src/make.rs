//! The outputs made on every core. Three pieces of work depend on each other only so
//! far: the EPUB's pages and fonts (`epub::prepare`) and the book's layout
//! (`pdf::Typesetter::lay_out`) start side by side; the PDFs are written as soon as the
//! layout is done; the EPUB is finished (it marks where each printed page begins, and
//! takes its cover, made since `book.toml` was read) as soon as both its preparation
//! and the layout are, beside whatever is still running.

use std::sync::{Mutex, PoisonError};

use crate::cover;
use crate::epub;
use crate::error::{Result, Warning};
use crate::fonts::FontSet;
use crate::model::{Book, Place};
use crate::pdf::{self, Pdfs};
use crate::progress::{Progress, Stage};

/// What is made.
pub struct Made {
    /// The EPUB, when asked for.
    pub epub: Option<Vec<u8>>,
    /// The PDFs, when asked for.
    pub pdfs: Option<Pdfs>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
}

/// The two halves the EPUB is finished from; whichever arrives second finishes it.
#[derive(Default)]
struct Halves {
    prepared: Option<epub::Prepared>,
    places: Option<Vec<Option<Place>>>,
}

impl Halves {
    /// Both halves, once both are in.
    fn ready(&mut self) -> Option<(epub::Prepared, Vec<Option<Place>>)> {
        if self.prepared.is_some() && self.places.is_some() {
            self.prepared.take().zip(self.places.take())
        } else {
            None
        }
    }
}

/// Puts a half in; returns both when this was the second.
fn arrive(
    halves: &Mutex<Halves>,
    put: impl FnOnce(&mut Halves),
) -> Option<(epub::Prepared, Vec<Option<Place>>)> {
    let mut h = halves.lock().unwrap_or_else(PoisonError::into_inner);
    put(&mut h);
    h.ready()
}

/// Makes the EPUB (when its cover is given; no EPUB when the cover cannot be made,
/// whose error the caller reports) and the PDFs (when `want_pdf`) of `book`. The book is
/// always laid out, so that the EPUB is the same whichever formats are asked for.
pub fn outputs(
    book: &Book,
    font_set: &FontSet,
    epub_cover: Option<&cover::Shared<'_>>,
    want_pdf: bool,
    progress: &Progress,
) -> Result<Made> {
    let typesetter = pdf::Typesetter::new(book, font_set);
    let halves = Mutex::new(Halves::default());
    let epub: Mutex<Option<Result<Vec<u8>>>> = Mutex::new(None);
    let mut pdfs = Ok(None);
    let mut warnings = Vec::new();
    let (halves, epub_slot) = (&halves, &epub);
    let store = move |made: Result<Vec<u8>>| {
        *epub_slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(made);
    };
    let finish = move |prepared, places: Vec<Option<Place>>| {
        if let Some(cover) = epub_cover.and_then(cover::Shared::get) {
            store(epub::finish(prepared, cover, book, &places));
        }
    };
    rayon::scope(|s| {
        if epub_cover.is_some() {
            s.spawn(move |_| {
                progress.begin(Stage::Epub);
                match epub::prepare(book, font_set) {
                    Ok(prepared) => {
                        progress.end(Stage::Epub);
                        if let Some((p, places)) = arrive(halves, |h| h.prepared = Some(prepared)) {
                            finish(p, places);
                        }
                    }
                    Err(e) => store(Err(e)),
                }
            });
        }
        let (places, laid) = typesetter.lay_out(progress, &mut warnings);
        if let Some((p, places)) = arrive(halves, |h| h.places = Some(places)) {
            s.spawn(move |_| finish(p, places));
        }
        if want_pdf {
            pdfs = laid.emit(progress).map(Some);
        }
    });
    let epub = epub
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .transpose()?;
    Ok(Made {
        epub,
        pdfs: pdfs?,
        warnings,
    })
}
