//! Dispatch: argv[0] decides the applet (hard link, symlink, renamed copy,
//! login-shell `-` prefix), `linkbox APPLET` too, unknown names exit 127,
//! and `--list` is the table build.rs generates from src/applets/.

mod common;

use std::fs;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Outcome, Sandbox, TempDir, applet_names, linkbox_binary};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn version_line(applet: &str) -> String {
    format!("{applet} (linkbox) {VERSION}\n")
}

fn run(program: &Path, argv0: Option<&str>, args: &[&str]) -> Outcome {
    let mut command = Command::new(program);
    if let Some(argv0) = argv0 {
        command.arg0(argv0);
    }
    let out = command.args(args).env("LC_ALL", "C").output().expect("run");
    Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
}

/// Every name in the `pub const NAMES` lines of src/applets/, sorted: what
/// the generated table must hold in a default (all features) build.
fn names_declared_in_sources() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/applets");
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let source = if path.is_dir() { path.join("mod.rs") } else { path };
        let text = fs::read_to_string(&source).unwrap();
        let line = text.lines().find(|l| l.trim_start().starts_with("pub const NAMES")).unwrap();
        let list = &line[line.rfind("&[").unwrap() + 2..line.rfind(']').unwrap()];
        names.extend(
            list.split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()),
        );
    }
    names.sort();
    names
}

#[test]
fn list_is_the_generated_table() {
    let expected = names_declared_in_sources();
    assert!(expected.contains(&"ln".to_string()) && expected.contains(&"pkill".to_string()));
    let out = run(&linkbox_binary(), None, &["--list"]);
    out.expect(0, &(expected.join("\n") + "\n"), "");
    assert_eq!(applet_names(), expected);
}

#[test]
fn every_name_dispatches_through_a_hard_link() {
    let sandbox = Sandbox::new();
    for name in applet_names() {
        let link = sandbox.bin().join(&name);
        run(&link, None, &["--version"]).expect(0, &version_line(&name), "");
    }
}

#[test]
fn symlink_renamed_copy_and_login_dash() {
    let dir = TempDir::new("dispatch");
    let symlink = dir.path().join("stat");
    std::os::unix::fs::symlink(linkbox_binary(), &symlink).unwrap();
    run(&symlink, None, &["--version"]).expect(0, &version_line("stat"), "");

    let copy = dir.path().join("du");
    fs::copy(linkbox_binary(), &copy).unwrap();
    run(&copy, None, &["--version"]).expect(0, &version_line("du"), "");

    // A login shell runs `-ln`; the applet is ln, the messages keep argv[0].
    run(&linkbox_binary(), Some("-ln"), &["--version"]).expect(0, &version_line("ln"), "");
    run(&linkbox_binary(), Some("/some/where/-ln"), &["--bogus"]).expect(
        1,
        "",
        "/some/where/-ln: unrecognized option '--bogus'\nTry '/some/where/-ln --help' for more information.\n",
    );
}

#[test]
fn linkbox_applet_runs_the_applet_under_its_own_name() {
    let binary = linkbox_binary();
    run(&binary, None, &["pkill", "--version"]).expect(0, &version_line("pkill"), "");
    run(&binary, None, &["ln", "-z"]).expect(
        1,
        "",
        "ln: invalid option -- 'z'\nTry 'ln --help' for more information.\n",
    );
}

#[test]
fn unknown_names_exit_127() {
    let dir = TempDir::new("dispatch");
    let unknown = dir.path().join("frobnicate");
    std::os::unix::fs::symlink(linkbox_binary(), &unknown).unwrap();
    run(&unknown, None, &["x"]).expect(127, "", "linkbox: applet not found: frobnicate\n");
    run(&linkbox_binary(), None, &["frobnicate"]).expect(127, "", "linkbox: applet not found: frobnicate\n");
    run(&linkbox_binary(), Some("bin/-"), &[]).expect(127, "", "linkbox: applet not found: \n");
}

#[test]
fn multicall_help_version_and_bad_options() {
    let binary = linkbox_binary();
    let help = run(&binary, None, &["--help"]);
    assert_eq!(help.code, Some(0));
    let text = help.stdout_str();
    assert!(
        text.starts_with(&format!("linkbox {VERSION}\nThis is a linkbox multi-call binary.\n")),
        "{text}"
    );
    assert!(text.ends_with(&format!("Applets: {}\n", applet_names().join(", "))), "{text}");
    assert_eq!(run(&binary, None, &[]).stdout, help.stdout);
    run(&binary, None, &["--version"]).expect(0, &format!("linkbox {VERSION}\n"), "");
    run(&binary, None, &["--bogus"]).expect(
        1,
        "",
        "linkbox: unrecognized option '--bogus'\nTry 'linkbox --help' for more information.\n",
    );
}

#[test]
fn output_errors_are_reported_not_panics() {
    let binary = linkbox_binary();
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(&binary).arg("--list").stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "linkbox: write error: No space left on device\n");

    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(&binary).args(["ln", "--help"]).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ln: write error: No space left on device\n");

    // A pipe whose reader is gone: killed by SIGPIPE like a GNU tool, and
    // no message. The read end is closed before the child starts.
    let (reader, writer) = nix::unistd::pipe().unwrap();
    drop(reader);
    let out = Command::new(&binary).arg("--help").stdout(writer).output().unwrap();
    assert_eq!(out.status.signal(), Some(nix::libc::SIGPIPE));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// `cargo build --no-default-features --features du` lists and runs du only.
#[test]
fn single_feature_build_has_only_that_applet() {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target_dir = manifest_dir.join("target/single-feature");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--no-default-features", "--features", "du"])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(&manifest_dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .expect("run cargo");
    assert!(status.success(), "single-feature build failed");
    let binary = target_dir.join("debug/linkbox");
    run(&binary, None, &["--list"]).expect(0, "du\n", "");
    run(&binary, None, &["du", "--version"]).expect(0, &version_line("du"), "");
    run(&binary, None, &["ln", "--version"]).expect(127, "", "linkbox: applet not found: ln\n");
    run(&binary, Some("pgrep"), &["x"]).expect(127, "", "linkbox: applet not found: pgrep\n");
}
