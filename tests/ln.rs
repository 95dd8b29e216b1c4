//! `ln` as GNU coreutils 9.1 `ln` behaves: every operand form and option,
//! every error with its exact message and status (expected outputs taken
//! from GNU ln), odd names, `-r`, atomic replacement, and the differential
//! run against the installed GNU ln.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Outcome, Sandbox, TempDir, is_root, skip};

const TRY: &str = "Try 'ln --help' for more information.\n";

/// A sandbox holding files `a`, `b`, `c` and directory `d`.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    for name in ["a", "b", "c"] {
        sandbox.write(name, name);
    }
    sandbox.mkdir("d");
    sandbox
}

fn inode(path: &Path) -> u64 {
    fs::symlink_metadata(path).unwrap().ino()
}

fn same_file(sandbox: &Sandbox, x: &str, y: &str) -> bool {
    inode(&sandbox.path(x)) == inode(&sandbox.path(y))
}

fn link_target(sandbox: &Sandbox, name: &str) -> String {
    fs::read_link(sandbox.path(name)).unwrap().to_string_lossy().into_owned()
}

/// The names in a directory, sorted (temporary names would show here).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

// --- operand forms

#[test]
fn target_and_link_name_makes_a_hard_link() {
    let s = sandbox();
    s.run("ln", ["a", "new"]).expect(0, "", "");
    assert!(same_file(&s, "a", "new"));
}

#[test]
fn lone_target_links_into_the_current_directory() {
    let s = sandbox();
    s.sh("cd d && ln -v ../a").expect(0, "'./a' => '../a'\n", "");
    assert!(same_file(&s, "a", "d/a"));
    s.run("ln", ["-sv", "/tmp/x"]).expect(0, "'./x' -> '/tmp/x'\n", "");
    s.run("ln", ["-s", "/"]).expect(
        1,
        "",
        "ln: failed to create symbolic link './': No such file or directory\n",
    );
}

#[test]
fn targets_into_a_directory_and_with_target_directory() {
    let s = sandbox();
    s.run("ln", ["-v", "a", "b", "d"]).expect(0, "'d/a' => 'a'\n'd/b' => 'b'\n", "");
    s.run("ln", ["-v", "-t", "d", "c"]).expect(0, "'d/c' => 'c'\n", "");
    s.run("ln", ["--target-directory=d", "-sv", "x"]).expect(0, "'d/x' -> 'x'\n", "");
    // The directory operand's trailing slashes are not repeated.
    s.run("ln", ["-v", "a", "d//"]).expect(1, "", "ln: failed to create hard link 'd/a': File exists\n");
    assert!(same_file(&s, "a", "d/a") && same_file(&s, "c", "d/c"));
}

// --- options

#[test]
fn symbolic_and_its_abbreviations() {
    let s = sandbox();
    s.run("ln", ["-s", "a", "s1"]).expect(0, "", "");
    s.run("ln", ["--symbolic", "nowhere", "s2"]).expect(0, "", "");
    s.run("ln", ["--sym", "a", "s3"]).expect(0, "", "");
    assert_eq!(link_target(&s, "s1"), "a");
    assert_eq!(link_target(&s, "s2"), "nowhere");
    assert_eq!(link_target(&s, "s3"), "a");
    s.run("ln", ["--s", "a", "s4"]).expect(
        1,
        "",
        &format!("ln: option '--s' is ambiguous; possibilities: '--suffix' '--symbolic'\n{TRY}"),
    );
    s.run("ln", ["--no", "a"]).expect(
        1,
        "",
        &format!(
            "ln: option '--no' is ambiguous; possibilities: '--no-dereference' '--no-target-directory'\n{TRY}"
        ),
    );
}

#[test]
fn force_replaces_and_existing_destination_is_an_error_without_it() {
    let s = sandbox();
    s.run("ln", ["a", "b"]).expect(1, "", "ln: failed to create hard link 'b': File exists\n");
    s.run("ln", ["-s", "a", "b"]).expect(1, "", "ln: failed to create symbolic link 'b': File exists\n");
    assert_eq!(fs::read(s.path("b")).unwrap(), b"b");
    s.run("ln", ["-fv", "a", "b"]).expect(0, "'b' => 'a'\n", "");
    assert!(same_file(&s, "a", "b"));
    s.run("ln", ["--force", "-s", "c", "b"]).expect(0, "", "");
    assert_eq!(link_target(&s, "b"), "c");
    // Replacing a hard link by itself leaves no temporary name behind.
    s.run("ln", ["-f", "a", "d/a2"]).expect(0, "", "");
    s.run("ln", ["-f", "a", "d/a2"]).expect(0, "", "");
    assert_eq!(names(&s.path("d")), ["a2"]);
    assert_eq!(names(s.work()), ["a", "b", "c", "d"]);
}

#[test]
fn interactive_asks_on_stderr_and_reads_the_answer_from_stdin() {
    let s = sandbox();
    s.run_with_input("ln", &["-i", "a", "b"], b"n\n").expect(0, "", "ln: replace 'b'? ");
    assert!(!same_file(&s, "a", "b"));
    s.run_with_input("ln", &["-i", "a", "b"], b"").expect(0, "", "ln: replace 'b'? ");
    assert!(!same_file(&s, "a", "b"));
    s.run_with_input("ln", &["-iv", "a", "b"], b"yes\n").expect(0, "'b' => 'a'\n", "ln: replace 'b'? ");
    assert!(same_file(&s, "a", "b"));
    // One line per question; no question for a name that does not exist.
    s.write("d/a", "");
    s.write("d/c", "");
    s.run_with_input("ln", &["-iv", "a", "b", "c", "d"], b"Y\nn\n").expect(
        0,
        "'d/a' => 'a'\n'd/b' => 'b'\n",
        "ln: replace 'd/a'? ln: replace 'd/c'? ",
    );
    assert!(same_file(&s, "a", "d/a") && !same_file(&s, "c", "d/c"));
    // The last of -i and -f wins.
    s.run_with_input("ln", &["-if", "c", "d/c"], b"").expect(0, "", "");
    assert!(same_file(&s, "c", "d/c"));
}

#[test]
fn interactive_reads_only_its_own_line() {
    let s = sandbox();
    s.write("answers", "y\nnext line\n");
    s.sh("{ ln -i a b; cat; } <answers").expect(0, "next line\n", "ln: replace 'b'? ");
    assert!(same_file(&s, "a", "b"));
}

#[test]
fn no_dereference_treats_a_symlink_to_a_directory_as_a_file() {
    let s = sandbox();
    symlink("d", s.path("sd")).unwrap();
    s.run("ln", ["-sfv", "a", "sd"]).expect(0, "'sd/a' -> 'a'\n", "");
    assert_eq!(link_target(&s, "d/a"), "a");
    s.run("ln", ["-sn", "a", "sd"]).expect(1, "", "ln: failed to create symbolic link 'sd': File exists\n");
    s.run("ln", ["-sfnv", "b", "sd"]).expect(0, "'sd' -> 'b'\n", "");
    assert_eq!(link_target(&s, "sd"), "b");
    symlink("d", s.path("sd2")).unwrap();
    s.run("ln", ["--no-dereference", "a", "b", "sd2"]).expect(1, "", "ln: target 'sd2': Not a directory\n");
}

#[test]
fn no_target_directory_treats_the_last_operand_as_a_name() {
    let s = sandbox();
    s.run("ln", ["-T", "a", "d"]).expect(1, "", "ln: failed to create hard link 'd': File exists\n");
    s.run("ln", ["-Tf", "a", "d"]).expect(1, "", "ln: d: cannot overwrite directory\n");
    s.run("ln", ["--no-target-directory", "-v", "a", "new"]).expect(0, "'new' => 'a'\n", "");
}

#[test]
fn verbose_lines_for_hard_and_symbolic_links_and_backups() {
    let s = sandbox();
    s.run("ln", ["-v", "a", "x"]).expect(0, "'x' => 'a'\n", "");
    s.run("ln", ["--verbose", "-s", "a", "y"]).expect(0, "'y' -> 'a'\n", "");
    s.run("ln", ["-bv", "c", "x"]).expect(0, "'x~' ~ 'x' => 'c'\n", "");
}

#[test]
fn backup_controls_name_the_backups_as_gnu() {
    let s = sandbox();
    s.run("ln", ["-bv", "a", "b"]).expect(0, "'b~' ~ 'b' => 'a'\n", "");
    assert_eq!(fs::read(s.path("b~")).unwrap(), b"b");
    s.run("ln", ["--backup=numbered", "-v", "c", "b"]).expect(0, "'b.~1~' ~ 'b' => 'c'\n", "");
    s.run("ln", ["--backup=t", "-v", "a", "b"]).expect(0, "'b.~2~' ~ 'b' => 'a'\n", "");
    // existing/nil: numbered since numbered backups exist.
    s.run("ln", ["--backup=existing", "-v", "c", "b"]).expect(0, "'b.~3~' ~ 'b' => 'c'\n", "");
    s.run("ln", ["--backup=nil", "-v", "a", "c"]).expect(0, "'c~' ~ 'c' => 'a'\n", "");
    s.run("ln", ["--backup=simple", "-v", "b", "c"]).expect(0, "'c~' ~ 'c' => 'b'\n", "");
    s.run("ln", ["--backup=never", "-v", "a", "c"]).expect(0, "'c~' ~ 'c' => 'a'\n", "");
    s.run("ln", ["--backup=none", "-fv", "b", "c"]).expect(0, "'c' => 'b'\n", "");
    s.run("ln", ["--backup=off", "b", "d/x", "-v"]).expect(0, "'d/x' => 'b'\n", "");
    // Unambiguous abbreviations, and -b after --backup=t keeps t.
    s.run("ln", ["--backup=nu", "-b", "-v", "a", "b"]).expect(0, "'b.~4~' ~ 'b' => 'a'\n", "");
    assert_eq!(names(s.work()), ["a", "b", "b.~1~", "b.~2~", "b.~3~", "b.~4~", "b~", "c", "c~", "d"]);
}

#[test]
fn numbered_backups_count_past_the_highest() {
    let s = sandbox();
    for name in ["b.~9~", "b.~10~", "b.~x~", "b.~011~"] {
        s.write(name, "");
    }
    s.run("ln", ["--backup=t", "-v", "a", "b"]).expect(0, "'b.~11~' ~ 'b' => 'a'\n", "");
    s.write("c.~99~", "");
    s.run("ln", ["--backup=t", "-v", "a", "c"]).expect(0, "'c.~100~' ~ 'c' => 'a'\n", "");
}

#[test]
fn suffix_option_and_environment() {
    let s = sandbox();
    // -S alone turns backups on.
    s.run("ln", ["-S", ".bak", "-v", "a", "b"]).expect(0, "'b.bak' ~ 'b' => 'a'\n", "");
    s.command("ln")
        .args(["-bv", "a", "c"])
        .env("SIMPLE_BACKUP_SUFFIX", ".sv")
        .output()
        .map(|o| assert_eq!((o.status.code(), o.stdout), (Some(0), b"'c.sv' ~ 'c' => 'a'\n".to_vec())))
        .unwrap();
    // A suffix naming another directory falls back to `~`.
    s.run("ln", ["--suffix=/x", "-v", "b", "c"]).expect(0, "'c~' ~ 'c' => 'b'\n", "");
}

#[test]
fn version_control_variable() {
    let s = sandbox();
    let run = |args: &[&str], value: &str| {
        let out = s.command("ln").args(args).env("VERSION_CONTROL", value).output().unwrap();
        Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
    };
    run(&["-bv", "a", "b"], "numbered").expect(0, "'b.~1~' ~ 'b' => 'a'\n", "");
    // The option wins over the variable.
    run(&["--backup=simple", "-v", "c", "b"], "t").expect(0, "'b~' ~ 'b' => 'c'\n", "");
    // A bad value matters only when backups are asked for.
    run(&["-v", "a", "new"], "bad").expect(0, "'new' => 'a'\n", "");
    run(&["-b", "a", "b"], "bad").expect(
        1,
        "",
        &format!(
            "ln: invalid argument 'bad' for '$VERSION_CONTROL'\nValid arguments are:\n  - 'none', 'off'\n  \
             - 'simple', 'never'\n  - 'existing', 'nil'\n  - 'numbered', 't'\n{TRY}"
        ),
    );
}

#[test]
fn invalid_and_ambiguous_backup_types() {
    let s = sandbox();
    let valid = "Valid arguments are:\n  - 'none', 'off'\n  - 'simple', 'never'\n  - 'existing', 'nil'\n  - 'numbered', 't'\n";
    s.run("ln", ["--backup=foo", "a", "b"]).expect(
        1,
        "",
        &format!("ln: invalid argument 'foo' for 'backup type'\n{valid}{TRY}"),
    );
    s.run("ln", ["--backup=n", "a", "b"]).expect(
        1,
        "",
        &format!("ln: ambiguous argument 'n' for 'backup type'\n{valid}{TRY}"),
    );
    // As GNU, the first link is tried before the control is read.
    s.run("ln", ["--backup=foo", "a", "new"]).expect(
        1,
        "",
        &format!("ln: invalid argument 'foo' for 'backup type'\n{valid}{TRY}"),
    );
    assert!(same_file(&s, "a", "new"));
}

#[test]
fn logical_and_physical_hard_links_to_a_symlink() {
    let s = sandbox();
    symlink("a", s.path("sa")).unwrap();
    symlink("nowhere", s.path("dangling")).unwrap();
    s.run("ln", ["-L", "sa", "logical"]).expect(0, "", "");
    s.run("ln", ["-P", "sa", "physical"]).expect(0, "", "");
    s.run("ln", ["sa", "default"]).expect(0, "", "");
    s.run("ln", ["--physical", "--logical", "sa", "last-wins"]).expect(0, "", "");
    assert!(same_file(&s, "a", "logical") && same_file(&s, "a", "last-wins"));
    assert!(same_file(&s, "sa", "physical") && same_file(&s, "sa", "default"));
    s.run("ln", ["-L", "dangling", "x"]).expect(
        1,
        "",
        "ln: failed to access 'dangling': No such file or directory\n",
    );
    s.run("ln", ["-LP", "dangling", "x"]).expect(0, "", "");
    assert!(same_file(&s, "dangling", "x"));
}

#[test]
fn hard_links_to_directories() {
    let s = sandbox();
    s.run("ln", ["d", "x"]).expect(1, "", "ln: d: hard link not allowed for directory\n");
    s.run("ln", ["d/", "x"]).expect(1, "", "ln: d/: hard link not allowed for directory\n");
    // -d/-F/--directory: the kernel decides (Linux refuses).
    for option in ["-d", "-F", "--directory"] {
        s.run("ln", [option, "d", "x"]).expect(
            1,
            "",
            "ln: failed to create hard link 'x' => 'd': Operation not permitted\n",
        );
    }
    s.run("ln", ["-dv", "a", "x"]).expect(0, "'x' => 'a'\n", "");
}

#[test]
fn double_dash_ends_options() {
    let s = sandbox();
    s.run("ln", ["-s", "--", "a", "-b"]).expect(0, "", "");
    assert_eq!(link_target(&s, "-b"), "a");
    s.run("ln", ["-s", "a", "x", "-v"]).expect(0, "'x' -> 'a'\n", "");
}

#[test]
fn help_is_gnus_text_and_version_names_linkbox() {
    let s = sandbox();
    let help = s.run("ln", ["--help"]);
    assert_eq!(help.code, Some(0));
    let text = help.stdout_str();
    assert!(text.starts_with("Usage: ln [OPTION]... [-T] TARGET LINK_NAME\n  or:  ln [OPTION]... TARGET\n"));
    assert!(text.contains("\n  -d, -F, --directory         allow the superuser to attempt to hard link\n"));
    assert!(text.ends_with("behavior when a TARGET is a symbolic link, defaulting to -P.\n"));
    s.run("ln", ["--version"]).expect(0, &format!("ln (linkbox) {}\n", env!("CARGO_PKG_VERSION")), "");
    // Acted on where it stands, as GNU's getopt loop does.
    s.run("ln", ["-t", "nope", "--help"]).expect(
        1,
        "",
        "ln: failed to access 'nope': No such file or directory\n",
    );
}

// --- errors

#[test]
fn same_file_is_refused() {
    let s = sandbox();
    s.run("ln", ["-f", "a", "a"]).expect(1, "", "ln: 'a' and 'a' are the same file\n");
    s.run("ln", ["-sf", "a", "a"]).expect(1, "", "ln: 'a' and 'a' are the same file\n");
    s.run("ln", ["-bf", "a", "./a"]).expect(1, "", "ln: 'a' and './a' are the same file\n");
    s.run("ln", ["a", "a2"]).expect(0, "", "");
    s.run("ln", ["-f", "a", "d/../a"]).expect(1, "", "ln: 'a' and 'd/../a' are the same file\n");
    assert_eq!(fs::read(s.path("a")).unwrap(), b"a");
    // A symlink to itself may be made when nothing exists to be lost.
    s.run("ln", ["-sf", "loop", "loop"]).expect(0, "", "");
    assert_eq!(link_target(&s, "loop"), "loop");
}

#[test]
fn missing_source_and_failure_on_one_operand_goes_on() {
    let s = sandbox();
    s.run("ln", ["nope", "x"]).expect(1, "", "ln: failed to access 'nope': No such file or directory\n");
    s.run("ln", ["a/", "x"]).expect(1, "", "ln: failed to access 'a/': Not a directory\n");
    s.run("ln", ["-v", "a", "nope", "c", "d"]).expect(
        1,
        "'d/a' => 'a'\n'd/c' => 'c'\n",
        "ln: failed to access 'nope': No such file or directory\n",
    );
    // Messages and -v lines keep their order in one stream.
    s.sh("ln -v b nope2 d 2>&1").expect(
        1,
        "'d/b' => 'b'\nln: failed to access 'nope2': No such file or directory\n",
        "",
    );
    s.run("ln", ["a", "nope/x"]).expect(
        1,
        "",
        "ln: failed to create hard link 'nope/x' => 'a': No such file or directory\n",
    );
    s.run("ln", ["-s", "a", "nope/x"]).expect(
        1,
        "",
        "ln: failed to create symbolic link 'nope/x': No such file or directory\n",
    );
    s.run("ln", ["-s", "", "x"]).expect(
        1,
        "",
        "ln: failed to create symbolic link 'x' -> '': No such file or directory\n",
    );
}

#[test]
fn target_directory_errors() {
    let s = sandbox();
    s.run("ln", ["a", "b", "nope"]).expect(1, "", "ln: target 'nope': No such file or directory\n");
    s.run("ln", ["a", "b", "c"]).expect(1, "", "ln: target 'c': Not a directory\n");
    s.run("ln", ["-t", "nope", "a"]).expect(
        1,
        "",
        "ln: failed to access 'nope': No such file or directory\n",
    );
    s.run("ln", ["-t", "a", "b"]).expect(1, "", "ln: target 'a' is not a directory\n");
    s.run("ln", ["-t", "d", "-t", "d", "a"]).expect(1, "", "ln: multiple target directories specified\n");
    s.run("ln", ["-t", "nope", "-z"]).expect(
        1,
        "",
        "ln: failed to access 'nope': No such file or directory\n",
    );
    s.run("ln", ["-T", "-t", "d", "a"]).expect(
        1,
        "",
        "ln: cannot combine --target-directory and --no-target-directory\n",
    );
}

#[test]
fn operand_count_errors() {
    let s = sandbox();
    s.run("ln", [] as [&str; 0]).expect(1, "", &format!("ln: missing file operand\n{TRY}"));
    s.run("ln", ["-sf"]).expect(1, "", &format!("ln: missing file operand\n{TRY}"));
    s.run("ln", ["-T", "a"]).expect(1, "", &format!("ln: missing destination file operand after 'a'\n{TRY}"));
    s.run("ln", ["-T", "a", "b", "c"]).expect(1, "", &format!("ln: extra operand 'c'\n{TRY}"));
    s.run("ln", ["-r", "a", "x"]).expect(1, "", "ln: cannot do --relative without --symbolic\n");
}

#[test]
fn invalid_options() {
    let s = sandbox();
    s.run("ln", ["-z", "a", "b"]).expect(1, "", &format!("ln: invalid option -- 'z'\n{TRY}"));
    s.run("ln", ["--bogus"]).expect(1, "", &format!("ln: unrecognized option '--bogus'\n{TRY}"));
    s.run("ln", ["--force=1", "a"]).expect(
        1,
        "",
        &format!("ln: option '--force' doesn't allow an argument\n{TRY}"),
    );
    s.run("ln", ["-S"]).expect(1, "", &format!("ln: option requires an argument -- 'S'\n{TRY}"));
    s.run("ln", ["--target-directory"]).expect(
        1,
        "",
        &format!("ln: option '--target-directory' requires an argument\n{TRY}"),
    );
    // -b takes no argument: -bz is -b -z.
    s.run("ln", ["-bz"]).expect(1, "", &format!("ln: invalid option -- 'z'\n{TRY}"));
}

#[test]
fn just_created_links_are_not_replaced() {
    let s = sandbox();
    s.write("p/f", "p");
    s.write("q/f", "q");
    s.mkdir("r");
    s.run("ln", ["-fv", "p/f", "q/f", "r"]).expect(
        1,
        "'r/f' => 'p/f'\n",
        "ln: will not overwrite just-created 'r/f' with 'q/f'\n",
    );
    assert_eq!(fs::read(s.path("r/f")).unwrap(), b"p");
    s.run("ln", ["-sfv", "p/f", "q/f", "r"]).expect(0, "'r/f' -> 'p/f'\n'r/f' -> 'q/f'\n", "");
}

#[test]
fn cross_device_hard_link_says_so() {
    let shm = Path::new("/dev/shm");
    let s = sandbox();
    let other = fs::metadata(shm).map(|m| m.dev() != fs::metadata(s.work()).unwrap().dev()).unwrap_or(false);
    if !other {
        skip("cross_device_hard_link_says_so", "no /dev/shm on another filesystem");
        return;
    }
    let dir = TempDir::new_in(shm, "ln-exdev");
    let source = dir.path().join("f");
    fs::write(&source, "f").unwrap();
    let source = source.to_str().unwrap();
    s.run("ln", [source, "x"]).expect(
        1,
        "",
        &format!("ln: failed to create hard link 'x' => '{source}': Invalid cross-device link\n"),
    );
    // With -f the existing name is kept.
    s.run("ln", ["-bf", source, "a"]).expect(
        1,
        "",
        &format!("ln: failed to create hard link 'a' => '{source}': Invalid cross-device link\n"),
    );
    assert_eq!(fs::read(s.path("a")).unwrap(), b"a");
    assert_eq!(names(s.work()), ["a", "b", "c", "d"]);
}

// --- odd names

#[test]
fn odd_names_work_and_are_quoted_as_gnu() {
    let s = sandbox();
    s.write("a b", "");
    s.run("ln", ["-v", "a b", "c d"]).expect(0, "'c d' => 'a b'\n", "");
    s.run("ln", ["-v", "a", "it's"]).expect(0, "\"it's\" => 'a'\n", "");
    s.run("ln", ["-sv", "a", "new\nline"]).expect(0, "'new'$'\\n''line' -> 'a'\n", "");
    assert_eq!(link_target(&s, "new\nline"), "a");
    let invalid = OsStr::from_bytes(b"\xff");
    s.run("ln", [OsStr::new("-sv"), invalid, OsStr::new("d")]).expect(0, "'d/'$'\\377' -> ''$'\\377'\n", "");
    assert_eq!(fs::read_link(s.path("d").join(invalid)).unwrap().as_os_str(), invalid);
    s.run("ln", [invalid, OsStr::new("z")]).expect(
        1,
        "",
        "ln: failed to access ''$'\\377': No such file or directory\n",
    );
    s.mkdir("sp ace");
    s.run("ln", ["sp ace", "x"]).expect(1, "", "ln: 'sp ace': hard link not allowed for directory\n");
}

// --- relative

#[test]
fn relative_targets_come_from_canonical_parents() {
    let s = sandbox();
    s.mkdir("x/y/z");
    s.run("ln", ["-srv", "a", "x/y/z/l"]).expect(0, "'x/y/z/l' -> '../../../a'\n", "");
    // `..` in the link name is resolved after its symlinked parent.
    symlink("x/y/z", s.path("zz")).unwrap();
    s.run("ln", ["-srv", "a", "zz/l2"]).expect(0, "'zz/l2' -> '../../../a'\n", "");
    s.run("ln", ["-srv", "a", "zz/../l3"]).expect(0, "'zz/../l3' -> '../../a'\n", "");
    assert_eq!(fs::read(s.path("x/y/l3")).unwrap(), b"a");
    // An absolute target, one through `..`, and missing components.
    let absolute = s.path("a");
    s.run("ln", [OsStr::new("-sr"), absolute.as_os_str(), OsStr::new("x/abs")]).expect(0, "", "");
    assert_eq!(link_target(&s, "x/abs"), "../a");
    s.run("ln", ["-srv", "x/y/z/nonex/../../q", "x/y/l4"]).expect(0, "'x/y/l4' -> 'q'\n", "");
    s.run("ln", ["-srv", "d", "d/self"]).expect(0, "'d/self' -> '.'\n", "");
    s.run("ln", ["--relative", "-s", "-v", "/", "x/root"]).expect(
        0,
        &format!("'x/root' -> '{}'\n", up_to_root(&s.path("x"))),
        "",
    );
    assert_eq!(fs::canonicalize(s.path("x/y/z/l")).unwrap(), fs::canonicalize(s.path("a")).unwrap());
}

/// `..` for each component of `dir` (canonical).
fn up_to_root(dir: &Path) -> String {
    let depth = fs::canonicalize(dir).unwrap().components().count() - 1;
    vec![".."; depth].join("/")
}

// --- atomic replacement

#[test]
fn replacing_a_symlink_never_leaves_the_name_missing() {
    let s = sandbox();
    s.mkdir("one");
    s.mkdir("two");
    symlink("one", s.path("current")).unwrap();
    let name = s.path("current");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let (mut reads, mut missing) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                match fs::read_link(&name) {
                    Ok(_) => {}
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => missing += 1,
                    Err(err) => panic!("reading the link: {err}"),
                }
                reads += 1;
            }
            (reads, missing)
        })
    };
    for i in 0..10_000 {
        let target = if i % 2 == 0 { "two" } else { "one" };
        let status = s.command("ln").args(["-sfn", target, "current"]).status().unwrap();
        assert!(status.success(), "ln -sfn failed at replacement {i}");
    }
    stop.store(true, Ordering::Relaxed);
    let (reads, missing) = reader.join().unwrap();
    assert!(reads > 0);
    assert_eq!(missing, 0, "the name was missing in {missing} of {reads} reads");
    assert_eq!(link_target(&s, "current"), "one");
    assert_eq!(names(s.work()), ["a", "b", "c", "current", "d", "one", "two"]);
}

#[test]
fn backups_never_leave_the_name_missing() {
    let s = sandbox();
    let name = s.path("b");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut missing = 0u64;
            while !stop.load(Ordering::Relaxed) {
                if fs::symlink_metadata(&name).is_err() {
                    missing += 1;
                }
            }
            missing
        })
    };
    for i in 0..500 {
        let source = if i % 2 == 0 { "a" } else { "c" };
        s.run("ln", ["-bf", source, "b"]).expect(0, "", "");
    }
    stop.store(true, Ordering::Relaxed);
    assert_eq!(reader.join().unwrap(), 0);
    assert_eq!(names(s.work()), ["a", "b", "b~", "c", "d"]);
}

#[test]
fn a_failed_replacement_keeps_the_old_name_and_leaves_no_temporary() {
    let s = sandbox();
    // The backup name cannot be made: nothing changes.
    s.run("ln", ["--suffix=x/", "-f", "a", "b"]).expect(1, "", "ln: cannot backup 'b': Not a directory\n");
    assert_eq!(fs::read(s.path("b")).unwrap(), b"b");
    // The backup name is taken by a directory.
    s.mkdir("c~");
    s.run("ln", ["-bsf", "a", "c"]).expect(1, "", "ln: cannot backup 'c': Is a directory\n");
    assert_eq!(fs::read(s.path("c")).unwrap(), b"c");
    assert_eq!(names(s.work()), ["a", "b", "c", "c~", "d"]);
}

#[test]
fn backups_when_the_old_file_cannot_be_linked_again() {
    if !is_root() {
        skip("backups_when_the_old_file_cannot_be_linked_again", "needs root to act as another user");
        return;
    }
    if fs::read_to_string("/proc/sys/fs/protected_hardlinks").map(|v| v.trim() != "1").unwrap_or(true) {
        skip("backups_when_the_old_file_cannot_be_linked_again", "fs.protected_hardlinks is off");
        return;
    }
    let s = sandbox();
    let w = s.mkdir("w");
    fs::set_permissions(&w, fs::Permissions::from_mode(0o777)).unwrap();
    s.write("w/b", "old");
    fs::set_permissions(s.path("w/b"), fs::Permissions::from_mode(0o600)).unwrap();
    let as_nobody = |args: &[&str]| {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "ln"])
            .args(args)
            .current_dir(&w)
            .env("PATH", s.path_var())
            .env("LC_ALL", "C")
            .output()
            .unwrap();
        Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
    };
    // An older backup that is a directory: the swap is undone.
    s.mkdir("w/b~");
    as_nobody(&["-bsf", "../a", "b"]).expect(1, "", "ln: cannot backup 'b': Is a directory\n");
    assert_eq!(fs::read(s.path("w/b")).unwrap(), b"old");
    fs::remove_dir(s.path("w/b~")).unwrap();
    assert_eq!(names(&w), ["b"]);
    as_nobody(&["-bsfv", "../a", "b"]).expect(0, "'b~' ~ 'b' -> '../a'\n", "");
    assert_eq!(fs::read(s.path("w/b~")).unwrap(), b"old");
    assert_eq!(link_target(&s, "w/b"), "../a");
    assert_eq!(names(&w), ["b", "b~"]);
}

// --- against GNU ln

#[test]
fn differential_against_gnu_ln() {
    let gnu = Command::new("/usr/bin/ln").arg("--version").env("LC_ALL", "C").output();
    if !gnu.is_ok_and(|out| out.stdout.starts_with(b"ln (GNU coreutils)")) {
        skip("differential_against_gnu_ln", "GNU ln is not /usr/bin/ln");
        return;
    }
    let s = Sandbox::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/ln.sh");
    let out = Command::new("bash").arg(script).arg(s.bin()).env("LC_ALL", "C").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" differences") && stdout.ends_with(", 0 differences\n"), "{stdout}");
}
