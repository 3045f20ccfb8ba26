//! The `inkstone` command line: parses the arguments (src/cli.rs), runs the verb, prints
//! findings as diagnostics and sets the exit status.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use inkstone::cli::{BuildArgs, CheckArgs, Cli, Color, Command, FormatArg, MessageFormat};
use inkstone::error::{Error, Finding, Severity};
use inkstone::progress::Verbosity;
use inkstone::{diagnostics, init, source::LoadOptions, watch, BuildOptions, Format};

/// Every allocation goes to mimalloc (see Cargo.toml for the measurements, and
/// .cargo/config.toml for its page sizes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The version `--version` prints: the package's, and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("INKSTONE_COMMIT"),
    ")"
);

/// The man page, written by build.rs from src/cli.rs.
const MAN_PAGE: &str = include_str!(concat!(env!("OUT_DIR"), "/inkstone.1"));

/// How the run prints: colour, verbosity.
struct Output {
    color: bool,
    verbosity: Verbosity,
}

impl Output {
    /// Prints findings as people read them (warnings not with --quiet).
    fn findings(&self, findings: &[Finding]) {
        let mut stderr = std::io::stderr().lock();
        for finding in findings {
            if self.verbosity == Verbosity::Quiet && finding.severity == Severity::Warning {
                continue;
            }
            let _ = writeln!(stderr, "{}", diagnostics::human(finding, self.color));
        }
    }

    /// Prints a one-line status message (not with --quiet).
    fn status(&self, message: &str) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("{message}");
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().version(VERSION).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let out = Output {
        color: match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => diagnostics::auto_color(),
        },
        verbosity: if cli.quiet {
            Verbosity::Quiet
        } else if cli.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        },
    };
    match cli.command {
        Command::Init(args) => run_init(args, &out),
        Command::Build(args) => run_build(&args, &out),
        Command::Check(args) => run_check(&args, &out),
        Command::Watch(args) => run_watch(&args.build, &out),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "inkstone",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            print!("{MAN_PAGE}");
            ExitCode::SUCCESS
        }
    }
}

fn load_options() -> LoadOptions {
    LoadOptions {
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        keep_pixels: true,
    }
}

fn build_options(args: &BuildArgs, out: &Output) -> BuildOptions {
    BuildOptions {
        book_dir: args.book_dir.clone(),
        out_dir: args.out.clone(),
        formats: args
            .format
            .iter()
            .map(|f| match f {
                FormatArg::Epub => Format::Epub,
                FormatArg::Pdf => Format::Pdf,
            })
            .collect(),
        load: load_options(),
        strict: args.strict,
        verbosity: out.verbosity,
    }
}

/// Prints an error's findings; the exit status of a failed run.
fn failed(error: &Error, out: &Output) -> ExitCode {
    out.findings(&error.findings());
    ExitCode::FAILURE
}

fn run_init(args: inkstone::cli::InitArgs, out: &Output) -> ExitCode {
    let options = init::InitOptions {
        dir: args.dir,
        title: args.title,
        authors: args.authors,
    };
    match init::init(&options) {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            out.status(&format!(
                "a new book in {0}: build it with `inkstone build {0}`",
                options.dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e, out),
    }
}

fn run_build(args: &BuildArgs, out: &Output) -> ExitCode {
    match inkstone::build(&build_options(args, out)) {
        Ok(report) => {
            out.findings(&report.warnings);
            for path in &report.written {
                println!("{}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e, out),
    }
}

fn run_check(args: &CheckArgs, out: &Output) -> ExitCode {
    let options = inkstone::CheckOptions {
        book_dir: args.book_dir.clone(),
        load: load_options(),
        typeset: args.typeset,
    };
    let findings = match inkstone::check(&options) {
        Ok(findings) => findings,
        Err(e) => e.findings(),
    };
    match args.message_format {
        MessageFormat::Json => {
            let mut stdout = std::io::stdout().lock();
            for finding in &findings {
                let _ = writeln!(stdout, "{}", diagnostics::json(finding));
            }
        }
        MessageFormat::Human => {
            out.findings(&findings);
            let errors = findings.iter().filter(|f| f.is_error()).count();
            let warnings = findings.len() - errors;
            out.status(&format!(
                "{}: {errors} error{}, {warnings} warning{}",
                args.book_dir.display(),
                plural(errors),
                plural(warnings)
            ));
        }
    }
    let fails = findings
        .iter()
        .any(|f| f.is_error() || (args.strict && f.severity == Severity::Warning));
    if fails {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn run_watch(args: &BuildArgs, out: &Output) -> ExitCode {
    let options = build_options(args, out);
    let result = watch::watch(&options, |rebuild| {
        if !rebuild.changed.is_empty() {
            let names: Vec<String> = rebuild.changed.iter().map(|p| shown(p)).collect();
            out.status(&format!("changed: {}", names.join(", ")));
        }
        let took = rebuild.took.as_secs_f64() * 1000.0;
        match &rebuild.result {
            Ok(report) => {
                out.findings(&report.warnings);
                for path in &report.written {
                    println!("{}", path.display());
                }
                out.status(&format!("built in {took:.0} ms; watching for changes"));
            }
            Err(e) => {
                out.findings(&e.findings());
                out.status(&format!(
                    "build failed in {took:.0} ms; the last good outputs stay; watching for changes"
                ));
            }
        }
        let _ = std::io::stdout().flush();
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&e, out),
    }
}

/// A path relative to the current folder when it is inside it.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}
