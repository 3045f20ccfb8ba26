//! Writing output files so that a failed build never leaves a partial or changed file:
//! each file is written under a temporary name in its folder, and only when every one
//! is written are they renamed into place. The files are written side by side.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Writes each `(path, data)` of `files` atomically: a failed write (a full disk)
/// changes none of them. On failure the first error in `files`' order is returned.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let staged: Vec<Result<Staged>> = files
        .par_iter()
        .map(|(path, data)| Staged::write(path, data))
        .collect();
    // a staged file not renamed is removed when dropped
    let staged: Vec<Staged> = staged.into_iter().collect::<Result<_>>()?;
    let renamed: Vec<Result<()>> = staged.into_par_iter().map(Staged::commit).collect();
    renamed.into_iter().collect()
}

/// A file written under a temporary name beside its final one; removed unless
/// committed.
struct Staged {
    temp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    /// Writes `data` beside `path`, creating the folder if need be.
    fn write(path: &Path, data: &[u8]) -> Result<Staged> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the output folder", e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staged = Staged {
            temp: dir.join(format!(".{name}.{}.tmp", std::process::id())),
            path: path.to_path_buf(),
            committed: false,
        };
        // No fsync before the rename: a build's outputs can always be made again, and
        // syncing two files took 1.7 ms of the article's 22 (41 interleaved builds), a
        // twelfth of its time. Typst, cargo and pandoc do not sync either.
        fs::write(&staged.temp, data).map_err(|e| Error::io(path, "write the output file", e))?;
        Ok(staged)
    }

    /// Puts the file in place.
    fn commit(mut self) -> Result<()> {
        replace(&self.temp, &self.path)
            .map_err(|e| Error::io(&self.path, "write the output file", e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Puts `temp` in place of the regular file `path` by exchanging the two (so that a
/// reader sees the old file or the new one, never none), then removes `temp`, now the
/// old file; renames it to `path` when there is no such file to exchange with.
///
/// ext4 writes a file's data out before a rename lets it replace another file (its
/// `auto_da_alloc`, so that a crash leaves the old file or the new one): that took
/// 0.3 ms a file, a twentieth of the article's build. An exchange is not held up; after
/// a crash an output may be empty, and is made again by the next build.
#[cfg(target_os = "linux")]
fn replace(temp: &Path, path: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};

    let exchanged = fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && renameat_with(CWD, temp, CWD, path, RenameFlags::EXCHANGE).is_ok();
    if exchanged {
        // the old output: failing to remove it leaves a stray file, not a wrong one
        let _ = fs::remove_file(temp);
        Ok(())
    } else {
        fs::rename(temp, path)
    }
}

/// Renames `temp` to `path`.
#[cfg(not(target_os = "linux"))]
fn replace(temp: &Path, path: &Path) -> std::io::Result<()> {
    fs::rename(temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("inkstone-output-{name}-{}", std::process::id()))
    }

    #[test]
    fn writes_and_replaces_without_leaving_temporary_files() {
        let dir = scratch("replace");
        let (a, b) = (dir.join("sub").join("a.bin"), dir.join("sub").join("b.bin"));
        write_all(&[(a.clone(), b"one".to_vec()), (b.clone(), b"1".to_vec())]).unwrap();
        write_all(&[(a.clone(), b"two".to_vec()), (b.clone(), b"2".to_vec())]).unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"two");
        assert_eq!(fs::read(&b).unwrap(), b"2");
        assert_eq!(fs::read_dir(a.parent().unwrap()).unwrap().count(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_in_an_outputs_place_is_left_alone() {
        let dir = scratch("folder");
        let taken = dir.join("a.bin");
        fs::create_dir_all(taken.join("inside")).unwrap();
        assert!(write_all(&[(taken.clone(), b"new".to_vec())]).is_err());
        assert!(taken.join("inside").is_dir());
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file is left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_changes_no_file() {
        let dir = scratch("failed");
        let kept = dir.join("a.bin");
        write_all(&[(kept.clone(), b"old".to_vec())]).unwrap();
        // a file where the second output's folder would be: that folder cannot be made
        let blocked = dir.join("file");
        fs::write(&blocked, b"").unwrap();
        let e = write_all(&[
            (kept.clone(), b"new".to_vec()),
            (blocked.join("b.bin"), b"new".to_vec()),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("output folder"), "{e}");
        assert_eq!(fs::read(&kept).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            2,
            "no temporary file is left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
