//! The `inkstone` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use inkstone::{build, source::LoadOptions, BuildOptions, Format};

/// Turns a book (Markdown + book.toml) into an EPUB 3 and a typeset PDF.
#[derive(Parser)]
#[command(name = "inkstone", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a book.
    Build {
        /// The book folder, holding book.toml.
        #[arg(default_value = "book")]
        book_dir: PathBuf,
        /// The output folder.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Formats to build, comma-separated (default: epub,pdf).
        #[arg(long, value_delimiter = ',')]
        format: Vec<FormatArg>,
        /// Treat every warning as an error (nothing is written when there is one).
        #[arg(long)]
        strict: bool,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Print each stage's time and the peak memory.
        #[arg(short, long, conflicts_with = "quiet")]
        verbose: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            book_dir,
            out,
            format,
            strict,
            quiet,
            verbose,
        } => {
            let options = BuildOptions {
                book_dir,
                out_dir: out,
                formats: format
                    .into_iter()
                    .map(|f| match f {
                        FormatArg::Epub => Format::Epub,
                        FormatArg::Pdf => Format::Pdf,
                    })
                    .collect(),
                load: LoadOptions {
                    source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
                },
                strict,
                verbosity: if quiet {
                    inkstone::progress::Verbosity::Quiet
                } else if verbose {
                    inkstone::progress::Verbosity::Verbose
                } else {
                    inkstone::progress::Verbosity::Normal
                },
            };
            match build(&options) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("warning: {warning}");
                    }
                    for path in &report.written {
                        println!("{}", path.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
