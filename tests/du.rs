//! du against what GNU du 9.1 prints: every option, the hard link and
//! repeat rules, sparse files, a tree deeper than PATH_MAX, odd names,
//! unreadable directories and the errors, each with its exact stdout,
//! stderr and exit status; and the differential run against GNU du.
//!
//! Sizes depend on the file system, so expectations use apparent sizes
//! (`-b`, `--apparent-size`) or inode counts where they can, and otherwise
//! come from the files' own metadata (`st_blocks * 512`, a directory's
//! `st_size`), rounded as du rounds them. Every expectation was checked
//! against GNU du on the same fixture (running this file with LINKBOX_BIN
//! set to a script that answers `--list` with `du` and else runs
//! `exec -a du /usr/bin/du "$@"` does that again).

mod common;

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

use common::{Outcome, Sandbox, TempDir, is_root, skip, utc_full_iso};

const TRY: &str = "Try 'du --help' for more information.\n";

fn du(s: &Sandbox, args: &[&str]) -> Outcome {
    s.run("du", args)
}

fn du_env(s: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> Outcome {
    let out = s.command("du").envs(env.iter().copied()).args(args).output().expect("run du");
    Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
}

/// The apparent size (st_size) of an entry, links not followed.
fn size(s: &Sandbox, path: &str) -> u64 {
    fs::symlink_metadata(s.path(path)).unwrap().size()
}

/// The device usage of an entry in bytes (st_blocks * 512), as du counts it.
fn usage(s: &Sandbox, path: &str) -> u64 {
    fs::symlink_metadata(s.path(path)).unwrap().blocks() * 512
}

/// Bytes in 1024-byte units, rounded up, as du prints them by default.
fn kib(bytes: u64) -> u64 {
    bytes.div_ceil(1024)
}

/// The names in DIR in the order the file system lists them: the order du
/// (GNU's fts, unsorted) visits them in.
fn listed(s: &Sandbox, dir: &str) -> Vec<String> {
    fs::read_dir(s.path(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The texts of `parts` (each belonging to a name in DIR) joined in DIR's
/// listing order.
fn in_listing_order(s: &Sandbox, dir: &str, parts: &[(&str, &str)]) -> String {
    let order = listed(s, dir);
    let mut parts = parts.to_vec();
    parts.sort_by_key(|(name, _)| order.iter().position(|n| n == name).expect("a name in the directory"));
    parts.into_iter().map(|(_, text)| text).collect()
}

/// `d/f` (5000 bytes), `d/s/g` (3 bytes), `d/s/t/h` (1025 bytes).
fn tree() -> Sandbox {
    let s = Sandbox::new();
    s.write("d/f", vec![b'f'; 5000]);
    s.write("d/s/g", "abc");
    s.write("d/s/t/h", vec![b'h'; 1025]);
    s
}

/// The apparent totals of `tree()`'s directories d/s/t, d/s and d.
fn tree_bytes(s: &Sandbox) -> (u64, u64, u64) {
    let t = size(s, "d/s/t") + 1025;
    let sub = size(s, "d/s") + 3 + t;
    let d = size(s, "d") + 5000 + sub;
    (t, sub, d)
}

/// The device usage totals of `tree()`'s directories d/s/t, d/s and d.
fn tree_usage(s: &Sandbox) -> (u64, u64, u64) {
    let t = usage(s, "d/s/t") + usage(s, "d/s/t/h");
    let sub = usage(s, "d/s") + usage(s, "d/s/g") + t;
    let d = usage(s, "d") + usage(s, "d/f") + sub;
    (t, sub, d)
}

const FIXED_TIME: &str = "2020-01-02 03:04:05.123456789";

/// `touch -h ARGS` in UTC.
fn touch(s: &Sandbox, args: &[&str]) {
    let status = Command::new("touch")
        .current_dir(s.work())
        .env("TZ", "UTC0")
        .arg("-h")
        .args(args)
        .status()
        .expect("touch");
    assert!(status.success(), "touch {args:?} failed");
}

// --- what is printed, and in which order

#[test]
fn directories_are_printed_after_their_contents() {
    let s = tree();
    let (t, sub, d) = tree_bytes(&s);
    du(&s, &["-b", "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    let (t, sub, d) = tree_usage(&s);
    let expected = format!("{}\td/s/t\n{}\td/s\n{}\td\n", kib(t), kib(sub), kib(d));
    du(&s, &["d"]).expect(0, &expected, "");
    du(&s, &["-k", "d"]).expect(0, &expected, "");
    // No operand: the current directory.
    let dot = usage(&s, ".") + d;
    du(&s, &[]).expect(
        0,
        &format!("{}\t./d/s/t\n{}\t./d/s\n{}\t./d\n{}\t.\n", kib(t), kib(sub), kib(d), kib(dot)),
        "",
    );
}

#[test]
fn all_shows_files_in_listing_order() {
    let s = tree();
    let (t, sub, d) = tree_bytes(&s);
    let t_lines = format!("1025\td/s/t/h\n{t}\td/s/t\n");
    let s_lines =
        in_listing_order(&s, "d/s", &[("g", "3\td/s/g\n"), ("t", &t_lines)]) + &format!("{sub}\td/s\n");
    let expected = in_listing_order(&s, "d", &[("f", "5000\td/f\n"), ("s", &s_lines)]) + &format!("{d}\td\n");
    du(&s, &["-ab", "d"]).expect(0, &expected, "");
    du(&s, &["--all", "--bytes", "d"]).expect(0, &expected, "");
    // A file given as an operand is printed without -a.
    du(&s, &["-b", "d/f", "d/s/g"]).expect(0, "5000\td/f\n3\td/s/g\n", "");
}

#[test]
fn null_ends_each_line_with_nul() {
    let s = tree();
    let (t, _, _) = tree_bytes(&s);
    du(&s, &["-0", "-b", "d/s/t"]).expect(0, &format!("{t}\td/s/t\0"), "");
    du(&s, &["--null", "-ab", "d/s/t"]).expect(0, &format!("1025\td/s/t/h\0{t}\td/s/t\0"), "");
    du(&s, &["-0cb", "d/f", "d/s/g"]).expect(0, "5000\td/f\x003\td/s/g\x005003\ttotal\0", "");
}

#[test]
fn apparent_size_and_bytes() {
    let s = tree();
    let (t, _, _) = tree_bytes(&s);
    du(&s, &["--apparent-size", "d/s/t"]).expect(0, &format!("{}\td/s/t\n", kib(t)), "");
    du(&s, &["--apparent-size", "-B1", "d/s/t/h"]).expect(0, "1025\td/s/t/h\n", "");
    du(&s, &["--apparent-size", "d/s/t/h"]).expect(0, "2\td/s/t/h\n", "");
    du(&s, &["-B1", "d/s/t/h"]).expect(0, &format!("{}\td/s/t/h\n", usage(&s, "d/s/t/h")), "");
    du(&s, &["-b", "d/s/t/h"]).expect(0, "1025\td/s/t/h\n", "");
    // -b is --apparent-size and --block-size=1: a later unit applies.
    du(&s, &["-b", "-k", "d/s/t/h"]).expect(0, "2\td/s/t/h\n", "");
    du(&s, &["-b", "-m", "d/s/t/h"]).expect(0, "1\td/s/t/h\n", "");
    du(&s, &["-k", "-b", "d/s/t/h"]).expect(0, "1025\td/s/t/h\n", "");
}

#[test]
fn block_sizes_with_and_without_suffixes() {
    let s = Sandbox::new();
    s.write("f", vec![0u8; 5000]);
    for (block_size, shown) in [
        ("-BK", "5K"),
        ("-BKB", "5kB"),
        ("-BKiB", "5KiB"),
        ("-BM", "1M"),
        ("-BMB", "1MB"),
        ("-B1K", "5"),
        ("-B1KB", "5"),
        ("-B1KiB", "5"),
        ("-B'1", "5000"),
        ("-B'1K", "5"),
        ("-B2", "2500"),
        ("-B3", "1667"),
        ("--block-size=K", "5K"),
        ("--block-size=1", "5000"),
        ("--block-size='1", "5000"),
        ("--block-size=kB", "5kB"),
    ] {
        du(&s, &["-b", block_size, "f"]).expect(0, &format!("{shown}\tf\n"), "");
    }
    du(&s, &["--apparent-size", "-B", "K", "f"]).expect(0, "5K\tf\n", "");
    du(&s, &["-B", "1", "f"]).expect(0, &format!("{}\tf\n", usage(&s, "f")), "");
    du(&s, &["-m", "f"]).expect(0, "1\tf\n", "");
    du(&s, &["-k", "f"]).expect(0, &format!("{}\tf\n", kib(usage(&s, "f"))), "");
}

#[test]
fn invalid_block_sizes() {
    let s = tree();
    for (value, message) in [
        ("0", "invalid {} argument '0'"),
        ("-1", "invalid {} argument '-1'"),
        ("x", "invalid {} argument 'x'"),
        ("1Q", "invalid suffix in {} argument '1Q'"),
    ] {
        du(&s, &["-B", value, "d"]).expect(1, "", &format!("du: {}\n", message.replace("{}", "-B")));
        du(&s, &[&format!("-B{value}"), "d"]).expect(
            1,
            "",
            &format!("du: {}\n", message.replace("{}", "-B")),
        );
        du(&s, &[&format!("--block-size={value}"), "d"]).expect(
            1,
            "",
            &format!("du: {}\n", message.replace("{}", "--block-size")),
        );
    }
    du(&s, &["--block-size", "99999999999999999999999", "d"]).expect(
        1,
        "",
        "du: --block-size argument '99999999999999999999999' too large\n",
    );
}

#[test]
fn total_adds_a_last_line() {
    let s = tree();
    let (t, sub, _) = tree_bytes(&s);
    du(&s, &["-cb", "d/f", "d/s/g"]).expect(0, "5000\td/f\n3\td/s/g\n5003\ttotal\n", "");
    du(&s, &["--total", "-b", "d/s", "d/f"]).expect(
        0,
        &format!("{t}\td/s/t\n{sub}\td/s\n5000\td/f\n{}\ttotal\n", sub + 5000),
        "",
    );
    du(&s, &["-sc", "--inodes", "d", "d/f"]).expect(0, "6\td\n6\ttotal\n", "");
}

#[test]
fn dereference_args_follows_only_the_operands() {
    let s = tree();
    symlink("d/s/t", s.path("ls")).unwrap();
    s.mkdir("links");
    symlink("../d/f", s.path("links/lf")).unwrap();
    symlink("links", s.path("ll")).unwrap();
    let (t, _, _) = tree_bytes(&s);
    // The link itself: its size is its target's length.
    du(&s, &["-b", "ls"]).expect(0, "5\tls\n", "");
    for option in ["-D", "-H", "--dereference-args"] {
        du(&s, &["-b", option, "ls"]).expect(0, &format!("{t}\tls\n"), "");
        du(&s, &["-ab", option, "ls"]).expect(0, &format!("1025\tls/h\n{t}\tls\n"), "");
        // Links met inside are not followed.
        du(&s, &["-ab", option, "ll"]).expect(0, &format!("6\tll/lf\n{}\tll\n", size(&s, "links") + 6), "");
    }
}

#[test]
fn dereference_follows_every_link_and_no_dereference_none() {
    let s = tree();
    s.mkdir("links");
    symlink("../d/f", s.path("links/lf")).unwrap();
    let links = size(&s, "links");
    du(&s, &["-ab", "links"]).expect(0, &format!("6\tlinks/lf\n{}\tlinks\n", links + 6), "");
    du(&s, &["-ab", "-P", "links"]).expect(0, &format!("6\tlinks/lf\n{}\tlinks\n", links + 6), "");
    du(&s, &["-ab", "--no-dereference", "links/lf"]).expect(0, "6\tlinks/lf\n", "");
    du(&s, &["-abL", "links"]).expect(0, &format!("5000\tlinks/lf\n{}\tlinks\n", links + 5000), "");
    du(&s, &["-ab", "--dereference", "links/lf"]).expect(0, "5000\tlinks/lf\n", "");
    // The last of -L and -P wins.
    du(&s, &["-b", "-L", "-P", "links/lf"]).expect(0, "6\tlinks/lf\n", "");
    du(&s, &["-b", "-P", "-L", "links/lf"]).expect(0, "5000\tlinks/lf\n", "");
    // Followed, the link is the file it names: counted once.
    du(&s, &["-bL", "d/f", "links/lf"]).expect(0, "5000\td/f\n", "");
    du(&s, &["-bL", "links/lf", "d/f"]).expect(0, "5000\tlinks/lf\n", "");
}

#[test]
fn symlink_loop_and_dangling_link_with_dereference() {
    let s = tree();
    symlink("loop", s.path("loop")).unwrap();
    symlink("nowhere", s.path("dang")).unwrap();
    du(&s, &["-L", "loop"]).expect(1, "", "du: cannot access 'loop': Too many levels of symbolic links\n");
    du(&s, &["-L", "dang"]).expect(1, "", "du: cannot access 'dang'\n");
    du(&s, &["-bL", "dang", "d/f", "loop"]).expect(
        1,
        "5000\td/f\n",
        "du: cannot access 'dang'\ndu: cannot access 'loop': Too many levels of symbolic links\n",
    );
    // Not followed, they are links like any other.
    du(&s, &["-b", "loop", "dang"]).expect(0, "4\tloop\n7\tdang\n", "");
    // Met inside a directory.
    fs::rename(s.path("dang"), s.path("d/s/t/dang")).unwrap();
    du(&s, &["-L", "-s", "d/s/t"]).expect(
        1,
        &format!("{}\td/s/t\n", kib(tree_usage(&s).0)),
        "du: cannot access 'd/s/t/dang'\n",
    );
}

#[test]
fn max_depth() {
    let s = tree();
    let (t, sub, d) = tree_bytes(&s);
    du(&s, &["-b", "-d", "0", "d"]).expect(0, &format!("{d}\td\n"), "");
    du(&s, &["-b", "--max-depth=1", "d"]).expect(0, &format!("{sub}\td/s\n{d}\td\n"), "");
    du(&s, &["-b", "-d2", "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    du(&s, &["-ab", "-d1", "d"]).expect(
        0,
        &(in_listing_order(&s, "d", &[("f", "5000\td/f\n"), ("s", &format!("{sub}\td/s\n"))])
            + &format!("{d}\td\n")),
        "",
    );
    // Operands are printed whatever the depth.
    du(&s, &["-b", "-d0", "d/s", "d/f"]).expect(0, &format!("{sub}\td/s\n5000\td/f\n"), "");
    for bad in ["x", "-1", "1x", ""] {
        du(&s, &["-d", bad, "d"]).expect(1, "", &format!("du: invalid maximum depth '{bad}'\n{TRY}"));
        du(&s, &[&format!("--max-depth={bad}"), "d"]).expect(
            1,
            "",
            &format!("du: invalid maximum depth '{bad}'\n{TRY}"),
        );
    }
    du(&s, &["-d"]).expect(1, "", &format!("du: option requires an argument -- 'd'\n{TRY}"));
}

#[test]
fn summarize_and_its_conflicts() {
    let s = tree();
    let (_, sub, d) = tree_bytes(&s);
    du(&s, &["-sb", "d"]).expect(0, &format!("{d}\td\n"), "");
    du(&s, &["--summarize", "-b", "d/s", "d/f"]).expect(0, &format!("{sub}\td/s\n5000\td/f\n"), "");
    du(&s, &["-s", "-a", "d"]).expect(
        1,
        "",
        &format!("du: cannot both summarize and show all entries\n{TRY}"),
    );
    du(&s, &["-a", "-s", "d"]).expect(
        1,
        "",
        &format!("du: cannot both summarize and show all entries\n{TRY}"),
    );
    du(&s, &["-s", "-d", "1", "d"]).expect(
        1,
        "",
        &format!("du: warning: summarizing conflicts with --max-depth=1\n{TRY}"),
    );
    du(&s, &["-sb", "-d", "0", "d"]).expect(
        0,
        &format!("{d}\td\n"),
        "du: warning: summarizing is the same as using --max-depth=0\n",
    );
}

#[test]
fn separate_dirs_leaves_out_subdirectories() {
    let s = tree();
    let t = size(&s, "d/s/t") + 1025;
    let sub = size(&s, "d/s") + 3;
    let d = size(&s, "d") + 5000;
    du(&s, &["-bS", "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    du(&s, &["--separate-dirs", "-b", "-s", "d"]).expect(0, &format!("{d}\td\n"), "");
    du(&s, &["-bSc", "d"]).expect(
        0,
        &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n{}\ttotal\n", t + sub + d),
        "",
    );
    du(&s, &["--inodes", "-S", "d"]).expect(0, "2\td/s/t\n2\td/s\n2\td\n", "");
}

#[test]
fn threshold_positive_and_negative() {
    let s = Sandbox::new();
    for n in [1023, 1024, 1025] {
        s.write(format!("f{n}"), vec![0u8; n]);
    }
    let files = ["f1023", "f1024", "f1025"];
    let run = |threshold: &str| du(&s, &[&["-b", "-t", threshold][..], &files[..]].concat());
    run("1024").expect(0, "1024\tf1024\n1025\tf1025\n", "");
    run("-1024").expect(0, "1023\tf1023\n1024\tf1024\n", "");
    run("1K").expect(0, "1024\tf1024\n1025\tf1025\n", "");
    run("-1KB").expect(0, "", "");
    run("0").expect(0, "1023\tf1023\n1024\tf1024\n1025\tf1025\n", "");
    du(&s, &[&["-b", "--threshold=1025"][..], &files[..]].concat()).expect(0, "1025\tf1025\n", "");
    // Directories too, and inode counts with --inodes.
    let s = tree();
    du(&s, &["--inodes", "-t", "3", "d"]).expect(0, "4\td/s\n6\td\n", "");
    du(&s, &["--inodes", "-t", "-2", "d"]).expect(0, "2\td/s/t\n", "");
    du(&s, &["--inodes", "-a", "-t", "-1", "d/s"]).expect(
        0,
        &in_listing_order(&s, "d/s", &[("g", "1\td/s/g\n"), ("t", "1\td/s/t/h\n")]),
        "",
    );
    // The total line is not subject to it.
    du(&s, &["-cb", "-t", "5000", "d/f", "d/s/g"]).expect(0, "5000\td/f\n5003\ttotal\n", "");
}

#[test]
fn invalid_thresholds() {
    let s = tree();
    du(&s, &["-t", "-0", "d"]).expect(1, "", "du: invalid --threshold argument '-0'\n");
    du(&s, &["--threshold=-0", "d"]).expect(1, "", "du: invalid --threshold argument '-0'\n");
    du(&s, &["-t", "x", "d"]).expect(1, "", "du: invalid -t argument 'x'\n");
    du(&s, &["--threshold=x", "d"]).expect(1, "", "du: invalid --threshold argument 'x'\n");
    du(&s, &["-t", "1Q", "d"]).expect(1, "", "du: invalid suffix in -t argument '1Q'\n");
    du(&s, &["-t", "99999999999999999999999", "d"]).expect(
        1,
        "",
        "du: -t argument '99999999999999999999999' too large\n",
    );
}

#[test]
fn human_readable_and_si_round_up() {
    let s = Sandbox::new();
    let sizes = [0, 1, 1023, 1024, 1025, 10239, 10240, 10241, 1_048_575, 1_048_576];
    for n in sizes {
        s.write(format!("f{n}"), vec![0u8; n]);
    }
    let names: Vec<String> = sizes.iter().map(|n| format!("f{n}")).collect();
    let mut args: Vec<&str> = vec!["--apparent-size", "-h"];
    args.extend(names.iter().map(String::as_str));
    let human = ["0", "1", "1023", "1.0K", "1.1K", "10K", "10K", "11K", "1.0M", "1.0M"];
    let expected: String = human.iter().zip(&names).map(|(h, n)| format!("{h}\t{n}\n")).collect();
    du(&s, &args).expect(0, &expected, "");
    args[1] = "--human-readable";
    du(&s, &args).expect(0, &expected, "");
    args[1] = "--si";
    let si = ["0", "1", "1.1k", "1.1k", "1.1k", "11k", "11k", "11k", "1.1M", "1.1M"];
    let expected: String = si.iter().zip(&names).map(|(h, n)| format!("{h}\t{n}\n")).collect();
    du(&s, &args).expect(0, &expected, "");
    // -b then -h: apparent sizes, human units.
    du(&s, &["-b", "-h", "f10241", "f1048576"]).expect(0, "11K\tf10241\n1.0M\tf1048576\n", "");
    // Larger units, on a file that is all hole.
    let file = fs::File::create(s.path("hole")).unwrap();
    file.set_len(5 << 30).unwrap();
    du(&s, &["--apparent-size", "-h", "hole"]).expect(0, "5.0G\thole\n", "");
    du(&s, &["--apparent-size", "--si", "hole"]).expect(0, "5.4G\thole\n", "");
    if usage(&s, "hole") == 0 {
        du(&s, &["-h", "hole"]).expect(0, "0\thole\n", "");
    }
}

#[test]
fn inodes_count_entries() {
    let s = tree();
    du(&s, &["--inodes", "d"]).expect(0, "2\td/s/t\n4\td/s\n6\td\n", "");
    du(&s, &["--inodes", "-a", "d/s/t"]).expect(0, "1\td/s/t/h\n2\td/s/t\n", "");
    for option in ["-b", "--apparent-size"] {
        du(&s, &["--inodes", option, "-s", "d"]).expect(
            0,
            "6\td\n",
            "du: warning: options --apparent-size and -b are ineffective with --inodes\n",
        );
    }
    // Counts are not scaled by -k or -B; -h still applies.
    du(&s, &["--inodes", "-k", "-s", "d"]).expect(0, "6\td\n", "");
    du(&s, &["--inodes", "-BK", "-s", "d"]).expect(0, "6\td\n", "");
    du(&s, &["--inodes", "-h", "-s", "d"]).expect(0, "6\td\n", "");
}

#[test]
fn count_links_counts_hard_links_each_time() {
    let s = Sandbox::new();
    s.write("h/x", vec![0u8; 5000]);
    fs::hard_link(s.path("h/x"), s.path("h/y")).unwrap();
    let dir = size(&s, "h");
    // Counted once, under the name listed first.
    let first = listed(&s, "h").into_iter().next().unwrap();
    du(&s, &["-ab", "h"]).expect(0, &format!("5000\th/{first}\n{}\th\n", dir + 5000), "");
    du(&s, &["-b", "h"]).expect(0, &format!("{}\th\n", dir + 5000), "");
    let both = in_listing_order(&s, "h", &[("x", "5000\th/x\n"), ("y", "5000\th/y\n")]);
    du(&s, &["-abl", "h"]).expect(0, &format!("{both}{}\th\n", dir + 10000), "");
    du(&s, &["--count-links", "-b", "h"]).expect(0, &format!("{}\th\n", dir + 10000), "");
    du(&s, &["--inodes", "-l", "h"]).expect(0, "3\th\n", "");
    du(&s, &["--inodes", "h"]).expect(0, "2\th\n", "");
}

#[test]
fn hard_links_across_operands_in_both_orders() {
    let s = Sandbox::new();
    s.write("a/x", vec![0u8; 5000]);
    s.mkdir("b");
    fs::hard_link(s.path("a/x"), s.path("b/y")).unwrap();
    let (a, b) = (size(&s, "a"), size(&s, "b"));
    du(&s, &["-b", "a/x", "b/y"]).expect(0, "5000\ta/x\n", "");
    du(&s, &["-b", "b/y", "a/x"]).expect(0, "5000\tb/y\n", "");
    du(&s, &["-bl", "b/y", "a/x"]).expect(0, "5000\tb/y\n5000\ta/x\n", "");
    du(&s, &["-ab", "a", "b"]).expect(0, &format!("5000\ta/x\n{}\ta\n{b}\tb\n", a + 5000), "");
    du(&s, &["-ab", "b", "a"]).expect(0, &format!("5000\tb/y\n{}\tb\n{a}\ta\n", b + 5000), "");
    du(&s, &["-abl", "a", "b"]).expect(
        0,
        &format!("5000\ta/x\n{}\ta\n5000\tb/y\n{}\tb\n", a + 5000, b + 5000),
        "",
    );
    du(&s, &["-cb", "a", "b"]).expect(0, &format!("{}\ta\n{b}\tb\n{}\ttotal\n", a + 5000, a + b + 5000), "");
}

#[test]
fn repeated_directories_and_a_directory_with_its_subdirectory() {
    let s = tree();
    let (t, sub, d) = tree_bytes(&s);
    du(&s, &["-b", "d", "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    du(&s, &["-b", "d/s", "d/s/"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n"), "");
    // The subdirectory after: already counted.
    du(&s, &["-b", "d", "d/s"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    // The subdirectory first: the directory then holds what is left.
    du(&s, &["-b", "d/s", "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{}\td\n", d - sub), "");
    du(&s, &["-ab", "d/s/t", "d"]).expect(
        0,
        &format!(
            "1025\td/s/t/h\n{t}\td/s/t\n{}{}\td\n",
            in_listing_order(
                &s,
                "d",
                &[("f", "5000\td/f\n"), ("s", &format!("3\td/s/g\n{}\td/s\n", sub - t))]
            ),
            d - t
        ),
        "",
    );
    du(&s, &["-cb", "d/s", "d"]).expect(
        0,
        &format!("{t}\td/s/t\n{sub}\td/s\n{}\td\n{d}\ttotal\n", d - sub),
        "",
    );
    // One file twice.
    du(&s, &["-b", "d/f", "d/f"]).expect(0, "5000\td/f\n", "");
    du(&s, &["-bl", "d/f", "d/f"]).expect(0, "5000\td/f\n5000\td/f\n", "");
}

#[test]
fn sparse_file() {
    let s = Sandbox::new();
    let mut file = fs::File::create(s.path("sparse")).unwrap();
    file.set_len(1 << 20).unwrap();
    file.write_all(b"x").unwrap();
    drop(file);
    du(&s, &["--apparent-size", "-B1", "sparse"]).expect(0, "1048576\tsparse\n", "");
    du(&s, &["-b", "sparse"]).expect(0, "1048576\tsparse\n", "");
    du(&s, &["--apparent-size", "sparse"]).expect(0, "1024\tsparse\n", "");
    let used = usage(&s, "sparse");
    assert!(used < 1 << 20, "not sparse: {used} bytes used");
    du(&s, &["sparse"]).expect(0, &format!("{}\tsparse\n", kib(used)), "");
    du(&s, &["-B1", "sparse"]).expect(0, &format!("{used}\tsparse\n"), "");
}

// --- times

/// `tree()` with fixed times: d/s/t/h modified last of the files, d/s
/// (the directory itself) later still, h read at another time.
fn timed_tree() -> Sandbox {
    let s = tree();
    touch(&s, &["-d", FIXED_TIME, "d", "d/f", "d/s/g", "d/s/t"]);
    touch(&s, &["-m", "-d", "2021-06-07 08:09:10.5", "d/s/t/h"]);
    touch(&s, &["-a", "-d", "2019-05-06 07:08:09", "d/s/t/h"]);
    touch(&s, &["-d", "2022-02-03 04:05:06", "d/s"]);
    s
}

#[test]
fn time_shows_the_latest_modification_below() {
    let s = timed_tree();
    let (t, sub, d) = tree_bytes(&s);
    let utc = [("TZ", "UTC0")];
    du_env(&s, &utc, &["-b", "--time", "d"]).expect(
        0,
        &format!("{t}\t2021-06-07 08:09\td/s/t\n{sub}\t2022-02-03 04:05\td/s\n{d}\t2022-02-03 04:05\td\n"),
        "",
    );
    du_env(&s, &utc, &["-ab", "--time", "d/s/t"]).expect(
        0,
        &format!("1025\t2021-06-07 08:09\td/s/t/h\n{t}\t2021-06-07 08:09\td/s/t\n"),
        "",
    );
    for kind in ["atime", "access", "use"] {
        du_env(&s, &utc, &["-b", &format!("--time={kind}"), "d/s/t/h"]).expect(
            0,
            "1025\t2019-05-06 07:08\td/s/t/h\n",
            "",
        );
    }
    let meta = fs::metadata(s.path("d/s/t/h")).unwrap();
    let ctime = utc_full_iso(meta.ctime(), meta.ctime_nsec());
    for kind in ["ctime", "status"] {
        du_env(&s, &utc, &["-b", &format!("--time={kind}"), "--time-style=full-iso", "d/s/t/h"]).expect(
            0,
            &format!("1025\t{ctime}\td/s/t/h\n"),
            "",
        );
    }
    // A time before 1970.
    touch(&s, &["-d", "1969-12-31 23:59:59.75", "d/f"]);
    du_env(&s, &utc, &["-b", "--time", "--time-style=full-iso", "d/f"]).expect(
        0,
        "5000\t1969-12-31 23:59:59.750000000 +0000\td/f\n",
        "",
    );
    // Another zone.
    du_env(&s, &[("TZ", "XYZ-3:30")], &["-b", "--time", "--time-style=+%F %T %z %Z", "d/s/t/h"]).expect(
        0,
        "1025\t2021-06-07 11:39:10 +0330 XYZ\td/s/t/h\n",
        "",
    );
}

#[test]
fn invalid_time_words() {
    let s = timed_tree();
    let valid = "Valid arguments are:\n  - 'atime', 'access', 'use'\n  - 'ctime', 'status'\n";
    du(&s, &["--time=x", "d"]).expect(1, "", &format!("du: invalid argument 'x' for '--time'\n{valid}{TRY}"));
    du(&s, &["--time=", "d"]).expect(1, "", &format!("du: ambiguous argument '' for '--time'\n{valid}{TRY}"));
    du(&s, &["--time=mtime", "d"]).expect(
        1,
        "",
        &format!("du: invalid argument 'mtime' for '--time'\n{valid}{TRY}"),
    );
    // Abbreviations are taken.
    du_env(&s, &[("TZ", "UTC0")], &["-b", "--time=acc", "d/s/t/h"]).expect(
        0,
        "1025\t2019-05-06 07:08\td/s/t/h\n",
        "",
    );
    // Without '=', the word is an operand.
    du_env(&s, &[("TZ", "UTC0")], &["-b", "--time", "atime", "d/f"]).expect(
        1,
        "5000\t2020-01-02 03:04\td/f\n",
        "du: cannot access 'atime': No such file or directory\n",
    );
}

#[test]
fn time_styles() {
    let s = timed_tree();
    let utc = [("TZ", "UTC0")];
    for (style, shown) in [
        ("full-iso", "2021-06-07 08:09:10.500000000 +0000"),
        ("long-iso", "2021-06-07 08:09"),
        ("iso", "2021-06-07"),
        ("+%s|%Y|%%|%j|%a %b", "1623053350|2021|%|158|Mon Jun"),
        ("+", ""),
        ("+%N", "500000000"),
    ] {
        du_env(&s, &utc, &["-b", "--time", &format!("--time-style={style}"), "d/s/t/h"]).expect(
            0,
            &format!("1025\t{shown}\td/s/t/h\n"),
            "",
        );
    }
    let valid = "Valid arguments are:\n  - 'full-iso'\n  - 'long-iso'\n  - 'iso'\n";
    du_env(&s, &utc, &["--time", "--time-style=x", "d"]).expect(
        1,
        "",
        &format!("du: invalid argument 'x' for 'time style'\n{valid}{TRY}"),
    );
    du_env(&s, &utc, &["--time", "--time-style=", "d"]).expect(
        1,
        "",
        &format!("du: ambiguous argument '' for 'time style'\n{valid}{TRY}"),
    );
    // Abbreviations, and no check at all without --time.
    du_env(&s, &utc, &["-b", "--time", "--time-style=f", "d/s/t/h"]).expect(
        0,
        "1025\t2021-06-07 08:09:10.500000000 +0000\td/s/t/h\n",
        "",
    );
    du_env(&s, &utc, &["-b", "--time-style=x", "d/s/t/h"]).expect(0, "1025\td/s/t/h\n", "");
}

#[test]
fn time_style_variable() {
    let s = timed_tree();
    let run = |value: &str, args: &[&str]| {
        let mut all = vec!["-b", "--time"];
        all.extend_from_slice(args);
        all.push("d/s/t/h");
        du_env(&s, &[("TZ", "UTC0"), ("TIME_STYLE", value)], &all)
    };
    run("iso", &[]).expect(0, "1025\t2021-06-07\td/s/t/h\n", "");
    run("full-iso", &[]).expect(0, "1025\t2021-06-07 08:09:10.500000000 +0000\td/s/t/h\n", "");
    run("posix-iso", &[]).expect(0, "1025\t2021-06-07\td/s/t/h\n", "");
    run("+%s", &[]).expect(0, "1025\t1623053350\td/s/t/h\n", "");
    // After a newline: the format for recent times, which du does not use.
    run("+%Y\n%m", &[]).expect(0, "1025\t2021\td/s/t/h\n", "");
    run("locale", &[]).expect(0, "1025\t2021-06-07 08:09\td/s/t/h\n", "");
    // --time-style wins.
    run("iso", &["--time-style=long-iso"]).expect(0, "1025\t2021-06-07 08:09\td/s/t/h\n", "");
    run("bogus", &["--time-style=iso"]).expect(0, "1025\t2021-06-07\td/s/t/h\n", "");
    let valid = "Valid arguments are:\n  - 'full-iso'\n  - 'long-iso'\n  - 'iso'\n";
    run("bogus", &[]).expect(1, "", &format!("du: invalid argument 'bogus' for 'time style'\n{valid}{TRY}"));
    run("posix-bogus", &[]).expect(
        1,
        "",
        &format!("du: invalid argument 'bogus' for 'time style'\n{valid}{TRY}"),
    );
    // Without --time it is not read.
    du_env(&s, &[("TIME_STYLE", "bogus")], &["-b", "d/s/t/h"]).expect(0, "1025\td/s/t/h\n", "");
}

// --- exclusions

/// `ex/a/b/c.o`, `ex/a/b/keep`, `ex/z.o` (1, 2 and 3 bytes).
fn exclusion_tree() -> Sandbox {
    let s = Sandbox::new();
    s.write("ex/a/b/c.o", "1");
    s.write("ex/a/b/keep", "22");
    s.write("ex/z.o", "333");
    s
}

#[test]
fn exclude_patterns_match_any_tail_of_the_path() {
    let s = exclusion_tree();
    let (ex, a, b) = (size(&s, "ex"), size(&s, "ex/a"), size(&s, "ex/a/b"));
    // "*.o" matches the last component wherever it is.
    du(&s, &["-ab", "--exclude=*.o", "ex"]).expect(
        0,
        &format!("2\tex/a/b/keep\n{}\tex/a/b\n{}\tex/a\n{}\tex\n", b + 2, a + b + 2, ex + a + b + 2),
        "",
    );
    // "b/c*" matches the deep path's tail "b/c.o"; "*" crosses slashes.
    du(&s, &["-ab", "--exclude=b/c*", "--exclude=ex/*.o", "ex"]).expect(
        0,
        &format!("2\tex/a/b/keep\n{}\tex/a/b\n{}\tex/a\n{}\tex\n", b + 2, a + b + 2, ex + a + b + 2),
        "",
    );
    // A directory: not entered, not counted.
    du(&s, &["-b", "--exclude=b", "ex"]).expect(0, &format!("{a}\tex/a\n{}\tex\n", ex + a + 3), "");
    du(&s, &["-b", "--exclude=ex/a", "ex"]).expect(0, &format!("{}\tex\n", ex + 3), "");
    // The operand itself.
    du(&s, &["-b", "--exclude=ex", "ex", "ex/z.o"]).expect(0, "3\tex/z.o\n", "");
    du(&s, &["-b", "--exclude=*", "ex"]).expect(0, "", "");
    // No match.
    du(&s, &["-sb", "--exclude=a/b/keep/x", "--exclude=[!a-z]", "ex"]).expect(
        0,
        &format!("{}\tex\n", ex + a + b + 6),
        "",
    );
}

#[test]
fn exclude_from_reads_patterns_from_a_file() {
    let s = exclusion_tree();
    let (ex, a, b) = (size(&s, "ex"), size(&s, "ex/a"), size(&s, "ex/a/b"));
    s.write("patterns", "*.o\n\n  \nkeep   \n");
    for option in ["-X", "--exclude-from"] {
        du(&s, &["-ab", option, "patterns", "ex"]).expect(
            0,
            &format!("{b}\tex/a/b\n{}\tex/a\n{}\tex\n", a + b, ex + a + b),
            "",
        );
    }
    s.run_with_input("du", &["-sb", "-X", "-", "ex"], b"z.o\n").expect(
        0,
        &format!("{}\tex\n", ex + a + b + 3),
        "",
    );
    du(&s, &["-X", "missing", "ex"]).expect(1, "", &format!("du: missing: No such file or directory\n{TRY}"));
    du(&s, &["--exclude-from=missing", "-X", "also missing", "ex"]).expect(
        1,
        "",
        &format!(
            "du: missing: No such file or directory\ndu: 'also missing': No such file or directory\n{TRY}"
        ),
    );
}

// --- --files0-from

#[test]
fn files0_from_a_file_and_from_stdin() {
    let s = tree();
    let (t, sub, _) = tree_bytes(&s);
    s.write("F", b"d/f\0\0d/s/t\0");
    du(&s, &["-b", "--files0-from=F"]).expect(
        1,
        &format!("5000\td/f\n{t}\td/s/t\n"),
        "du: F:2: invalid zero-length file name\n",
    );
    s.write("G", b"d/s\0d/f");
    du(&s, &["-cb", "--files0-from", "G"]).expect(
        0,
        &format!("{t}\td/s/t\n{sub}\td/s\n5000\td/f\n{}\ttotal\n", sub + 5000),
        "",
    );
    s.run_with_input("du", &["-b", "--files0-from=-"], b"d/f\0d/s/g\0").expect(
        0,
        "5000\td/f\n3\td/s/g\n",
        "",
    );
    s.run_with_input("du", &["-b", "--files0-from=-"], b"d/f\0\0").expect(
        1,
        "5000\td/f\n",
        "du: -:2: invalid zero-length file name\n",
    );
    s.run_with_input("du", &["-b", "--files0-from=-"], b"-\0d/f\0").expect(
        1,
        "5000\td/f\n",
        "du: when reading file names from stdin, no file name of '-' allowed\n",
    );
    s.run_with_input("du", &["-b", "--files0-from=-"], b"").expect(0, "", "");
    // Names are not checked twice: a repeat is a repeat.
    s.run_with_input("du", &["-b", "--files0-from=-"], b"d/f\0d/f\0").expect(0, "5000\td/f\n", "");
    // A '-' in a file is a file named '-'.
    s.write("H", b"-\0");
    du(&s, &["-b", "--files0-from=H"]).expect(1, "", "du: cannot access '-': No such file or directory\n");
}

#[test]
fn files0_from_errors() {
    let s = tree();
    s.write("F", b"d/f\0");
    du(&s, &["--files0-from=F", "d"]).expect(
        1,
        "",
        &format!("du: extra operand 'd'\nfile operands cannot be combined with --files0-from\n{TRY}"),
    );
    du(&s, &["--files0-from=missing"]).expect(
        1,
        "",
        "du: cannot open 'missing' for reading: No such file or directory\n",
    );
    du(&s, &["--files0-from=d"]).expect(1, "", "du: d: read error: Is a directory\n");
    du(&s, &["--files0-from"]).expect(
        1,
        "",
        &format!("du: option '--files0-from' requires an argument\n{TRY}"),
    );
}

#[test]
fn dash_is_a_file_name() {
    let s = Sandbox::new();
    du(&s, &["-b", "-"]).expect(1, "", "du: cannot access '-': No such file or directory\n");
    s.write("-", "dash");
    s.run_with_input("du", &["-b", "-"], b"not read").expect(0, "4\t-\n", "");
}

// --- other file systems

#[test]
fn one_file_system_skips_other_devices() {
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        return skip("one_file_system_skips_other_devices", "no /dev/shm");
    }
    let other = TempDir::new_in(shm, "du-x");
    let s = Sandbox::new();
    if fs::metadata(other.path()).unwrap().dev() == fs::metadata(s.work()).unwrap().dev() {
        return skip("one_file_system_skips_other_devices", "/dev/shm is on the temp dir's file system");
    }
    fs::write(other.path().join("q"), "1234567").unwrap();
    s.write("x/f", "1");
    symlink(other.path(), s.path("x/shm")).unwrap();
    let (x, shm_dir) = (size(&s, "x"), fs::metadata(other.path()).unwrap().size());
    let shm_lines = format!("7\tx/shm/q\n{}\tx/shm\n", shm_dir + 7);
    du(&s, &["-abL", "x"]).expect(
        0,
        &format!(
            "{}{}\tx\n",
            in_listing_order(&s, "x", &[("f", "1\tx/f\n"), ("shm", &shm_lines)]),
            x + 1 + shm_dir + 7
        ),
        "",
    );
    du(&s, &["-abLx", "x"]).expect(0, &format!("1\tx/f\n{}\tx\n", x + 1), "");
    du(&s, &["-bL", "--one-file-system", "x"]).expect(0, &format!("{}\tx\n", x + 1), "");
    // An operand on another file system is walked.
    du(&s, &["-abx", "-D", "x/shm"]).expect(0, &format!("7\tx/shm/q\n{}\tx/shm\n", shm_dir + 7), "");
}

// --- help, version, options

#[test]
fn help_and_version() {
    let s = Sandbox::new();
    let help = du(&s, &["--help"]);
    assert_eq!((help.code, help.stderr_str().as_str()), (Some(0), ""));
    let text = help.stdout_str();
    assert!(
        text.starts_with("Usage: du [OPTION]... [FILE]...\n  or:  du [OPTION]... --files0-from=F\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  -0, --null            end each output line with NUL, not newline\n"),
        "{text}"
    );
    du(&s, &["--version"]).expect(0, &format!("du (linkbox) {}\n", env!("CARGO_PKG_VERSION")), "");
    // Acted on where it stands.
    let help = du(&s, &["-d", "x", "--help"]);
    assert_eq!((help.code, help.stderr_str().as_str()), (Some(0), "du: invalid maximum depth 'x'\n"));
    assert!(help.stdout_str().starts_with("Usage: du "));
    du(&s, &["-B", "x", "--help"]).expect(1, "", "du: invalid -B argument 'x'\n");
}

#[test]
fn invalid_options() {
    let s = tree();
    du(&s, &["-q", "d"]).expect(1, "", &format!("du: invalid option -- 'q'\n{TRY}"));
    du(&s, &["--bogus", "d"]).expect(1, "", &format!("du: unrecognized option '--bogus'\n{TRY}"));
    du(&s, &["--a", "d"]).expect(
        1,
        "",
        &format!("du: option '--a' is ambiguous; possibilities: '--all' '--apparent-size'\n{TRY}"),
    );
    du(&s, &["--tim", "d"]).expect(
        1,
        "",
        &format!("du: option '--tim' is ambiguous; possibilities: '--time' '--time-style'\n{TRY}"),
    );
    du(&s, &["--all=x", "d"]).expect(1, "", &format!("du: option '--all' doesn't allow an argument\n{TRY}"));
    du(&s, &["-B"]).expect(1, "", &format!("du: option requires an argument -- 'B'\n{TRY}"));
    // Abbreviations of long options.
    du(&s, &["--byt", "--summ", "d/f"]).expect(0, "5000\td/f\n", "");
    // After "--", operands.
    du(&s, &["-b", "--", "-a"]).expect(1, "", "du: cannot access '-a': No such file or directory\n");
}

// --- the variables

#[test]
fn block_size_variables_in_order_of_precedence() {
    let s = Sandbox::new();
    s.write("f", vec![0u8; 5000]);
    let apparent = ["--apparent-size", "f"];
    du_env(&s, &[("DU_BLOCK_SIZE", "1")], &apparent).expect(0, "5000\tf\n", "");
    du_env(&s, &[("BLOCK_SIZE", "KB")], &apparent).expect(0, "5kB\tf\n", "");
    du_env(&s, &[("BLOCKSIZE", "'1")], &apparent).expect(0, "5000\tf\n", "");
    du_env(&s, &[("BLOCK_SIZE", "human-readable")], &apparent).expect(0, "4.9K\tf\n", "");
    du_env(&s, &[("DU_BLOCK_SIZE", "si")], &apparent).expect(0, "5.0k\tf\n", "");
    du_env(&s, &[("DU_BLOCK_SIZE", "1"), ("BLOCK_SIZE", "1M"), ("BLOCKSIZE", "1K")], &apparent).expect(
        0,
        "5000\tf\n",
        "",
    );
    du_env(&s, &[("BLOCK_SIZE", "1"), ("BLOCKSIZE", "1M")], &apparent).expect(0, "5000\tf\n", "");
    // Options win.
    du_env(&s, &[("DU_BLOCK_SIZE", "1")], &["--apparent-size", "-k", "f"]).expect(0, "5\tf\n", "");
    du_env(&s, &[("BLOCK_SIZE", "1")], &["--apparent-size", "-BK", "f"]).expect(0, "5K\tf\n", "");
    // An invalid value is ignored: the default 1024 applies, or the
    // next variable does not (only the first one set counts).
    du_env(&s, &[("DU_BLOCK_SIZE", "x")], &apparent).expect(0, "5\tf\n", "");
    du_env(&s, &[("DU_BLOCK_SIZE", "x"), ("BLOCK_SIZE", "1")], &apparent).expect(0, "5\tf\n", "");
    du_env(&s, &[("BLOCK_SIZE", "0"), ("BLOCKSIZE", "1")], &apparent).expect(0, "5\tf\n", "");
}

#[test]
fn posixly_correct_means_512_byte_units() {
    let s = Sandbox::new();
    s.write("f", vec![0u8; 5000]);
    let posix = [("POSIXLY_CORRECT", "1")];
    du_env(&s, &posix, &["--apparent-size", "f"]).expect(0, "10\tf\n", "");
    du_env(&s, &posix, &["f"]).expect(0, &format!("{}\tf\n", usage(&s, "f").div_ceil(512)), "");
    du_env(&s, &posix, &["--apparent-size", "-k", "f"]).expect(0, "5\tf\n", "");
    du_env(&s, &[("POSIXLY_CORRECT", "1"), ("BLOCK_SIZE", "1")], &["--apparent-size", "f"]).expect(
        0,
        "5000\tf\n",
        "",
    );
    // And options end at the first operand.
    du_env(&s, &posix, &["--apparent-size", "f", "-k"]).expect(
        1,
        "10\tf\n",
        "du: cannot access '-k': No such file or directory\n",
    );
}

// --- a deep tree

/// `deep/d/d/.../d`, 5,000 directories below `deep`: a path of 10,004
/// bytes, beyond PATH_MAX (GNU mkdir -p makes it a level at a time).
fn deep_tree(s: &Sandbox) {
    s.mkdir("deep");
    let status = Command::new("mkdir")
        .current_dir(s.path("deep"))
        .arg("-p")
        .arg("d/".repeat(5000))
        .status()
        .expect("run mkdir");
    assert!(status.success(), "mkdir -p failed");
}

#[test]
fn tree_deeper_than_path_max() {
    let s = Sandbox::new();
    deep_tree(&s);
    let out = du(&s, &["-s", "deep"]);
    assert_eq!((out.code, out.stderr_str().as_str()), (Some(0), ""));
    let text = out.stdout_str();
    assert!(text.ends_with("\tdeep\n") && text.lines().count() == 1, "{text}");
    du(&s, &["-s", "--inodes", "deep"]).expect(0, "5001\tdeep\n", "");
    // The same as GNU du's, where it is installed.
    if let Some(gnu) = gnu_du() {
        let gnu =
            Command::new(gnu).current_dir(s.work()).env("LC_ALL", "C").args(["-s", "deep"]).output().unwrap();
        out.expect_bytes(0, &gnu.stdout, b"");
    }
    // Every level, the deepest first with its whole path.
    let out = du(&s, &["--inodes", "deep"]);
    assert_eq!((out.code, out.stderr.len()), (Some(0), 0));
    let text = out.stdout_str();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5001);
    assert_eq!(lines[0], format!("1\tdeep{}", "/d".repeat(5000)));
    assert_eq!(lines[4999], "5000\tdeep/d");
    assert_eq!(lines[5000], "5001\tdeep");
    du(&s, &["-d", "1", "--inodes", "deep"]).expect(0, "5000\tdeep/d\n5001\tdeep\n", "");
    remove_deep(&s);
}

/// GNU rm removes what is too deep for path names.
fn remove_deep(s: &Sandbox) {
    let status = Command::new("rm").current_dir(s.work()).args(["-rf", "deep"]).status().expect("rm");
    assert!(status.success());
}

// --- names and errors

#[test]
fn odd_names_are_printed_raw_and_quoted_in_errors() {
    let s = Sandbox::new();
    for name in [&b"a\nb"[..], b"\xff", b"x\xffy", b"a b"] {
        fs::write(s.path(OsStr::from_bytes(name)), "1").unwrap();
    }
    let out =
        s.command("du").arg("-b").arg(OsStr::from_bytes(b"x\xffy")).arg("a\nb").arg("a b").output().unwrap();
    assert_eq!(out.stdout, b"1\tx\xffy\n1\ta\nb\n1\ta b\n");
    assert_eq!((out.status.code(), out.stderr.len()), (Some(0), 0));
    let missing = s
        .command("du")
        .args(["a\nbz", "it's", "a bz"])
        .arg(OsStr::from_bytes(b"\xffz"))
        .arg(OsStr::from_bytes(b"x\xffyz"))
        .output()
        .unwrap();
    Outcome { stdout: missing.stdout, stderr: missing.stderr, code: missing.status.code() }.expect(
        1,
        "",
        "du: cannot access 'a'$'\\n''bz': No such file or directory\n\
         du: cannot access \"it's\": No such file or directory\n\
         du: cannot access 'a bz': No such file or directory\n\
         du: cannot access ''$'\\377''z': No such file or directory\n\
         du: cannot access 'x'$'\\377''yz': No such file or directory\n",
    );
    // Inside a directory with -a.
    s.mkdir("o");
    fs::write(s.path("o/n\nl"), "22").unwrap();
    let out = s.command("du").args(["-ab", "o"]).output().unwrap();
    assert_eq!(out.stdout, format!("2\to/n\nl\n{}\to\n", size(&s, "o") + 2).as_bytes());
}

#[test]
fn missing_operand_among_good_ones() {
    let s = tree();
    let (t, _, _) = tree_bytes(&s);
    du(&s, &["-b", "d/f", "missing", "d/s/t", "d/f/x"]).expect(
        1,
        &format!("5000\td/f\n{t}\td/s/t\n"),
        "du: cannot access 'missing': No such file or directory\n\
         du: cannot access 'd/f/x': Not a directory\n",
    );
    du(&s, &["-b", "d/f", ""]).expect(1, "5000\td/f\n", "du: invalid zero-length file name\n");
}

/// `du ARGS` as user and group 65534, through setpriv; `None` (the test
/// skipped) when not root or without setpriv.
fn as_nobody(s: &Sandbox, test: &str, args: &[&str]) -> Option<Outcome> {
    if !is_root() {
        skip(test, "needs root to run as another user");
        return None;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        skip(test, "no setpriv");
        return None;
    }
    // The other user must reach the applets and the fixture.
    for dir in [s.root(), s.bin(), s.work()] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = s
        .command("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "du"])
        .args(args)
        .output()
        .unwrap();
    Some(Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() })
}

#[test]
fn unreadable_directory_is_reported_and_the_walk_goes_on() {
    let test = "unreadable_directory_is_reported_and_the_walk_goes_on";
    let s = Sandbox::new();
    s.write("x/ok/f", "o");
    s.write("x/r/f", "secret");
    for dir in ["x", "x/ok"] {
        fs::set_permissions(s.path(dir), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(s.path("x/ok/f"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(s.path("x/r"), fs::Permissions::from_mode(0o000)).unwrap();
    let (x, ok, r) = (size(&s, "x"), size(&s, "x/ok"), size(&s, "x/r"));
    let Some(out) = as_nobody(&s, test, &["-b", "x"]) else { return };
    let ok_line = format!("{}\tx/ok\n", ok + 1);
    let r_line = format!("{r}\tx/r\n");
    // GNU flushes each line: the error comes where the walk met it.
    let expected =
        in_listing_order(&s, "x", &[("ok", &ok_line), ("r", &r_line)]) + &format!("{}\tx\n", x + ok + 1 + r);
    out.expect(1, &expected, "du: cannot read directory 'x/r': Permission denied\n");
    let Some(out) = as_nobody(&s, test, &["-sb", "x/r", "x/ok"]) else { return };
    out.expect(
        1,
        &format!("{r}\tx/r\n{}\tx/ok\n", ok + 1),
        "du: cannot read directory 'x/r': Permission denied\n",
    );
}

#[test]
fn directory_without_search_permission() {
    let test = "directory_without_search_permission";
    let s = Sandbox::new();
    s.write("y/nox/f", "n");
    fs::set_permissions(s.path("y"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(s.path("y/nox"), fs::Permissions::from_mode(0o644)).unwrap();
    let (y, nox) = (size(&s, "y"), size(&s, "y/nox"));
    let Some(out) = as_nobody(&s, test, &["-ab", "y"]) else { return };
    out.expect(
        1,
        &format!("{nox}\ty/nox\n{}\ty\n", y + nox),
        "du: cannot access 'y/nox/f': Permission denied\n",
    );
}

/// `du ARGS >/dev/full`.
fn du_to_full_device(s: &Sandbox, args: &[&str]) -> Outcome {
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = s.command("du").args(args).stdout(full).output().unwrap();
    Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
}

#[test]
fn write_error_has_no_reason_and_comes_last() {
    let s = tree();
    // GNU du flushes each line; the failed flush leaves close_stdout no
    // errno to show.
    du_to_full_device(&s, &["d"]).expect(1, "", "du: write error\n");
    du_to_full_device(&s, &["d", "missing"]).expect(
        1,
        "",
        "du: cannot access 'missing': No such file or directory\ndu: write error\n",
    );
}

// --- against GNU du

/// GNU du, where it is installed.
fn gnu_du() -> Option<&'static Path> {
    let reference = Path::new("/usr/bin/du");
    let version = Command::new(reference).arg("--version").env("LC_ALL", "C").output();
    version.is_ok_and(|out| out.stdout.starts_with(b"du (GNU coreutils)")).then_some(reference)
}

#[test]
fn differential_against_gnu_du() {
    let Some(reference) = gnu_du() else {
        return skip("differential_against_gnu_du", "GNU du is not installed at /usr/bin/du");
    };
    let s = Sandbox::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/du.sh");
    let out = Command::new("bash").arg(script).arg(s.bin()).arg(reference).output().expect("run du.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.ends_with(", 0 differences\n"), "{stdout}");
}

// --- edge cases of GNU du 9.1

#[test]
fn max_depth_up_to_size_max() {
    let s = tree();
    let (t, sub, d) = tree_bytes(&s);
    for depth in ["9223372036854775808", "18446744073709551615"] {
        du(&s, &["-b", "-d", depth, "d"]).expect(0, &format!("{t}\td/s/t\n{sub}\td/s\n{d}\td\n"), "");
    }
}

#[test]
fn zone_named_minus_00_is_minus_0000() {
    let s = timed_tree();
    du_env(&s, &[("TZ", "<-00>0")], &["-b", "--time", "--time-style=full-iso", "d/s/t/h"]).expect(
        0,
        "1025\t2021-06-07 08:09:10.500000000 -0000\td/s/t/h\n",
        "",
    );
}

#[test]
fn nanoseconds_without_padding_drop_trailing_zeros() {
    let s = timed_tree();
    du_env(&s, &[("TZ", "UTC0")], &["-b", "--time", "--time-style=+%-N|%N", "d/s/t/h", "d/f"]).expect(
        0,
        "1025\t5|500000000\td/s/t/h\n5000\t123456789|123456789\td/f\n",
        "",
    );
}

/// A deliberate difference: with -L GNU's fts walks by path name and fails
/// past PATH_MAX (`du: cannot access 'deep/d/...': File name too long`,
/// after 2,046 levels here); linkbox walks through descriptors, as the
/// issue asks (no path-length limit), and reaches every level.
#[test]
fn dereference_all_has_no_path_length_limit() {
    let s = Sandbox::new();
    deep_tree(&s);
    let out = du(&s, &["-L", "--inodes", "deep"]);
    let expected: String =
        (0..=5000).rev().map(|level| format!("{}\tdeep{}\n", 5000 - level + 1, "/d".repeat(level))).collect();
    remove_deep(&s);
    out.expect(0, &expected, "");
}
