//! Writing a result folder so that a failed run leaves nothing half-written.
//!
//! The folder is checked (created if needed, and written to once) before any
//! simulation starts. All files are first written into a hidden staging folder
//! inside it, then each is renamed over its final name; a run that fails before
//! that point leaves the folder exactly as it was.

use revshare::{Error, Problem};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A result folder that has been checked to be writable.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    created: bool,
}

fn staging(dir: &Path) -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new().prefix(".revshare-staging-").tempdir_in(dir).map_err(|e| Error::io(dir, e))
}

impl OutputDir {
    /// Checks that `dir` is, or can be created as, a writable folder.
    pub fn prepare(dir: &Path) -> Result<OutputDir, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Problem::option(
                "--out",
                format!("`{}` exists and is not a folder; name a folder for the results", dir.display()),
            )
            .into());
        }
        let created = !dir.exists();
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let out = OutputDir { dir: dir.to_path_buf(), created };
        if let Err(e) = staging(dir) {
            out.abandon();
            return Err(e);
        }
        Ok(out)
    }

    /// Removes the folder again if `prepare` created it (used when a run fails).
    pub fn abandon(&self) {
        if self.created {
            let _ = fs::remove_dir(&self.dir);
        }
    }

    /// Writes every `(name, bytes)` into staging, then moves them into place.
    ///
    /// A name may contain one folder (`charts/a.svg`); such a folder is replaced as
    /// a whole, so no chart of an earlier run is left beside the new ones. The
    /// `stale` files, results of an earlier run that the new ones invalidate, are
    /// removed.
    pub fn commit(&self, files: &[(String, Vec<u8>)], stale: &[&str]) -> Result<(), Error> {
        let stage = staging(&self.dir)?;
        let mut folders: Vec<&str> = Vec::new();
        for (name, bytes) in files {
            let path = stage.path().join(name);
            if let Some((folder, _)) = name.split_once('/')
                && !folders.contains(&folder)
            {
                folders.push(folder);
                fs::create_dir(stage.path().join(folder)).map_err(|e| Error::io(&path, e))?;
            }
            let mut f = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io(&path, e))?;
        }
        for folder in &folders {
            let target = self.dir.join(folder);
            if target.exists() {
                // Into the staging folder, which is deleted when it is dropped.
                fs::rename(&target, stage.path().join(format!(".old-{folder}"))).map_err(|e| Error::io(&target, e))?;
            }
            fs::rename(stage.path().join(folder), &target).map_err(|e| Error::io(&target, e))?;
        }
        for name in stale {
            let target = self.dir.join(name);
            if target.is_file() {
                fs::rename(&target, stage.path().join(format!(".old-{name}"))).map_err(|e| Error::io(&target, e))?;
            }
        }
        for (name, _) in files.iter().filter(|(n, _)| !n.contains('/')) {
            let target = self.dir.join(name);
            fs::rename(stage.path().join(name), &target).map_err(|e| Error::io(&target, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_only_the_named_files_and_leaves_no_staging_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("keep.txt"), "mine").unwrap();
        fs::write(dir.join("a.csv"), "old").unwrap();
        let out = OutputDir::prepare(&dir).unwrap();
        fs::create_dir(dir.join("charts")).unwrap();
        fs::write(dir.join("charts/stale.svg"), "old").unwrap();
        let files = |names: &[&str]| names.iter().map(|n| (n.to_string(), n.as_bytes().to_vec())).collect::<Vec<_>>();
        fs::write(dir.join("old.csv"), "from an earlier run").unwrap();
        out.commit(&files(&["a.csv", "b.csv", "charts/x.svg", "charts/y.svg"]), &["old.csv", "absent.csv"]).unwrap();
        assert!(!dir.join("old.csv").exists());
        assert_eq!(fs::read_to_string(dir.join("charts/x.svg")).unwrap(), "charts/x.svg");
        assert!(!dir.join("charts/stale.svg").exists(), "the chart folder is replaced whole");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "a.csv");
        assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine");
        let names: Vec<String> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(names.len(), 4, "{names:?}");
    }

    #[test]
    fn a_file_where_the_folder_should_be_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        let e = OutputDir::prepare(&file).unwrap_err().to_string();
        assert!(e.contains("is not a folder"), "{e}");
    }
}
