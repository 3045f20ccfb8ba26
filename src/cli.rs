//! The command line's grammar (clap): shared by the binary and by `build.rs`, which
//! writes the man page from it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turns a book (Markdown + book.toml) into an EPUB 3 and a typeset PDF.
///
/// Exit status: 0 when the command did what it was asked (warnings may have been
/// printed), 1 when the book has errors (nothing was written) or, for `check`, errors
/// were found (or warnings, with --strict), 2 when the command line is wrong.
#[derive(Parser, Debug)]
#[command(name = "inkstone", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// How diagnostics are coloured: auto (on a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print each stage's time and the peak memory.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
}

/// The verbs.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a new book: book.toml, a first chapter, .gitignore.
    Init(InitArgs),
    /// Build the book: EPUB and PDF.
    Build(BuildArgs),
    /// Report every problem `build` would, without writing anything.
    Check(CheckArgs),
    /// Build, then build again on every change to the book's files.
    Watch(WatchArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// `inkstone init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty).
    #[arg(default_value = "book")]
    pub dir: PathBuf,
    /// The book's title.
    #[arg(long)]
    pub title: Option<String>,
    /// An author (repeat for several, in credit order).
    #[arg(long = "author")]
    pub authors: Vec<String>,
}

/// What `build` and `watch` share.
#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// The book folder, holding book.toml.
    #[arg(default_value = "book")]
    pub book_dir: PathBuf,
    /// The output folder.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Formats to build, comma-separated (default: epub,pdf).
    #[arg(long, value_delimiter = ',', value_enum)]
    pub format: Vec<FormatArg>,
    /// Treat every warning as an error (nothing is written when there is one).
    #[arg(long)]
    pub strict: bool,
}

/// `inkstone check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The book folder, holding book.toml.
    #[arg(default_value = "book")]
    pub book_dir: PathBuf,
    /// Typeset the book too (exact image resolutions; slower).
    #[arg(long)]
    pub typeset: bool,
    /// Warnings make the check fail (exit status 1).
    #[arg(long)]
    pub strict: bool,
    /// How findings are printed: human (with the source line) or json (one object per
    /// line: file, line, column, severity, code, name, message, hint).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

/// `inkstone watch`.
#[derive(Args, Debug)]
pub struct WatchArgs {
    /// What to build.
    #[command(flatten)]
    pub build: BuildArgs,
}

/// An output format on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// EPUB 3.
    Epub,
    /// Typeset PDF (and the print master when book.toml has [print]).
    Pdf,
}

/// When to colour diagnostics.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How `check` prints its findings.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum MessageFormat {
    /// For people: the source line with a marker under the problem.
    Human,
    /// For editors and CI: one JSON object per line.
    Json,
}
