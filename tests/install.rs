//! install.sh (under dash, and BusyBox ash where installed) and
//! `linkbox --install`: hard links sharing the binary's inode, idempotent
//! re-runs, foreign files kept, exact uninstall, the symlink fallback across
//! file systems, and an embedded root filesystem run with chroot.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Outcome, TempDir, applet_names, is_root, linkbox_binary, skip};

fn install_sh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")
}

/// `SHELL install.sh ARGS` with DESTDIR set.
fn install(shell: &[&str], destdir: &Path, args: &[&OsStr]) -> Outcome {
    let out = Command::new(shell[0])
        .args(&shell[1..])
        .arg(install_sh())
        .args(args)
        .env("DESTDIR", destdir)
        .env("LC_ALL", "C")
        .output()
        .expect("run install.sh");
    Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
}

fn binary_args(extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args =
        vec!["--binary".into(), linkbox_binary().into_os_string(), "--prefix".into(), "/usr".into()];
    args.extend(extra.iter().map(Into::into));
    args
}

fn os(args: &[std::ffi::OsString]) -> Vec<&OsStr> {
    args.iter().map(|a| a.as_os_str()).collect()
}

fn identity(path: &Path) -> (u64, u64) {
    let meta = fs::symlink_metadata(path).unwrap();
    (meta.dev(), meta.ino())
}

/// Names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// install.sh's closing line for `hard` + `soft` names linked into `dir`.
fn linked(dir: &Path, hard: usize, soft: usize) -> String {
    format!("linkbox: {} names linked into {} ({hard} hard, {soft} symbolic)", hard + soft, dir.display())
}

fn shells() -> Vec<Vec<&'static str>> {
    let mut shells = vec![vec!["dash"]];
    if Command::new("busybox").arg("true").output().is_ok_and(|o| o.status.success()) {
        shells.push(vec!["busybox", "sh"]);
    } else {
        skip("install.sh under BusyBox ash", "busybox is not installed");
    }
    shells
}

#[test]
fn install_sh_hard_links_every_name_and_a_rerun_changes_nothing() {
    for shell in shells() {
        let dest = TempDir::new("destdir");
        let bin = dest.path().join("usr/bin");
        let summary = linked(&bin, applet_names().len(), 0) + "\n";
        install(&shell, dest.path(), &os(&binary_args(&[]))).expect(0, &summary, "");

        let installed = bin.join("linkbox");
        assert_eq!(fs::read(&installed).unwrap(), fs::read(linkbox_binary()).unwrap());
        for name in applet_names() {
            assert_eq!(identity(&bin.join(&name)), identity(&installed), "{name} is a hard link ({shell:?})");
        }
        let version = Command::new(bin.join("stat")).arg("--version").output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&version.stdout),
            format!("stat (linkbox) {}\n", env!("CARGO_PKG_VERSION"))
        );

        let dir_mtime = fs::metadata(&bin).unwrap().modified().unwrap();
        let before: Vec<_> = listing(&bin).iter().map(|n| (n.clone(), identity(&bin.join(n)))).collect();
        install(&shell, dest.path(), &os(&binary_args(&[]))).expect(0, &summary, "");
        let after: Vec<_> = listing(&bin).iter().map(|n| (n.clone(), identity(&bin.join(n)))).collect();
        assert_eq!(before, after, "a re-run changes no name ({shell:?})");
        assert_eq!(fs::metadata(&bin).unwrap().modified().unwrap(), dir_mtime, "nothing was re-linked");
    }
}

#[test]
fn install_sh_keeps_foreign_files_and_uninstalls_only_its_own() {
    for shell in shells() {
        let dest = TempDir::new("destdir");
        let bin = dest.path().join("usr/bin");
        fs::create_dir_all(&bin).unwrap();
        fs::write(bin.join("du"), "#!/bin/sh\necho mine\n").unwrap();
        fs::write(bin.join("unrelated"), "keep me\n").unwrap();

        install(&shell, dest.path(), &os(&binary_args(&[]))).expect(
            0,
            &(linked(&bin, applet_names().len() - 1, 0) + ", 1 kept\n"),
            &format!(
                "install.sh: keeping {}/du: not a link to linkbox (--force replaces it)\n",
                bin.display()
            ),
        );
        assert_eq!(fs::read_to_string(bin.join("du")).unwrap(), "#!/bin/sh\necho mine\n");

        install(&shell, dest.path(), &os(&binary_args(&["--uninstall"]))).expect(
            0,
            &format!(
                "linkbox: removed {}/linkbox and {} names from {}\n",
                bin.display(),
                applet_names().len() - 1,
                bin.display()
            ),
            "",
        );
        assert_eq!(listing(&bin), vec!["du", "unrelated"]);
        assert_eq!(fs::read_to_string(bin.join("du")).unwrap(), "#!/bin/sh\necho mine\n");

        // --force replaces the foreign file, atomically, by a link.
        install(&shell, dest.path(), &os(&binary_args(&["--force"]))).expect(
            0,
            &(linked(&bin, applet_names().len(), 0) + "\n"),
            "",
        );
        assert_eq!(identity(&bin.join("du")), identity(&bin.join("linkbox")));
    }
}

#[test]
fn install_sh_symlinks_on_request_and_back_to_hard_links() {
    let dest = TempDir::new("destdir");
    let bin = dest.path().join("usr/bin");
    install(&["dash"], dest.path(), &os(&binary_args(&["--symlinks"]))).expect(
        0,
        &(linked(&bin, 0, applet_names().len()) + "\n"),
        "",
    );
    for name in applet_names() {
        assert_eq!(fs::read_link(bin.join(&name)).unwrap(), Path::new("linkbox"), "{name}");
    }
    // Symlinks to linkbox are ours: a plain install turns them into hard links.
    install(&["dash"], dest.path(), &os(&binary_args(&[]))).expect(
        0,
        &(linked(&bin, applet_names().len(), 0) + "\n"),
        "",
    );
    for name in applet_names() {
        assert_eq!(identity(&bin.join(&name)), identity(&bin.join("linkbox")), "{name}");
    }
}

/// The link directory on another file system (a tmpfs): symbolic links to
/// the binary's path, with one warning.
#[test]
fn install_sh_falls_back_to_symlinks_across_file_systems() {
    let shm = Path::new("/dev/shm");
    let dest = TempDir::new("crossfs");
    if !shm.is_dir() || fs::metadata(shm).unwrap().dev() == fs::metadata(dest.path()).unwrap().dev() {
        skip("install_sh_falls_back_to_symlinks_across_file_systems", "no /dev/shm on another file system");
        return;
    }
    let links = TempDir::new_in(shm, "crossfs-links");
    let bindir = dest.path().join("bin");
    let args = [
        "--binary".into(),
        linkbox_binary().into_os_string(),
        "--bindir".into(),
        bindir.clone().into_os_string(),
        "--linkdir".into(),
        links.path().as_os_str().to_os_string(),
    ];
    install(&["dash"], Path::new(""), &os(&args)).expect(
        0,
        &(linked(links.path(), 0, applet_names().len()) + "\n"),
        &format!(
            "install.sh: cannot hard link into {} (Invalid cross-device link): making symbolic links\n",
            links.path().display()
        ),
    );
    for name in applet_names() {
        assert_eq!(fs::read_link(links.path().join(&name)).unwrap(), bindir.join("linkbox"));
        let out = Command::new(links.path().join(&name)).arg("--version").output().unwrap();
        assert!(out.status.success(), "{name} works through the symlink");
    }
}

#[test]
fn linkbox_install_links_beside_itself_and_keeps_foreign_files() {
    let dir = TempDir::new("self-install");
    let binary = dir.path().join("linkbox");
    fs::copy(linkbox_binary(), &binary).unwrap();
    fs::write(dir.path().join("pgrep"), "not ours\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&binary).arg("--install").args(args).output().unwrap();
        Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
    };
    let summary = linked(dir.path(), applet_names().len() - 1, 0)
        + ", 1 kept
";
    let warning = format!(
        "linkbox: keeping '{}/pgrep': not a link to linkbox (-f replaces it)\n",
        dir.path().display()
    );
    run(&[]).expect(0, &summary, &warning);
    for name in applet_names().iter().filter(|name| *name != "pgrep") {
        assert_eq!(identity(&dir.path().join(name)), identity(&binary), "{name}");
    }
    let before = fs::metadata(dir.path()).unwrap().modified().unwrap();
    run(&[]).expect(0, &summary, &warning);
    assert_eq!(fs::metadata(dir.path()).unwrap().modified().unwrap(), before, "a re-run changes nothing");

    let other = TempDir::new("self-install-links");
    run(&["-s", other.path().to_str().unwrap()]).expect(
        0,
        &(linked(other.path(), 0, applet_names().len()) + "\n"),
        "",
    );
    assert_eq!(fs::read_link(other.path().join("ln")).unwrap(), binary);
    run(&["-x"]).expect(
        1,
        "",
        "linkbox: unrecognized option '-x'\nTry 'linkbox --help' for more information.\n",
    );
}

/// An ELF file without a PT_INTERP program header needs no dynamic loader.
fn is_static_elf(path: &Path) -> bool {
    let bytes = fs::read(path).unwrap();
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let phoff = u64::from_le_bytes(bytes[0x20..0x28].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    const PT_INTERP: u32 = 3;
    (0..phnum).all(|i| {
        let at = phoff + i * phentsize;
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) != PT_INTERP
    })
}

/// An embedded root filesystem: install.sh builds the static binary and
/// installs it with DESTDIR into an empty directory; the applets then run
/// inside it with chroot, with nothing else there.
#[test]
fn embedded_root_filesystem_runs_under_chroot() {
    if !is_root() {
        skip("embedded_root_filesystem_runs_under_chroot", "needs root for chroot");
        return;
    }
    let root = TempDir::new("rootfs");
    let target_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/install-test");
    let out = Command::new("dash")
        .arg(install_sh())
        .args(["--prefix", "/usr"])
        .env("DESTDIR", root.path())
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("run install.sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "install.sh failed: {stderr}");
    if !stderr.contains("install.sh: built a static binary for ") {
        skip("embedded_root_filesystem_runs_under_chroot", "install.sh could not build a static binary");
        return;
    }
    let bin = root.path().join("usr/bin");
    assert!(is_static_elf(&bin.join("linkbox")), "the installed binary needs no loader");
    assert_eq!(listing(root.path()), vec!["usr"], "only the binary and its links are inside");

    let chrooted = |program: &str, args: &[&str]| {
        let out = Command::new("chroot").arg(root.path()).arg(program).args(args).output().unwrap();
        Outcome { stdout: out.stdout, stderr: out.stderr, code: out.status.code() }
    };
    let help = chrooted("/usr/bin/ln", &["--help"]);
    assert_eq!((help.code, help.stderr_str()), (Some(0), String::new()));
    assert!(help.stdout_str().starts_with("Usage: /usr/bin/ln [OPTION]..."), "{}", help.stdout_str());
    chrooted("/usr/bin/linkbox", &["--list"]).expect(0, &(applet_names().join("\n") + "\n"), "");
}
