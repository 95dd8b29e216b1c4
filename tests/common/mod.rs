//! The scenario harness every integration test uses: a temp dir with a
//! `bin/` of hard links to the binary under test (one per applet name, as
//! install.sh makes them), and commands run by applet name through PATH, so
//! argv[0] is `ln` and messages read `ln: ...` as GNU's do.
//!
//! The binary under test is `LINKBOX_BIN` when set (a static or cross build),
//! else the one cargo built for this test run.

#![allow(dead_code)] // each test file uses its own part of the harness

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn linkbox_binary() -> PathBuf {
    match std::env::var_os("LINKBOX_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_linkbox")),
    }
}

/// The applet names the binary under test reports.
pub fn applet_names() -> Vec<String> {
    let out = Command::new(linkbox_binary()).arg("--list").output().expect("run linkbox --list");
    assert!(out.status.success(), "linkbox --list failed");
    String::from_utf8(out.stdout).expect("names are UTF-8").lines().map(str::to_string).collect()
}

/// A directory removed (with everything in it, unreadable parts too) on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        Self::new_in(&std::env::temp_dir(), tag)
    }

    pub fn new_in(parent: &Path, tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(format!("linkbox-test-{tag}-{}-{n}", std::process::id()));
        let _ = remove_tree(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = remove_tree(&self.path);
    }
}

/// remove_dir_all, after making every directory writable and searchable
/// again (tests make some unreadable).
pub fn remove_tree(path: &Path) -> std::io::Result<()> {
    fn open_up(path: &Path) {
        let Ok(meta) = fs::symlink_metadata(path) else { return };
        if meta.is_dir() {
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o700));
            if let Ok(entries) = fs::read_dir(path) {
                for entry in entries.flatten() {
                    open_up(&entry.path());
                }
            }
        }
    }
    open_up(path);
    fs::remove_dir_all(path)
}

/// What a command did.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// `None`: killed by a signal.
    pub code: Option<i32>,
}

impl Outcome {
    fn from(out: Output) -> Outcome {
        Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
    }

    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Exact status, stdout and stderr.
    #[track_caller]
    pub fn expect(&self, code: i32, stdout: &str, stderr: &str) -> &Self {
        self.expect_bytes(code, stdout.as_bytes(), stderr.as_bytes())
    }

    #[track_caller]
    pub fn expect_bytes(&self, code: i32, stdout: &[u8], stderr: &[u8]) -> &Self {
        assert_eq!(
            (self.code, String::from_utf8_lossy(&self.stdout), String::from_utf8_lossy(&self.stderr)),
            (Some(code), String::from_utf8_lossy(stdout), String::from_utf8_lossy(stderr)),
            "(status, stdout, stderr)"
        );
        assert_eq!(self.stdout, stdout, "stdout bytes");
        assert_eq!(self.stderr, stderr, "stderr bytes");
        self
    }
}

/// A temp dir holding `bin/` (the applet links) and `work/` (the current
/// directory of every command).
pub struct Sandbox {
    root: TempDir,
    bin: PathBuf,
    work: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = TempDir::new("sandbox");
        let bin = root.path().join("bin");
        let work = root.path().join("work");
        fs::create_dir(&bin).expect("create bin");
        fs::create_dir(&work).expect("create work");
        let binary = linkbox_binary();
        for name in applet_names() {
            if fs::hard_link(&binary, bin.join(&name)).is_err() {
                fs::copy(&binary, bin.join(&name)).expect("copy linkbox");
            }
        }
        Sandbox { root, bin, work }
    }

    /// The directory commands run in.
    pub fn work(&self) -> &Path {
        &self.work
    }

    /// A path inside the work directory.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.work.join(relative)
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Creates a file (and its parent directories) in the work directory.
    pub fn write(&self, relative: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent");
        }
        fs::write(&path, contents).expect("write file");
        path
    }

    pub fn mkdir(&self, relative: impl AsRef<Path>) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(&path).expect("mkdir");
        path
    }

    /// `applet` by name through PATH, in the C locale, in the work dir.
    pub fn command(&self, applet: &str) -> Command {
        let mut command = Command::new(applet);
        command.current_dir(&self.work).env("PATH", self.path_var()).env("LC_ALL", "C").stdin(Stdio::null());
        for var in ["POSIXLY_CORRECT", "TZ", "QUOTING_STYLE", "BLOCK_SIZE", "BLOCKSIZE", "DU_BLOCK_SIZE"] {
            command.env_remove(var);
        }
        command
    }

    /// PATH with our bin/ first.
    pub fn path_var(&self) -> std::ffi::OsString {
        let mut path = self.bin.as_os_str().to_os_string();
        if let Some(rest) = std::env::var_os("PATH") {
            path.push(":");
            path.push(rest);
        }
        path
    }

    pub fn run<I, S>(&self, applet: &str, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Outcome::from(self.command(applet).args(args).output().expect("run applet"))
    }

    /// `applet ARGS` with `input` on its standard input.
    pub fn run_with_input(&self, applet: &str, args: &[&str], input: &[u8]) -> Outcome {
        use std::io::Write;
        let mut child = self
            .command(applet)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run applet");
        // The applet may exit without reading it all: a closed pipe is no
        // failure of the test.
        let _ = child.stdin.take().expect("piped stdin").write_all(input);
        Outcome::from(child.wait_with_output().expect("wait for applet"))
    }

    /// `sh -c SCRIPT` with our applets first in PATH.
    pub fn sh(&self, script: &str) -> Outcome {
        let mut command = self.command("sh");
        command.arg("-c").arg(script);
        Outcome::from(command.output().expect("run sh"))
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// A time as GNU shows it in full-iso style (stat's `%y`, du's
/// `--time-style=full-iso`) in UTC: the civil date from days, no libc.
pub fn utc_full_iso(seconds: i64, nanoseconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{nanoseconds:09} +0000",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

pub fn is_root() -> bool {
    // The effective uid, read from /proc (no libc call in the tests).
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2))
                .map(|uid| uid == "0")
        })
        .unwrap_or(false)
}

/// Prints why a test is skipped (visible with --nocapture and in CI logs).
pub fn skip(test: &str, why: &str) {
    eprintln!("SKIP {test}: {why}");
}
