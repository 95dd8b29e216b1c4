//! stat against what GNU stat 9.1 prints: every expectation below is GNU's
//! output for the same command on the same kind of fixture (values that
//! differ per machine, such as inode numbers, come from the file itself).

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

use common::{Outcome, Sandbox, is_root, skip, utc_full_iso};

const FIXED_TIME: &str = "2020-01-02 03:04:05.123456789";

/// `touch -h -d FIXED_TIME` in UTC: fixed access and modification times.
fn touch_fixed(sandbox: &Sandbox, names: &[&str]) {
    let status = Command::new("touch")
        .current_dir(sandbox.work())
        .env("TZ", "UTC0")
        .args(["-h", "-d", FIXED_TIME])
        .args(names)
        .status()
        .expect("run touch");
    assert!(status.success(), "touch failed");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
}

/// The fixture most tests use: a regular file, an empty one, a directory,
/// links (good and broken) and a fifo, with fixed times.
fn fixture() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("f", "hello\n");
    sandbox.write("e", "");
    fs::set_permissions(sandbox.path("f"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(sandbox.path("e"), fs::Permissions::from_mode(0o640)).unwrap();
    sandbox.mkdir("d");
    symlink("f", sandbox.path("l")).unwrap();
    symlink("nowhere", sandbox.path("b")).unwrap();
    mkfifo(&sandbox.path("p"));
    touch_fixed(&sandbox, &["f", "e", "d", "l", "p"]);
    sandbox
}

fn stat(sandbox: &Sandbox, args: &[&str]) -> Outcome {
    sandbox.run("stat", args)
}

fn stat_env(sandbox: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> Outcome {
    let mut command = sandbox.command("stat");
    command.envs(env.iter().copied()).args(args);
    let out = command.output().expect("run stat");
    Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
}

fn user_and_group(meta: &fs::Metadata) -> (String, String) {
    let name = |database: &str, id: u32| {
        let out = Command::new("getent").args([database, &id.to_string()]).output().expect("run getent");
        let line = String::from_utf8_lossy(&out.stdout).into_owned();
        line.split(':').next().filter(|n| !n.is_empty()).unwrap_or("UNKNOWN").to_string()
    };
    (name("passwd", meta.uid()), name("group", meta.gid()))
}

fn birth(path: &Path) -> String {
    let created = fs::symlink_metadata(path).unwrap().created();
    match created {
        Ok(time) => {
            let since = time.duration_since(std::time::UNIX_EPOCH).unwrap();
            utc_full_iso(since.as_secs() as i64, i64::from(since.subsec_nanos()))
        }
        Err(_) => "-".to_string(),
    }
}

#[test]
fn default_layout_of_a_regular_file() {
    let sandbox = fixture();
    let meta = fs::symlink_metadata(sandbox.path("f")).unwrap();
    let (user, group) = user_and_group(&meta);
    let expected = format!(
        "  File: f\n  Size: 6         \tBlocks: {:<10} IO Block: {:<6} regular file\n\
         Device: {},{}\tInode: {:<10}  Links: 1\n\
         Access: (0644/-rw-r--r--)  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})\n\
         Access: {FIXED_TIME} +0000\nModify: {FIXED_TIME} +0000\nChange: {}\n Birth: {}\n",
        meta.blocks(),
        meta.blksize(),
        nix_major(meta.dev()),
        nix_minor(meta.dev()),
        meta.ino(),
        meta.uid(),
        user,
        meta.gid(),
        group,
        utc_full_iso(meta.ctime(), meta.ctime_nsec()),
        birth(&sandbox.path("f")),
    );
    stat_env(&sandbox, &[("TZ", "UTC0")], &["f"]).expect(0, &expected, "");
}

/// glibc's major() and minor().
fn nix_major(dev: u64) -> u64 {
    ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff)
}

fn nix_minor(dev: u64) -> u64 {
    ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
}

#[test]
fn default_layout_of_a_symlink_and_with_dereference() {
    let sandbox = fixture();
    let out = stat_env(&sandbox, &[("TZ", "UTC0")], &["l"]);
    let text = out.stdout_str();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "  File: l -> f");
    assert!(lines[1].starts_with("  Size: 1         \tBlocks: 0          IO Block: "), "{text}");
    assert!(lines[1].ends_with(" symbolic link"), "{text}");
    assert!(lines[3].starts_with("Access: (0777/lrwxrwxrwx)  Uid: ("), "{text}");
    let out = stat_env(&sandbox, &[("TZ", "UTC0")], &["-L", "l"]);
    let text = out.stdout_str();
    assert!(text.starts_with("  File: l\n  Size: 6         \tBlocks: "), "{text}");
    assert!(text.contains("Access: (0644/-rw-r--r--)"), "{text}");
}

#[test]
fn device_layout_and_device_directives() {
    let sandbox = Sandbox::new();
    let out = stat(&sandbox, &["/dev/null"]);
    let text = out.stdout_str();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].ends_with(" character special file"), "{text}");
    assert!(lines[2].ends_with("  Links: 1     Device type: 1,3"), "{text}");
    stat(&sandbox, &["-c", "%F|%A|%a|%t|%T|%Hr|%Lr|%r|%R|%f", "/dev/null"]).expect(
        0,
        "character special file|crw-rw-rw-|666|1|3|1|3|259|103|21b6\n",
        "",
    );
}

#[test]
fn file_directives_on_each_file_type() {
    let sandbox = fixture();
    let format = "%a %A %f %F %h %s %b %B %n|%x|%X|%y|%Y|%.3Y|%10.2Y|%-12.4Y|%.X|%.Y|%.0Y";
    let times = "2020-01-02 03:04:05.123456789 +0000|1577934245|2020-01-02 03:04:05.123456789 +0000|1577934245|\
                 1577934245.123|1577934245.12|1577934245.1234   |1577934245.123456789|1577934245.123456789|1577934245";
    let expected = format!(
        "644 -rw-r--r-- 81a4 regular file 1 6 8 512 f|{times}\n\
         640 -rw-r----- 81a0 regular empty file 1 0 0 512 e|{times}\n\
         777 lrwxrwxrwx a1ff symbolic link 1 1 0 512 l|{times}\n\
         644 prw-r--r-- 11a4 fifo 1 0 0 512 p|{times}\n"
    );
    fs::set_permissions(sandbox.path("p"), fs::Permissions::from_mode(0o644)).unwrap();
    touch_fixed(&sandbox, &["p"]);
    stat_env(&sandbox, &[("TZ", "UTC0")], &["-c", format, "f", "e", "l", "p"]).expect(0, &expected, "");

    fs::set_permissions(sandbox.path("d"), fs::Permissions::from_mode(0o755)).unwrap();
    let size = fs::metadata(sandbox.path("d")).unwrap().size();
    stat(&sandbox, &["-c", "%F %A %h %n %s", "d"]).expect(
        0,
        &format!("directory drwxr-xr-x 2 d {size}\n"),
        "",
    );
}

#[test]
fn ids_devices_and_inodes_match_the_file() {
    let sandbox = fixture();
    let meta = fs::metadata(sandbox.path("f")).unwrap();
    let expected = format!(
        "{} {:x} {} {} {} {} {} {}\n",
        meta.dev(),
        meta.dev(),
        nix_major(meta.dev()),
        nix_minor(meta.dev()),
        meta.ino(),
        meta.uid(),
        meta.gid(),
        meta.nlink()
    );
    stat(&sandbox, &["-c", "%d %D %Hd %Ld %i %u %g %h", "f"]).expect(0, &expected, "");
}

#[test]
fn socket_and_hard_links() {
    let sandbox = fixture();
    let _listener = std::os::unix::net::UnixListener::bind(sandbox.path("s")).unwrap();
    fs::set_permissions(sandbox.path("s"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::hard_link(sandbox.path("f"), sandbox.path("h")).unwrap();
    stat(&sandbox, &["-c", "%F %A", "s"]).expect(0, "socket srwxr-xr-x\n", "");
    let inode = fs::metadata(sandbox.path("f")).unwrap().ino();
    stat(&sandbox, &["-c", "%i %h %n", "f", "h"]).expect(0, &format!("{inode} 2 f\n{inode} 2 h\n"), "");
}

#[test]
fn printf_flags_width_and_precision() {
    let sandbox = fixture();
    let ino = fs::metadata(sandbox.path("f")).unwrap().ino();
    stat_env(&sandbox, &[("TZ", "UTC0")], &["-c", "%-10n|%010s|%+s|%#o|%#a|%05a|%#x|%#X|%.2n|%5.1F|%i", "f"])
        .expect(
            0,
            &format!(
                "f         |0000000006|+6|4096|0644|00644|{FIXED_TIME} +0000|1577934245|f|    r|{ino}\n"
            ),
            "",
        );
    // Epoch seconds before 1970, with the width split around the fraction.
    let sandbox = Sandbox::new();
    sandbox.write("t", "");
    let status =
        Command::new("touch").current_dir(sandbox.work()).args(["-d", "@-1.25", "t"]).status().unwrap();
    assert!(status.success());
    stat(&sandbox, &["-c", "%Y|%.2Y|%.1Y|%08.2Y|%-8.2Y|%+.2Y|%.0Y|%.12Y|%3.5Y", "t"]).expect(
        0,
        "-2|-1.25|-1.2|-0001.25|-1.25   |-1.25|-2|-1.250000000000|-1.25000\n",
        "",
    );
    let status =
        Command::new("touch").current_dir(sandbox.work()).args(["-d", "@-0.25", "t"]).status().unwrap();
    assert!(status.success());
    stat(&sandbox, &["-c", "%Y|%.2Y|%5.2Y|%-6.1Y|%07.1Y", "t"]).expect(
        0,
        "-1|-0.25|-0.25|-0.2  |-0000.2\n",
        "",
    );
}

#[test]
fn unknown_and_invalid_directives() {
    let sandbox = fixture();
    stat(&sandbox, &["-c", "%q|%5q|%%|%Hx|%", "f"]).expect(0, "?|?|%|?x|%\n", "");
    stat(&sandbox, &["-c", "a%5%b", "f", "e"]).expect(1, "a", "stat: '%5%': invalid directive\n");
    stat(&sandbox, &["-c", "%n%-", "f"]).expect(1, "f", "stat: '%-': invalid directive\n");
    stat(&sandbox, &["-f", "-c", "%Hd|%m|%q", "/proc"]).expect(0, "?d|?|?\n", "");
}

#[test]
fn printf_escapes_and_their_warnings() {
    let sandbox = fixture();
    stat(&sandbox, &["--printf", "%n\\t%s\\n\\x41\\101\\e[0m\\q|\\", "f"]).expect(
        0,
        "f\t6\nAA\x1b[0mq|\\",
        "stat: warning: unrecognized escape '\\q'\nstat: warning: backslash at end of format\n",
    );
    stat(&sandbox, &["-c", "%n\\t", "f"]).expect(0, "f\\t\n", "");
}

#[test]
fn quoting_of_names() {
    let sandbox = Sandbox::new();
    for name in ["a b", "it's", "n\nl"] {
        sandbox.write(name, "x");
    }
    symlink("a b", sandbox.path("l b")).unwrap();
    stat(&sandbox, &["-c", "%N|%n", "a b", "it's", "n\nl", "l b"]).expect(
        0,
        "'a b'|a b\n\"it's\"|it's\n'n'$'\\n''l'|n\nl\n'l b' -> 'a b'|l b\n",
        "",
    );
    stat_env(&sandbox, &[("QUOTING_STYLE", "c")], &["-c", "%N", "a b", "l b"]).expect(
        0,
        "\"a b\"\n\"l b\" -> \"a b\"\n",
        "",
    );
    stat_env(&sandbox, &[("QUOTING_STYLE", "lit")], &["-c", "%N", "a b"]).expect(0, "a b\n", "");
    stat_env(&sandbox, &[("QUOTING_STYLE", "sh")], &["-c", "%N", "a b"]).expect(
        0,
        "'a b'\n",
        "stat: ignoring invalid value of environment variable QUOTING_STYLE: 'sh'\n",
    );
    // Only a FORMAT holding "%N" as such reads QUOTING_STYLE.
    stat_env(&sandbox, &[("QUOTING_STYLE", "bogus")], &["-c", "%5N|", "a b"]).expect(0, "  a b|\n", "");
    // GNU 9.1's own quirk: one dropped flag leaves an 's' after the target
    // (and "%0N" is no "%N", so the quoting stays literal).
    stat(&sandbox, &["-c", "%0N", "l b"]).expect(0, "l b -> a bs\n", "");
}

#[test]
fn non_utf8_names_are_printed_raw() {
    let sandbox = Sandbox::new();
    let name = OsStr::from_bytes(b"x\xffy");
    fs::write(sandbox.path(name), "").unwrap();
    let out = sandbox.command("stat").arg("-c").arg("%n|%N").arg(name).output().unwrap();
    assert_eq!(out.stdout, b"x\xffy|'x'$'\\377''y'\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unknown_owner_prints_numbers_and_unknown() {
    if !is_root() {
        return skip("unknown_owner_prints_numbers_and_unknown", "chown needs root");
    }
    let sandbox = fixture();
    nix_chown(&sandbox.path("f"), 4242, 4343);
    stat(&sandbox, &["-c", "%u %U %g %G", "f"]).expect(0, "4242 UNKNOWN 4343 UNKNOWN\n", "");
    let out = stat(&sandbox, &["f"]);
    assert!(
        out.stdout_str().contains("Uid: ( 4242/ UNKNOWN)   Gid: ( 4343/ UNKNOWN)"),
        "{}",
        out.stdout_str()
    );
}

fn nix_chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
}

#[test]
fn errors_and_later_operands() {
    let sandbox = fixture();
    stat(&sandbox, &["-L", "-c", "%n", "b", "f"]).expect(
        1,
        "f\n",
        "stat: cannot statx 'b': No such file or directory\n",
    );
    stat(&sandbox, &["-c", "%n", "missing1", "f", "missing2"]).expect(
        1,
        "f\n",
        "stat: cannot statx 'missing1': No such file or directory\n\
         stat: cannot statx 'missing2': No such file or directory\n",
    );
    stat(&sandbox, &[]).expect(1, "", "stat: missing operand\nTry 'stat --help' for more information.\n");
    stat(&sandbox, &["-q", "f"]).expect(
        1,
        "",
        "stat: invalid option -- 'q'\nTry 'stat --help' for more information.\n",
    );
    stat(&sandbox, &["--f", "f"]).expect(
        1,
        "",
        "stat: option '--f' is ambiguous; possibilities: '--file-system' '--format'\n\
         Try 'stat --help' for more information.\n",
    );
    stat(&sandbox, &["--cached=foo", "f"]).expect(
        1,
        "",
        "stat: invalid argument 'foo' for '--cached'\nValid arguments are:\n  - 'default'\n  - 'never'\n  - 'always'\n\
         Try 'stat --help' for more information.\n",
    );
    stat(&sandbox, &["--cached=", "f"]).expect(
        1,
        "",
        "stat: ambiguous argument '' for '--cached'\nValid arguments are:\n  - 'default'\n  - 'never'\n  - 'always'\n\
         Try 'stat --help' for more information.\n",
    );
    for mode in ["always", "never", "default", "al", "n"] {
        stat(&sandbox, &[&format!("--cached={mode}"), "-c", "%n", "f"]).expect(0, "f\n", "");
    }
    stat(&sandbox, &["-c"]).expect(
        1,
        "",
        "stat: option requires an argument -- 'c'\nTry 'stat --help' for more information.\n",
    );
}

#[test]
fn format_options_last_one_wins() {
    let sandbox = fixture();
    stat(&sandbox, &["--printf=%n", "-c", "%s", "f"]).expect(0, "6\n", "");
    stat(&sandbox, &["-c", "%s", "--printf=%n", "f"]).expect(0, "f", "");
    stat(&sandbox, &["-t", "-c", "%n", "f"]).expect(0, "f\n", "");
}

#[test]
fn terse_forms() {
    let sandbox = fixture();
    let meta = fs::metadata(sandbox.path("e")).unwrap();
    let expected = format!(
        "e 0 0 81a0 {} {} {:x} {} 1 0 0 1577934245 1577934245 {} {} {}\n",
        meta.uid(),
        meta.gid(),
        meta.dev(),
        meta.ino(),
        meta.ctime(),
        fs::metadata(sandbox.path("e"))
            .unwrap()
            .created()
            .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs())
            .unwrap_or(0),
        meta.blksize()
    );
    stat(&sandbox, &["-t", "e"]).expect(0, &expected, "");
    let out = stat(&sandbox, &["-f", "-t", "/proc"]);
    let text = out.stdout_str();
    let fields: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(fields.len(), 11, "{text}");
    assert_eq!((fields[0], fields[3]), ("/proc", "9fa0"), "{text}");
}

#[test]
fn file_system_directives_and_layout() {
    let sandbox = fixture();
    stat(&sandbox, &["-f", "-c", "%n %T %t %a %b %c %d %f|%-6T|%10t|%#x", "/proc"]).expect(
        0,
        "/proc proc 9fa0 0 0 0 0 0|proc  |      9fa0|?\n",
        "",
    );
    let out = stat(&sandbox, &["-f", "/proc"]);
    let text = out.stdout_str();
    assert!(text.starts_with("  File: \"/proc\"\n    ID: "), "{text}");
    assert!(text.contains(" Namelen: 255     Type: proc\nBlock size: "), "{text}");
    assert!(text.ends_with(
        "Blocks: Total: 0          Free: 0          Available: 0\nInodes: Total: 0          Free: 0\n"
    ));
    stat(&sandbox, &["-f", "-"]).expect(
        1,
        "",
        "stat: using '-' to denote standard input does not work in file system mode\n",
    );
    stat(&sandbox, &["-f", "-c", "%n", "missing", "/proc"]).expect(
        1,
        "/proc\n",
        "stat: cannot read file system information for 'missing': No such file or directory\n",
    );
}

#[test]
fn standard_input() {
    let sandbox = fixture();
    let file = fs::File::open(sandbox.path("f")).unwrap();
    let out = sandbox.command("stat").args(["-c", "%n|%N|%s|%F", "-"]).stdin(file).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "-|'-'|6|regular file\n");
    let dir = fs::File::open(sandbox.path("d")).unwrap();
    let out = sandbox.command("stat").args(["-c", "%F %m", "-"]).stdin(dir).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "directory ?\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "stat: failed to canonicalize '-': No such file or directory\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn mount_points() {
    let sandbox = fixture();
    stat(&sandbox, &["-c", "%m", "/proc/self/status", "/proc", "/"]).expect(0, "/proc\n/proc\n/\n", "");
    let out = stat(&sandbox, &["-c", "%m", "f", "d", "l"]);
    let mount = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().to_string();
    assert!(sandbox.work().starts_with(&mount), "{mount}");
    out.expect(0, &format!("{mount}\n{mount}\n{mount}\n"), "");
}

#[test]
fn time_zones() {
    let sandbox = fixture();
    for (tz, expected) in [
        ("UTC0", "2020-01-02 03:04:05.123456789 +0000"),
        ("XYZ-3:30", "2020-01-02 06:34:05.123456789 +0330"),
        ("EST5EDT,M3.2.0,M11.1.0", "2020-01-01 22:04:05.123456789 -0500"),
        ("<-00>0", "2020-01-02 03:04:05.123456789 -0000"),
    ] {
        stat_env(&sandbox, &[("TZ", tz)], &["-c", "%y|%.4y", "f"]).expect(
            0,
            &format!("{expected}|2020\n"),
            "",
        );
    }
}

#[test]
fn birth_time_known_or_not() {
    let sandbox = fixture();
    // /proc files have no birth time.
    stat(&sandbox, &["-c", "%w|%W|%.3W", "/proc/self/status"]).expect(0, "-|0|0.000\n", "");
}

#[test]
fn differential_against_gnu_stat() {
    let reference = Path::new("/usr/bin/stat");
    let is_gnu = Command::new(reference)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("GNU coreutils"));
    if !is_gnu {
        return skip("differential_against_gnu_stat", "GNU stat is not installed at /usr/bin/stat");
    }
    let sandbox = Sandbox::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/stat.sh");
    let out =
        Command::new("bash").arg(script).arg(sandbox.bin()).arg(reference).output().expect("run stat.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" 0 differences"), "{stdout}");
}
