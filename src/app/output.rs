//! Writing a result folder so that a failed run leaves nothing half-written.
//!
//! The folder is checked (created if needed, and written to once) before any
//! simulation starts. All files are first written into a hidden staging folder
//! inside it, then each is renamed over its final name; a run that fails before
//! that point leaves the folder exactly as it was.
//!
//! A run replaces only files it writes, known by name: its output files, and the
//! charts it draws. It removes only files it can show it wrote: the charts of a run
//! are listed in `charts/.revshare-charts` with their SHA-256, and the next run
//! removes a listed chart it does not draw again only while its bytes still hash
//! to the listed value. A user's own file in `charts/`, a chart edited since, and
//! the charts of a listing without hashes (or of none) stay; nothing is removed
//! because of its name. A target that exists and is not a regular file (a folder,
//! a device, a FIFO, a socket, a symbolic link) is refused before anything is
//! moved.

use revshare::report::{CHARTS_DIR, OutputFile};
use revshare::{Choice, Error, Problem};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A result folder that has been checked to be writable.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    created: bool,
}

/// The hidden folder a commit writes into before anything moves. A folder that
/// cannot be written is named as the user gave it, never by the staging path.
fn staging(dir: &Path) -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new().prefix(".revshare-staging-").tempdir_in(dir).map_err(|e| unwritable(dir, NOT_WRITABLE, &e))
}

/// What [`unwritable`] says of a folder in which no file can be made.
const NOT_WRITABLE: &str = "nothing can be written in this folder";

/// The problem of a result folder that cannot be made or written (`what`): the
/// folder, and the system's reason without the path of the file it tried.
fn unwritable(dir: &Path, what: &str, e: &std::io::Error) -> Error {
    let msg = format!("{what} ({}); name a folder you can write to", reason(e));
    Problem::file(&dir.display().to_string(), msg).into()
}

/// The system's words for `e` (`Read-only file system (os error 30)`), without the
/// path `tempfile` appends (` at path "..."`), which would name the staging folder.
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    text.split(" at path ").next().unwrap_or(&text).to_string()
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
        // Refused before anything is simulated: a file the run would replace that is
        // not a regular file.
        for f in OutputFile::ALL {
            check_regular(&dir.join(f.name()))?;
        }
        check_folder(&dir.join(CHARTS_DIR))?;
        let created = !dir.exists();
        fs::create_dir_all(dir).map_err(|e| unwritable(dir, "this folder cannot be created", &e))?;
        if created {
            super::interrupt::created(dir);
        }
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
    /// A name may contain one folder (`charts/a.svg`): the folder is created if
    /// needed, its index lists the files written there with their SHA-256, and the
    /// files an earlier run listed in its index there, that this one does not write
    /// and that still hash to the listed value, are removed. The `stale` files, results of an earlier run
    /// that the new ones invalidate, are removed. Every target is checked first: one
    /// that exists and is not a regular file stops the commit before anything moves.
    pub fn commit(&self, files: &[(String, Vec<u8>)], stale: &[&str]) -> Result<(), Error> {
        let mut folders: Vec<&str> = Vec::new();
        for (name, _) in files {
            if let Some((folder, _)) = name.split_once('/')
                && !folders.contains(&folder)
            {
                folders.push(folder);
            }
        }
        // What goes: the stale results (a stale `folder/` is every file an earlier run
        // drew there and that is still as it drew it, and its index), and the files an
        // earlier run drew in a folder this run writes to, does not draw again, and
        // that are still as it drew them.
        let mut gone: Vec<String> = Vec::new();
        for s in stale {
            match s.strip_suffix('/') {
                Some(folder) if !folders.contains(&folder) => {
                    let drawn = drawn_unchanged(&self.dir.join(folder)).into_iter().chain([INDEX.to_string()]);
                    gone.extend(drawn.map(|n| format!("{folder}/{n}")));
                }
                Some(_) => {}
                None => gone.push(s.to_string()),
            }
        }
        for folder in &folders {
            check_folder(&self.dir.join(folder))?;
            gone.extend(
                drawn_unchanged(&self.dir.join(folder))
                    .into_iter()
                    .map(|n| format!("{folder}/{n}"))
                    .filter(|n| !files.iter().any(|(f, _)| f == n)),
            );
        }
        let indexes: Vec<String> = folders.iter().map(|f| format!("{f}/{INDEX}")).collect();
        for name in files.iter().map(|(n, _)| n.as_str()).chain(gone.iter().chain(&indexes).map(String::as_str)) {
            check_regular(&self.dir.join(name))?;
        }
        let stage = staging(&self.dir)?;
        super::interrupt::temp(stage.path());
        let mut staged = files.to_vec();
        for folder in &folders {
            let index: String = files
                .iter()
                .filter_map(|(n, bytes)| Some((n.strip_prefix(folder)?.strip_prefix('/')?, bytes)))
                .map(|(n, bytes)| format!("{}  {n}\n", super::part::sha256(bytes)))
                .collect();
            staged.push((format!("{folder}/{INDEX}"), index.into_bytes()));
            fs::create_dir(stage.path().join(folder)).map_err(|e| Error::io(self.dir.join(folder), e))?;
        }
        for (name, bytes) in &staged {
            let path = stage.path().join(name);
            // Errors name the file the user asked for, not the staging folder.
            let target = self.dir.join(name);
            let mut f = fs::File::create(&path).map_err(|e| Error::io(&target, e))?;
            f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io(&target, e))?;
        }
        // From here on an interrupt waits until every file is in place.
        let mut committing = super::interrupt::Committing::start(&self.dir);
        for folder in &folders {
            let target = self.dir.join(folder);
            fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        }
        for (name, _) in &staged {
            let target = self.dir.join(name);
            fs::rename(stage.path().join(name), &target).map_err(|e| Error::io(&target, e))?;
        }
        // Only once every new file is in place do the stale ones go: into the staging
        // folder, which is deleted when it is dropped.
        let bin = stage.path().join(".old");
        fs::create_dir(&bin).map_err(|e| unwritable(&self.dir, NOT_WRITABLE, &e))?;
        for (i, name) in gone.iter().enumerate() {
            let target = self.dir.join(name);
            if target.is_file() {
                fs::rename(&target, bin.join(i.to_string())).map_err(|e| Error::io(&target, e))?;
            }
        }
        let path = stage.path().to_path_buf();
        drop(stage);
        committing.done_with(&path);
        committing.succeeded();
        Ok(())
    }
}

/// The index a folder of drawn files keeps of them.
const INDEX: &str = ".revshare-charts";

/// The largest file the index of a folder of charts, or a chart in it, is read
/// from: a chart of a run is far smaller, and a larger file is not one.
const MAX_DRAWN_BYTES: u64 = 64 << 20;

/// The files an earlier run drew in `folder` and that are still exactly as it drew
/// them: listed in its index as `<SHA-256>  <name>` (the form `sha256sum` writes
/// and checks), a plain name, a regular file, and its bytes hashing to the listed
/// value. A line without a hash (from runs before the hashes were recorded), a
/// file edited since, or one that is now a link proves nothing and is left alone;
/// so is everything when there is no index. Nothing is recognised by its name.
fn drawn_unchanged(folder: &Path) -> Vec<String> {
    let index = folder.join(INDEX);
    let regular = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_DRAWN_BYTES);
    if !regular(&index) {
        return Vec::new();
    }
    let Ok(text) = fs::read_to_string(&index) else { return Vec::new() };
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some((hash, name)) = line.split_once("  ") else { continue };
        let plain = !name.is_empty() && !name.contains(['/', '\\']) && ![".", "..", INDEX].contains(&name);
        let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !plain || !hex || names.iter().any(|n| n == name) || !regular(&folder.join(name)) {
            continue;
        }
        if fs::read(folder.join(name)).is_ok_and(|bytes| super::part::sha256(&bytes).eq_ignore_ascii_case(hash)) {
            names.push(name.to_string());
        }
    }
    names
}

/// `path` made absolute, with its longest part that exists canonicalised (symbolic
/// links followed, `.` and `..` resolved) and the rest appended as written: two
/// names of one file, existing or not, resolve alike.
fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path));
    let parts: Vec<Component> = absolute.components().collect();
    for i in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..i].iter().collect();
        if let Ok(mut out) = fs::canonicalize(&head) {
            for part in &parts[i..] {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
    }
    absolute
}

/// Refuses a `--per-path` file that the run itself writes into `out` (one of its
/// output files, anything in its `charts/` folder) or that is `out` itself: the
/// run's own file would replace it, or it the run's. Another name in `out`
/// (`out/per-path.csv`) is the user's to choose. Paths are compared resolved (see
/// [`resolved`]), so `./out/../out/summary.csv` and a link to `out` are recognised.
pub fn check_outside_outputs(per_path: &Path, out: &Path) -> Result<(), Error> {
    let (target, folder) = (resolved(per_path), resolved(out));
    let clash = if target == folder {
        Some("is the --out folder itself".to_string())
    } else if target.starts_with(folder.join(CHARTS_DIR)) {
        Some(format!("is in the `{CHARTS_DIR}/` folder the run draws into"))
    } else {
        OutputFile::ALL
            .iter()
            .find(|f| target == folder.join(f.name()))
            .map(|f| format!("is where the run writes its own `{}`", f.name()))
    };
    let Some(clash) = clash else { return Ok(()) };
    let msg = format!(
        "{clash} (--out `{}`); name a file the run does not write, such as `{}`, or one outside the folder",
        out.display(),
        out.join("per-path.csv").display()
    );
    Err(Problem::option("--per-path", msg).with_value(per_path.display().to_string()).into())
}

/// Refuses a path that exists and is not a regular file: the run would replace a
/// device, a FIFO, a socket, a folder or a symbolic link it did not make.
pub fn check_regular(path: &Path) -> Result<(), Error> {
    check_kind(
        path,
        fs::FileType::is_file,
        "a regular file",
        "revshare replaces only files it wrote: move it or choose another folder",
    )
}

/// Refuses a path that exists and is not a folder.
fn check_folder(path: &Path) -> Result<(), Error> {
    check_kind(path, fs::FileType::is_dir, "a folder", "move it or choose another folder")
}

/// Refuses a path that exists and is not `wanted` (by `is_wanted`), saying what it is
/// and what to do (`advice`). A symbolic link is judged as itself, never followed.
fn check_kind(path: &Path, is_wanted: fn(&fs::FileType) -> bool, wanted: &str, advice: &str) -> Result<(), Error> {
    match fs::symlink_metadata(path) {
        Ok(m) if !is_wanted(&m.file_type()) => Err(Problem::file(
            &path.display().to_string(),
            format!("exists and is not {wanted} (it is {}); {advice}", kind(&m.file_type())),
        )
        .into()),
        _ => Ok(()),
    }
}

/// What a file is, in words.
fn kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
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
        fs::write(dir.join("charts/edited.svg"), "edited since").unwrap();
        fs::write(dir.join("charts/x.svg"), "old").unwrap();
        let old = super::super::part::sha256(b"old");
        fs::write(
            dir.join("charts/.revshare-charts"),
            format!("{old}  stale.svg\n{old}  edited.svg\n{old}  x.svg\n{old}  ../a.csv\n{old}  mine.svg\n"),
        )
        .unwrap();
        fs::write(dir.join("charts/mine.svg"), "the user's").unwrap();
        let files = |names: &[&str]| names.iter().map(|n| (n.to_string(), n.as_bytes().to_vec())).collect::<Vec<_>>();
        fs::write(dir.join("old.csv"), "from an earlier run").unwrap();
        out.commit(&files(&["a.csv", "b.csv", "charts/x.svg", "charts/y.svg"]), &["old.csv", "absent.csv"]).unwrap();
        assert!(!dir.join("old.csv").exists());
        assert_eq!(fs::read_to_string(dir.join("charts/x.svg")).unwrap(), "charts/x.svg");
        assert!(!dir.join("charts/stale.svg").exists(), "a chart the earlier run drew, unchanged, is removed");
        assert_eq!(fs::read_to_string(dir.join("charts/edited.svg")).unwrap(), "edited since", "an edited one stays");
        assert_eq!(fs::read_to_string(dir.join("charts/mine.svg")).unwrap(), "the user's", "a user's file stays");
        let hash = |b: &str| super::super::part::sha256(b.as_bytes());
        assert_eq!(
            fs::read_to_string(dir.join("charts/.revshare-charts")).unwrap(),
            format!("{}  x.svg\n{}  y.svg\n", hash("charts/x.svg"), hash("charts/y.svg"))
        );
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "a.csv");
        assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine");
        let names: Vec<String> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(names.len(), 4, "{names:?}");
    }

    #[test]
    fn a_listing_without_hashes_or_none_removes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir_all(dir.join("charts")).unwrap();
        fs::write(dir.join("charts/01-base-revenue.svg"), "drawn before the hashes").unwrap();
        fs::write(dir.join("charts/02-base-pv-cdf.svg"), "named as runs name charts").unwrap();
        fs::write(dir.join("charts/.revshare-charts"), "01-base-revenue.svg\n").unwrap();
        let out = OutputDir::prepare(&dir).unwrap();
        let files = vec![("charts/03-base-answer.svg".to_string(), b"new".to_vec())];
        out.commit(&files, &[]).unwrap();
        assert_eq!(fs::read_to_string(dir.join("charts/01-base-revenue.svg")).unwrap(), "drawn before the hashes");
        // The charts stale: only the one listed with its hash goes, with the index.
        out.commit(&[], &["charts/"]).unwrap();
        assert!(!dir.join("charts/03-base-answer.svg").exists(), "listed with its hash: removed");
        assert!(!dir.join("charts/.revshare-charts").exists());
        assert!(dir.join("charts/02-base-pv-cdf.svg").exists(), "not removed by its name");
        assert!(dir.join("charts/01-base-revenue.svg").exists());
        out.commit(&[], &["charts/"]).unwrap();
        assert_eq!(fs::read_dir(dir.join("charts")).unwrap().count(), 2, "without an index, nothing goes");
    }

    #[cfg(unix)]
    #[test]
    fn a_target_that_is_not_a_regular_file_stops_the_commit_before_anything_moves() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old").unwrap();
        std::os::unix::fs::symlink("/dev/null", dir.join("b.csv")).unwrap();
        let out = OutputDir::prepare(&dir).unwrap();
        let files = vec![("a.csv".to_string(), b"new".to_vec()), ("b.csv".to_string(), b"new".to_vec())];
        let e = out.commit(&files, &[]).unwrap_err().to_string();
        assert!(e.contains("b.csv: exists and is not a regular file (it is a symbolic link)"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert!(fs::symlink_metadata(dir.join("b.csv")).unwrap().file_type().is_symlink());
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
