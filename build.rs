//! Writes the man page (`inkstone man` prints it) from the command line's grammar,
//! deflates the ICC profiles the PDF embeds (once here, instead of on every build), and
//! records the commit the binary is built from (`inkstone --version`).

use std::path::PathBuf;
use std::process::Command;

#[path = "src/cli.rs"]
#[allow(dead_code)]
mod cli;

#[path = "src/deflate.rs"]
#[allow(dead_code)]
mod deflate;

/// The colour profiles, deflated into `OUT_DIR` under the same name plus `.zz`.
const PROFILES: [&str; 2] = ["FOGRA39-inkstone.icc", "sRGB.icc"];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let command = <cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .expect("rendering the man page into memory");
    std::fs::write(out.join("inkstone.1"), page).expect("writing the man page");

    for name in PROFILES {
        let path = format!("src/pdf/emit/icc/{name}");
        let profile = std::fs::read(&path).expect("reading a bundled ICC profile");
        let deflated = deflate::zlib(&profile, deflate::AT_BUILD_TIME);
        std::fs::write(out.join(format!("{name}.zz")), deflated).expect("writing a profile");
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-changed=src/deflate.rs");

    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown commit".to_string());
    println!("cargo:rustc-env=INKSTONE_COMMIT={commit}");
    println!("cargo:rerun-if-changed=src/cli.rs");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}
