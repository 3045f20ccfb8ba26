//! The stable codes of inkstone's findings: `E` for errors, `W` for warnings, the
//! hundreds by where the problem is (00 the book folder, 01 `book.toml`, 02 chapter
//! files, 03 Markdown, 04 images, 05 characters and fonts, 06 typesetting). README.md lists them.

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The book folder does not exist.
    NoBookFolder,
    /// The folder has no `book.toml`.
    NoBookToml,
    /// A file is not UTF-8.
    NotUtf8,
    /// A file could not be read or written.
    Io,
    /// `init` was asked to write into a folder that is not empty.
    FolderNotEmpty,
    /// `book.toml` is not valid TOML.
    TomlSyntax,
    /// A key `book.toml` does not know.
    UnknownKey,
    /// A value of the wrong type.
    InvalidValue,
    /// No `[book]` table.
    NoBookTable,
    /// The title is empty.
    EmptyTitle,
    /// Not a BCP 47 language tag.
    BadLanguage,
    /// Not a date.
    BadDate,
    /// The identifier is empty.
    EmptyIdentifier,
    /// Not an ISBN-13, or a wrong check digit.
    BadIsbn,
    /// A series index without a series, or out of range.
    BadSeries,
    /// A contributor without a name or with an unknown role.
    BadContributor,
    /// An unknown page size.
    BadPageSize,
    /// A number out of its range.
    OutOfRange,
    /// Page, type and margins that leave no room for a text block.
    NoRoom,
    /// An unknown `chapter_start`.
    BadChapterStart,
    /// `SOURCE_DATE_EPOCH` is not a number.
    BadSourceDateEpoch,
    /// A chapter, cover or image file that does not exist.
    MissingFile,
    /// A path that leads outside the book folder.
    OutsideBook,
    /// The book has no chapters.
    NoChapters,
    /// A heading id that is not a valid id.
    BadHeadingId,
    /// A heading id used twice.
    DuplicateHeadingId,
    /// A footnote defined twice.
    DuplicateFootnote,
    /// An image without a path.
    EmptyImagePath,
    /// An image in a format inkstone does not read.
    UnsupportedImage,
    /// An image that cannot be decoded.
    UndecodableImage,
    /// An image too large to hold in memory.
    ImageTooLarge,
    /// The EPUB's files are more than its ZIP can hold.
    EpubTooLarge,
    /// A heading without text (left out).
    EmptyHeading,
    /// A heading more than one level below the one before it.
    SkippedHeadingLevel,
    /// A footnote cited but never defined.
    UndefinedFootnote,
    /// A footnote defined but never cited.
    UnusedFootnote,
    /// HTML that is not supported (dropped).
    UnsupportedHtml,
    /// An image on the web (not downloaded).
    RemoteImage,
    /// A link to nothing in the book, or to a scheme that is not allowed.
    BrokenLink,
    /// Control characters or noncharacters (dropped).
    DroppedCharacters,
    /// Nesting too deep (flattened).
    DeepNesting,
    /// Markup shown in a simpler form (an image inside a link).
    SimplifiedMarkup,
    /// A chapter without text (left out).
    EmptyChapter,
    /// An image that prints below `[print] image_ppi`.
    LowResolution,
    /// A character no bundled or installed font has.
    MissingGlyph,
    /// A table with too many columns for the page, set in smaller type.
    SmallTableType,
    /// A bug in inkstone.
    Internal,
}

impl Code {
    /// Every code, in the README's order.
    pub const ALL: [Code; 47] = [
        Code::NoBookFolder,
        Code::NoBookToml,
        Code::NotUtf8,
        Code::Io,
        Code::FolderNotEmpty,
        Code::TomlSyntax,
        Code::UnknownKey,
        Code::InvalidValue,
        Code::NoBookTable,
        Code::EmptyTitle,
        Code::BadLanguage,
        Code::BadDate,
        Code::EmptyIdentifier,
        Code::BadIsbn,
        Code::BadSeries,
        Code::BadContributor,
        Code::BadPageSize,
        Code::OutOfRange,
        Code::NoRoom,
        Code::BadChapterStart,
        Code::BadSourceDateEpoch,
        Code::MissingFile,
        Code::OutsideBook,
        Code::NoChapters,
        Code::BadHeadingId,
        Code::DuplicateHeadingId,
        Code::DuplicateFootnote,
        Code::EmptyImagePath,
        Code::UnsupportedImage,
        Code::UndecodableImage,
        Code::ImageTooLarge,
        Code::EpubTooLarge,
        Code::EmptyHeading,
        Code::SkippedHeadingLevel,
        Code::UndefinedFootnote,
        Code::UnusedFootnote,
        Code::UnsupportedHtml,
        Code::RemoteImage,
        Code::BrokenLink,
        Code::DroppedCharacters,
        Code::DeepNesting,
        Code::SimplifiedMarkup,
        Code::EmptyChapter,
        Code::LowResolution,
        Code::MissingGlyph,
        Code::SmallTableType,
        Code::Internal,
    ];

    /// The stable code and name, e.g. `("E0201", "missing-file")`.
    pub fn id_and_name(self) -> (&'static str, &'static str) {
        match self {
            Code::NoBookFolder => ("E0001", "no-book-folder"),
            Code::NoBookToml => ("E0002", "no-book-toml"),
            Code::NotUtf8 => ("E0003", "not-utf8"),
            Code::Io => ("E0004", "io"),
            Code::FolderNotEmpty => ("E0005", "folder-not-empty"),
            Code::TomlSyntax => ("E0101", "toml-syntax"),
            Code::UnknownKey => ("E0102", "unknown-key"),
            Code::InvalidValue => ("E0103", "invalid-value"),
            Code::NoBookTable => ("E0104", "no-book-table"),
            Code::EmptyTitle => ("E0105", "empty-title"),
            Code::BadLanguage => ("E0106", "bad-language"),
            Code::BadDate => ("E0107", "bad-date"),
            Code::EmptyIdentifier => ("E0108", "empty-identifier"),
            Code::BadIsbn => ("E0109", "bad-isbn"),
            Code::BadSeries => ("E0110", "bad-series"),
            Code::BadContributor => ("E0111", "bad-contributor"),
            Code::BadPageSize => ("E0112", "bad-page-size"),
            Code::OutOfRange => ("E0113", "out-of-range"),
            Code::NoRoom => ("E0114", "no-room"),
            Code::BadChapterStart => ("E0115", "bad-chapter-start"),
            Code::BadSourceDateEpoch => ("E0116", "bad-source-date-epoch"),
            Code::MissingFile => ("E0201", "missing-file"),
            Code::OutsideBook => ("E0202", "outside-book"),
            Code::NoChapters => ("E0203", "no-chapters"),
            Code::BadHeadingId => ("E0301", "bad-heading-id"),
            Code::DuplicateHeadingId => ("E0302", "duplicate-heading-id"),
            Code::DuplicateFootnote => ("E0303", "duplicate-footnote"),
            Code::EmptyImagePath => ("E0304", "empty-image-path"),
            Code::UnsupportedImage => ("E0401", "unsupported-image"),
            Code::UndecodableImage => ("E0402", "undecodable-image"),
            Code::ImageTooLarge => ("E0403", "image-too-large"),
            Code::EpubTooLarge => ("E0404", "epub-too-large"),
            Code::EmptyHeading => ("W0301", "empty-heading"),
            Code::SkippedHeadingLevel => ("W0302", "skipped-heading-level"),
            Code::UndefinedFootnote => ("W0303", "undefined-footnote"),
            Code::UnusedFootnote => ("W0304", "unused-footnote"),
            Code::UnsupportedHtml => ("W0305", "unsupported-html"),
            Code::RemoteImage => ("W0306", "remote-image"),
            Code::BrokenLink => ("W0307", "broken-link"),
            Code::DroppedCharacters => ("W0308", "dropped-characters"),
            Code::DeepNesting => ("W0309", "deep-nesting"),
            Code::SimplifiedMarkup => ("W0310", "simplified-markup"),
            Code::EmptyChapter => ("W0311", "empty-chapter"),
            Code::LowResolution => ("W0401", "low-resolution"),
            Code::MissingGlyph => ("W0501", "missing-glyph"),
            Code::SmallTableType => ("W0601", "small-table-type"),
            Code::Internal => ("E0999", "internal"),
        }
    }

    /// The stable code, e.g. `E0201`.
    pub fn id(self) -> &'static str {
        self.id_and_name().0
    }

    /// The name, e.g. `missing-file`.
    pub fn name(self) -> &'static str {
        self.id_and_name().1
    }

    /// Whether findings of this code are errors (else warnings).
    pub fn is_error(self) -> bool {
        self.id().starts_with('E')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        ids.sort_unstable();
        names.sort_unstable();
        ids.dedup();
        names.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
        for id in ids {
            assert!(
                id.len() == 5 && (id.starts_with('E') || id.starts_with('W')),
                "{id}"
            );
        }
    }

    #[test]
    fn the_readme_lists_every_code() {
        let readme = include_str!("../../README.md");
        for code in Code::ALL {
            let row = format!("| {} | `{}` |", code.id(), code.name());
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }
}
