#!/bin/sh
# Builds linkbox (a static musl binary where that target can be added), installs
# it as $DESTDIR$PREFIX/bin/linkbox and links every applet name to it.
#
# Every step is atomic: the binary and each name are made under a temporary
# name and renamed into place, so an upgrade interrupted at any point leaves
# every name working (the old or the new binary), and a re-run completes it.
# POSIX sh: runs under dash and BusyBox ash.
set -eu

prog=install.sh
# The line every linkbox binary carries (src/main.rs MULTICALL_MARKER): how
# a file is known to be ours, whatever its version.
marker='This is a linkbox multi-call binary.'

usage() {
	cat <<'EOF'
Usage: sh install.sh [OPTION]...
Build linkbox and install it with a hard link for every applet name.

  --prefix DIR     install under DIR (default: /usr/local)
  --bindir DIR     directory of the binary (default: PREFIX/bin)
  --linkdir DIR    directory of the applet names (default: the binary's)
  --binary PATH    install this binary instead of building one
  --target TRIPLE  build for this Rust target (default: the host's musl
                   target where it can be added, for a static binary;
                   otherwise the host target)
  --symlinks       make symbolic links instead of hard links
  --force          replace files that are not linkbox or links to it
  --uninstall      remove the binary and the names that link to it
  --help           show this help

DESTDIR, when set, is put in front of every path written (for building a
root filesystem); links point to the paths without it.
EOF
}

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "$*"; exit 1; }

prefix=/usr/local
bindir=
linkdir=
binary=
target=
symlinks=no
force=no
uninstall=no
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift ;;
	--prefix=*) prefix=${1#*=} ;;
	--bindir) [ $# -ge 2 ] || die "--bindir needs a directory"; bindir=$2; shift ;;
	--bindir=*) bindir=${1#*=} ;;
	--linkdir) [ $# -ge 2 ] || die "--linkdir needs a directory"; linkdir=$2; shift ;;
	--linkdir=*) linkdir=${1#*=} ;;
	--binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$2; shift ;;
	--binary=*) binary=${1#*=} ;;
	--target) [ $# -ge 2 ] || die "--target needs a target triple"; target=$2; shift ;;
	--target=*) target=${1#*=} ;;
	--symlinks) symlinks=yes ;;
	--force) force=yes ;;
	--uninstall) uninstall=yes ;;
	--help) usage; exit 0 ;;
	*) say "unknown option '$1'"; usage >&2; exit 2 ;;
	esac
	shift
done
[ -n "$bindir" ] || bindir=$prefix/bin
[ -n "$linkdir" ] || linkdir=$bindir
destdir=${DESTDIR:-}
here=$(cd "$(dirname "$0")" && pwd)
# The system's own tools do the installing, never the applets being replaced.
PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH
export PATH

build() {
	cargo_target_dir=${CARGO_TARGET_DIR:-$here/target}
	if [ -z "$target" ] && command -v rustup >/dev/null 2>&1; then
		musl=$(uname -m)-unknown-linux-musl
		if rustup target list --installed 2>/dev/null | grep -qx "$musl" ||
			rustup target add "$musl" >/dev/null 2>&1; then
			target=$musl
		fi
	fi
	if [ -n "$target" ]; then
		(cd "$here" && cargo build --release --locked --target "$target") >&2
		binary=$cargo_target_dir/$target/release/linkbox
	else
		(cd "$here" && cargo build --release --locked) >&2
		binary=$cargo_target_dir/release/linkbox
	fi
	case $target in
	*-musl) say "built a static binary for $target" ;;
	'') say "built a binary for the host (no musl target could be added, so it is not static)" ;;
	*) say "built a binary for $target" ;;
	esac
}

# The applet names, from the binary itself; a binary for another machine
# (--target aarch64-...) answers through qemu-user when binfmt does not run it.
list_applets() {
	"$1" --list 2>/dev/null && return
	for qemu in "qemu-${target%%-*}-static" "qemu-${target%%-*}" qemu-aarch64-static; do
		if command -v "$qemu" >/dev/null 2>&1 && "$qemu" "$1" --list 2>/dev/null; then return; fi
	done
	return 1
}

is_linkbox() { [ -f "$1" ] && grep -q -F "$marker" "$1" 2>/dev/null; }

# What stands at a name: missing, current (already linked the way asked),
# ours (a linkbox binary or a link to one), foreign or directory.
examine() {
	if [ -L "$1" ]; then
		if [ -e "$1" ]; then
			if [ "$mode" = soft ] && [ "$1" -ef "$bin_path" ]; then echo current
			elif is_linkbox "$1"; then echo ours
			else echo foreign; fi
		else
			# Dangling: ours if it named a linkbox that has since gone.
			text=$(readlink "$1" || true)
			case ${text##*/} in linkbox*) echo ours ;; *) echo foreign ;; esac
		fi
	elif [ -d "$1" ]; then echo directory
	elif [ -e "$1" ]; then
		if [ "$mode" = hard ] && [ "$1" -ef "$bin_path" ]; then echo current
		elif is_linkbox "$1"; then echo ours
		else echo foreign; fi
	else echo missing
	fi
}

bin_path=$destdir$bindir/linkbox
link_path=$destdir$linkdir

# Leftovers of an interrupted run.
rm -f "$destdir$bindir"/.linkbox.linkbox-tmp.* "$link_path"/.*.linkbox-tmp.*

if [ "$uninstall" = yes ]; then
	[ -n "$binary" ] || binary=$bin_path
	[ -x "$binary" ] || die "nothing to uninstall: no $binary"
	names=$(list_applets "$binary") || die "cannot run $binary to list its applets"
	removed=0
	for name in $names; do
		link=$link_path/$name
		if [ "$link" -ef "$bin_path" ] || { [ -L "$link" ] && [ "$(examine "$link")" = ours ]; }; then
			rm -f "$link"
			removed=$((removed + 1))
		fi
	done
	rm -f "$bin_path"
	echo "linkbox: removed $bin_path and $removed names from $link_path"
	exit 0
fi

if [ -z "$binary" ]; then
	command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust, or give --binary PATH"
	build
fi
[ -f "$binary" ] || die "no binary at $binary"
is_linkbox "$binary" || die "$binary is not a linkbox binary"
names=$(list_applets "$binary") || die "cannot run $binary to list its applets"

mkdir -p "$destdir$bindir" "$link_path"
if [ -f "$bin_path" ] && [ ! -L "$bin_path" ] && cmp -s "$binary" "$bin_path"; then
	: # the same binary is installed: re-running changes nothing
else
	tmp=$destdir$bindir/.linkbox.linkbox-tmp.$$
	cp "$binary" "$tmp"
	chmod 755 "$tmp"
	mv -f "$tmp" "$bin_path"
fi

# Symbolic links name the binary as it will be found at run time: relatively
# beside it, else by its path without DESTDIR.
if [ "$linkdir" = "$bindir" ]; then symlink_text=linkbox; else symlink_text=$bindir/linkbox; fi
if [ "$symlinks" = yes ]; then mode=soft; else mode=hard; fi
hard=0 soft=0 kept=0
for name in $names; do
	link=$link_path/$name
	state=$(examine "$link")
	case $state in
	current)
		if [ "$mode" = hard ]; then hard=$((hard + 1)); else soft=$((soft + 1)); fi
		continue ;;
	directory)
		say "keeping $link: it is a directory"; kept=$((kept + 1)); continue ;;
	foreign)
		if [ "$force" = no ]; then
			say "keeping $link: not a link to linkbox (--force replaces it)"
			kept=$((kept + 1))
			continue
		fi
		# rename() over a symlink to a directory would move into it.
		if [ -L "$link" ] && [ -d "$link" ]; then rm -f "$link"; fi ;;
	esac
	tmp=$link_path/.$name.linkbox-tmp.$$
	rm -f "$tmp"
	if [ "$mode" = hard ] && ! err=$(ln "$bin_path" "$tmp" 2>&1); then
		say "cannot hard link into $link_path (${err##*: }): making symbolic links"
		mode=soft
	fi
	if [ "$mode" = soft ]; then
		ln -s "$symlink_text" "$tmp"
		soft=$((soft + 1))
	else
		hard=$((hard + 1))
	fi
	mv -f "$tmp" "$link"
done

summary="linkbox: $((hard + soft)) names linked into $link_path ($hard hard, $soft symbolic)"
[ "$kept" -eq 0 ] || summary="$summary, $kept kept"
echo "$summary"
