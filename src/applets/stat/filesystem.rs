//! `stat -f`: statfs(2) and the file-system directives.

use std::ffi::{CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;

use nix::libc;

use super::format::Directive;

pub struct FileSystemStatus {
    raw: libc::statfs,
}

// statfs's field types differ between glibc and musl (f_type is a long in
// one, an unsigned long in the other), hence casts that are no-ops on one.
#[allow(clippy::unnecessary_cast)]
impl FileSystemStatus {
    /// statfs of `name` (which follows symbolic links, as GNU's does).
    pub fn query(name: &OsStr) -> io::Result<FileSystemStatus> {
        let path = CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::ENOENT))?;
        // SAFETY: an all-zero statfs is a valid value to be filled in.
        let mut raw: libc::statfs = unsafe { std::mem::zeroed() };
        // SAFETY: `path` is NUL-terminated and `raw` is a live statfs.
        if unsafe { libc::statfs(path.as_ptr(), &mut raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(FileSystemStatus { raw })
    }

    /// GNU's reading of f_fsid: its two 32-bit words, the first one high.
    fn id(&self) -> u64 {
        // SAFETY: fsid_t is two C ints (its fields are private in the libc
        // crate); reading it as [u32; 2] reinterprets the same 8 bytes.
        let words: [u32; 2] = unsafe { std::mem::transmute(self.raw.f_fsid) };
        (u64::from(words[0]) << 32) | u64::from(words[1])
    }

    /// f_type as GNU passes it on: a C long converted to uintmax_t.
    pub fn type_magic(&self) -> u64 {
        self.raw.f_type as i64 as u64
    }

    /// One directive of the `-f` table into `out`.
    pub fn render(&self, out: &mut Vec<u8>, directive: &Directive, name: &OsStr) {
        let spec = &directive.spec;
        let raw = &self.raw;
        match directive.letter {
            b'n' => spec.string(out, name.as_bytes()),
            b'i' => spec.hex(out, self.id()),
            b'l' => spec.unsigned(out, raw.f_namelen as u64),
            b't' => spec.hex(out, self.type_magic()),
            b'T' => match type_name(self.type_magic()) {
                Some(known) => spec.string(out, known.as_bytes()),
                None => spec.string(out, format!("UNKNOWN (0x{:x})", self.type_magic()).as_bytes()),
            },
            // GNU prints these through intmax_t.
            b'b' => spec.signed(out, raw.f_blocks as i64),
            b'f' => spec.signed(out, raw.f_bfree as i64),
            b'a' => spec.signed(out, raw.f_bavail as i64),
            b'd' => spec.signed(out, raw.f_ffree as i64),
            b'c' => spec.unsigned(out, raw.f_files as u64),
            b's' => spec.unsigned(out, raw.f_bsize as u64),
            b'S' => {
                let fundamental = if raw.f_frsize != 0 { raw.f_frsize } else { raw.f_bsize };
                spec.unsigned(out, fundamental as u64)
            }
            _ => out.push(b'?'),
        }
    }
}

/// The name GNU stat 9.1 gives a file system type (its `human_fstype`
/// table for Linux); `None` for the `UNKNOWN (0x...)` ones.
fn type_name(magic: u64) -> Option<&'static str> {
    Some(match magic {
        0x5A3C69F0 => "aafs",
        0x61636673 => "acfs",
        0xADF5 => "adfs",
        0xADFF => "affs",
        0x5346414F => "afs",
        0x09041934 => "anon-inode FS",
        0x61756673 => "aufs",
        0x0187 => "autofs",
        0x13661366 => "balloon-kvm-fs",
        0x42465331 => "befs",
        0x62646576 => "bdevfs",
        0x1BADFACE => "bfs",
        0x6C6F6F70 => "binderfs",
        0xCAFE4A11 => "bpf_fs",
        0x42494E4D => "binfmt_misc",
        0x9123683E => "btrfs",
        0x73727279 => "btrfs_test",
        0x00C36400 => "ceph",
        0x0027E0EB => "cgroupfs",
        0x63677270 => "cgroup2fs",
        0xFF534D42 => "cifs",
        0x73757245 => "coda",
        0x012FF7B7 => "coh",
        0x62656570 => "configfs",
        0x28CD3D45 => "cramfs",
        0x453DCD28 => "cramfs-wend",
        0x64646178 => "daxfs",
        0x64626720 => "debugfs",
        0x1373 => "devfs",
        0x454D444D => "devmem",
        0x1CD1 => "devpts",
        0x444D4142 => "dma-buf-fs",
        0xF15F => "ecryptfs",
        0xDE5E81E4 => "efivarfs",
        0x00414A53 => "efs",
        0xE0F5E1E2 => "erofs",
        0x2011BAB0 => "exfat",
        0x45584653 => "exfs",
        0x5DF5 => "exofs",
        0x137D => "ext",
        0xEF53 => "ext2/ext3",
        0xEF51 => "ext2",
        0xF2F52010 => "f2fs",
        0x4006 => "fat",
        0x19830326 => "fhgfs",
        0x65735546 => "fuseblk",
        0x65735543 => "fusectl",
        0x0BAD1DEA => "futexfs",
        0x01161970 => "gfs/gfs2",
        0x47504653 => "gpfs",
        0x4244 => "hfs",
        0x482B => "hfs+",
        0x4858 => "hfsx",
        0x00C0FFEE => "hostfs",
        0xF995E849 => "hpfs",
        0x958458F6 => "hugetlbfs",
        0x11307854 => "inodefs",
        0x013111A8 => "ibrix",
        0x2BAD1DEA => "inotifyfs",
        0x9660 | 0x4004 | 0x4000 => "isofs",
        0x07C0 => "jffs",
        0x72B6 => "jffs2",
        0x3153464A => "jfs",
        0x6B414653 => "k-afs",
        0xC97E8168 => "logfs",
        0x0BD00BD0 => "lustre",
        0x5346314D => "m1fs",
        0x137F => "minix",
        0x138F => "minix (30 char.)",
        0x2468 => "minix v2",
        0x2478 => "minix v2 (30 char.)",
        0x4D5A => "minix3",
        0x19800202 => "mqueue",
        0x4D44 => "msdos",
        0x564C => "novell",
        0x6969 => "nfs",
        0x6E667364 => "nfsd",
        0x3434 => "nilfs",
        0x6E736673 => "nsfs",
        0x5346544E => "ntfs",
        0x9FA1 => "openprom",
        0x7461636F => "ocfs2",
        0x794C7630 => "overlayfs",
        0xAAD7AAEA => "panfs",
        0x50495045 => "pipefs",
        0xC7571590 => "ppc-cmm-fs",
        0x7C7C6673 => "prl_fs",
        0x9FA0 => "proc",
        0x6165676C => "pstorefs",
        0x002F => "qnx4",
        0x68191122 => "qnx6",
        0x858458F6 => "ramfs",
        0x07655821 => "rdt",
        0x52654973 => "reiserfs",
        0x7275 => "romfs",
        0x67596969 => "rpc_pipefs",
        0x5DCA2DF5 => "sdcardfs",
        0x5345434D => "secretmem",
        0x73636673 => "securityfs",
        0xF97CFF8C => "selinux",
        0x43415D53 => "smackfs",
        0x517B => "smb",
        0xFE534D42 => "smb2",
        0xBEEFDEAD => "snfs",
        0x534F434B => "sockfs",
        0x73717368 => "squashfs",
        0x62656572 => "sysfs",
        0x012FF7B6 => "sysv2",
        0x012FF7B5 => "sysv4",
        0x01021994 => "tmpfs",
        0x74726163 => "tracefs",
        0x24051905 => "ubifs",
        0x15013346 => "udf",
        0x00011954 | 0x54190100 => "ufs",
        0x9FA2 => "usbdevfs",
        0x01021997 => "v9fs",
        0x786F4256 => "vboxsf",
        0xBACBACBC => "vmhgfs",
        0xA501FCF5 => "vxfs",
        0x565A4653 => "vzfs",
        0x53464846 => "wslfs",
        0xABBA1974 => "xenfs",
        0x012FF7B4 => "xenix",
        0x58465342 => "xfs",
        0x012FD16D => "xia",
        0x0033 => "z3fold",
        0x2FC12FC1 => "zfs",
        0x5A4F4653 => "zonefs",
        0x58295829 => "zsmallocfs",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_as_gnu_9_1() {
        assert_eq!(type_name(0xEF53), Some("ext2/ext3"));
        assert_eq!(type_name(0x01021994), Some("tmpfs"));
        assert_eq!(type_name(0x794C7630), Some("overlayfs"));
        // coreutils 9.1 predates the names bcachefs and pidfs.
        assert_eq!(type_name(0xCA451A4E), None);
        assert_eq!(type_name(0x50494446), None);
    }
}
