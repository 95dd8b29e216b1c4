#!/usr/bin/env bash
# Differential check of linkbox's stat against GNU stat: every directive
# with every kind of printf flags, width and precision over every file type,
# the default and terse layouts, -f, --printf escapes, QUOTING_STYLE, time
# zones, and the error paths; stdout, stderr and exit status must be equal.
# Usage: tests/differential/stat.sh DIR_WITH_LINKBOX_APPLET_LINKS [GNU_STAT]
set -u
ours_dir=$(cd "${1:?usage: stat.sh DIR_WITH_LINKBOX_APPLET_LINKS [GNU_STAT]}" && pwd)
reference=${2:-/usr/bin/stat}
[ -x "$ours_dir/stat" ] || { echo "stat.sh: no stat in $ours_dir" >&2; exit 2; }
[ -x "$reference" ] || { echo "stat.sh: no reference stat at $reference" >&2; exit 2; }

scratch=$(mktemp -d)
cleanup() {
	[ -n "${quiet:-}" ] && umount "$quiet"
	rm -rf "$scratch"
	[ -n "${shm:-}" ] && rm -rf "$shm"
}
trap cleanup EXIT
# Both are run as "stat" through PATH, so messages start alike.
mkdir "$scratch/ref" "$scratch/out"
ln -s "$reference" "$scratch/ref/stat"
ln -s "$ours_dir/stat" "$scratch/out/stat"

export LC_ALL=C
unset TZ QUOTING_STYLE POSIXLY_CORRECT

# The fixture: every file type, fixed times, odd names.
fixture=$scratch/fixture
mkdir "$fixture" && cd "$fixture" || exit 2
printf 'hello\n' >regular
: >empty
mkdir dir
ln -s regular link
ln -s nowhere broken
ln -s dir dirlink
mkfifo fifo
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' socket 2>/dev/null
ln regular hardlink
for name in 'a b' "it's" $'n\nl' $'tab\tx' $'\xff' 'dq"q' '$x' '-' 'é' ':colon'; do
	printf 'x' >"$name"
done
ln -s 'a b' "link to 'a b'"
printf 'data' >setuid && chmod 6755 setuid
mkdir sticky && chmod 1777 sticky
chmod 640 empty
touch -h -d '2020-01-02 03:04:05.123456789' regular empty dir link broken fifo setuid sticky
touch -d '1969-12-31 23:59:59.75' 'a b'
touch -d '1900-06-01 12:00:00.5' "it's"
touch -d '2300-01-01 00:00:00' $'tab\tx'
# Reading a link (%N does) moves its access time once, under relatime;
# settle it now so both sides see the same.
for l in link broken dirlink "link to 'a b'"; do readlink "$l" >/dev/null; done
if [ "$(id -u)" = 0 ]; then
	printf 'unknown' >unowned && chown 4242:4343 unowned
	printf 'rootuser' >half-known && chown 0:4343 half-known
fi
files=(regular empty dir link broken dirlink fifo hardlink 'a b' "it's" $'n\nl' $'tab\tx' $'\xff' 'dq"q' '$x' 'é'
	':colon' "link to 'a b'" setuid sticky /dev/null /)
[ -S socket ] && files+=(socket)
[ -e unowned ] && files+=(unowned half-known)

# tmpfs takes times ext4 cannot hold (years before 1901 and after 2446).
shm=
if [ -d /dev/shm ] && shm=$(mktemp -d /dev/shm/stat-diff.XXXXXX 2>/dev/null); then
	for t in -62198755200 -62198755200.5 -93724128000 99999999999999 -99999999999999 67768036191676799; do
		: >"$shm/t$t" && touch -d "@$t" "$shm/t$t"
	done
	files+=("$shm"/t*)
fi
# The first time whose UTC year overflows an int: glibc gives up on it in
# some zones and not in others (musl in none), so it is shown in UTC only.
in_any_zone=("${files[@]}")
if [ -n "$shm" ]; then
	: >"$shm/overflow" && touch -d @67768036191676800 "$shm/overflow"
	files+=("$shm/overflow")
fi

# Free blocks and inodes of a busy file system change between two runs, so
# those counts are compared on quiet ones: /proc, /sys, and (as root) a
# private tmpfs with a few files in it. Elsewhere only the stable fields.
quiet_fs=(/proc /sys)
quiet=$scratch/quiet
if mkdir "$quiet" && mount -t tmpfs -o size=1m,nr_inodes=64 linkbox-stat-test "$quiet" 2>/dev/null; then
	head -c 10000 /dev/zero >"$quiet/file" && mkdir "$quiet/sub"
	quiet_fs+=("$quiet" "$quiet/file")
else
	quiet=
fi
stable_fs_format='%n %i %l %t %T %s %S %b %c'

cases=0
differences=0
stdin_file=/dev/null

# compare [VAR=VALUE...] -- ARG...: one case, run through both. Free
# block and inode counts of a busy file system may change between the two
# runs, so a case is tried again before it counts as a difference.
attempts=4
compare() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	cases=$((cases + 1))
	local try what differing
	for ((try = 1; try <= attempts; try++)); do
		for side in ref out; do
			env "${env[@]}" PATH="$scratch/$side:$PATH" stat "$@" <"$stdin_file" >"$scratch/$side.stdout" 2>"$scratch/$side.stderr"
			echo $? >"$scratch/$side.status"
		done
		differing=
		for what in stdout stderr status; do
			cmp -s "$scratch/ref.$what" "$scratch/out.$what" || { differing=$what; break; }
		done
		[ -z "$differing" ] && return
	done
	differences=$((differences + 1))
	echo "DIFFERENCE ($differing): ${env[*]} stat $(printf '%q ' "$@")"
	diff <(cat -A "$scratch/ref.$differing" | cut -c1-300) <(cat -A "$scratch/out.$differing" | cut -c1-300) | head -20
}
c() { compare -- "$@"; }

# The default layouts and terse forms, with and without -L.
for f in "${files[@]}"; do
	c "$f"
	c -L "$f"
	c -t "$f"
	c -t -L "$f"
done
c -f "${quiet_fs[@]}"
c -f -c '%n' missing /proc
c -f -t "${quiet_fs[@]}"
c -f -c "$stable_fs_format" / /dev/shm . dir "${files[@]}"

# Every file directive with every kind of flags, width and precision.
file_directives=(a A b B C d D f F g G h i m n N o s r R t T u U w W x X y Y z Z Hd Ld Hr Lr)
specs=('' '-' '0' '#' '+' ' ' "'" 'I' '12' '-12' '012' '#012' '+12' '.3' '.' '.0' '.12' '12.3' '-12.3' '012.3'
	'3.5' '2.1' '+12.3' ' .1' '-+ 14.4' '#o')
for d in "${file_directives[@]}"; do
	for s in "${specs[@]}"; do
		c -c "%$s$d|" "${files[@]}"
	done
	c -L -c "%$d" "${files[@]}"
done
# Time zones for the human-readable times.
for tz in UTC0 America/New_York Europe/Amsterdam Asia/Kolkata Australia/Lord_Howe Factory Foo '<-00>0' :Europe/Paris \
	EST5EDT PST8PDT 'EST5EDT,M3.2.0,M11.1.0' 'XYZ-3:30' ''; do
	compare "TZ=$tz" -- -c '%x|%y|%z|%w|%10.4y|%-40y|' "${in_any_zone[@]}"
done
compare TZ=Europe/Amsterdam -- "${in_any_zone[@]}"

# Every file-system directive.
fs_directives=(a b c d f i l n s S t T Hd Lr m q)
for d in "${fs_directives[@]}"; do
	for s in '' '-' '0' '#' '+' '15' '-15' '015' '.3' '15.3' '#18'; do
		c -f -c "%$s$d|" "${quiet_fs[@]}"
	done
done

# Formats: text, %%, unknown and invalid directives, modifiers.
for fmt in '' 'plain' '%%' '%' 'a%' '%%%' '%q' '%5q' '%-q' '%H' '%L' '%Hx' '%Lq' '%HHd' '%5%' 'x%-5%y' '%5' 'a\nb' \
	'%n%n' '%-0+ #5.2s' '%.2147483648s|%2147483648n|%.2147483647n' '\\%n'; do
	c -c "$fmt" regular dir
	c --printf="$fmt" regular
	c -f -c "$fmt" /proc
done
# --printf escapes.
for fmt in '\n' '\t\\\"\a\b\e\f\r\v' '\101\0101\1\18\777' '\x41\x4a\x4\xg\x' '\q' '\' 'a\%n' '%n\n' '\N' \
	'\x410' '%s\c'; do
	c --printf="$fmt" regular dir
	c -c "$fmt" regular
done
# %N and QUOTING_STYLE: read only when the FORMAT holds "%N".
for qs in literal shell shell-always shell-escape shell-escape-always c c-maybe escape locale clocale lit sh l '' bogus; do
	compare "QUOTING_STYLE=$qs" -- -c '%N' "${files[@]}"
	compare "QUOTING_STYLE=$qs" -- -c '%-5N|%n' link 'a b'
	compare "QUOTING_STYLE=$qs" -- link 'a b'
done
c -c '%%N' 'a b'
c -c '%5N' 'a b' link

# Standard input.
stdin_file=$fixture/regular
c -
c -t -
c -c '%n %N %s %i %F %m' -
c -L -
c -f -
c - regular
stdin_file=$fixture/dir
c -c '%F %n' -
stdin_file=/dev/null
c -c '%F %t %T %Hr %Lr' -

# Options and their errors.
c
c -L
c -q regular
c --bogus regular
c --f regular
c --fi -c %n /proc
c --form=%n regular
c --dereference --format=%F link
c --terse regular
c --file-system --terse /proc
c -c
c --format
c --printf
c -c %n -t regular
c -t -c %n regular
c --printf=%n -c %s regular
c -c %s --printf=%n regular
c --cached=always -c %n regular
c --cached=never -c %n regular
c --cached=default -c %n regular
c --cached=al -c %n regular
c --cached=n -c %n regular
c --cached= -c %n regular
c --cached=foo -c %n regular
c --cached -c %n regular
c --c regular
c -Lf /proc
c -fL -c %n dir
c -c %n -- -regular regular
c -- -

# Several operands, some failing.
c regular missing dir
c -c %n missing1 regular missing2
c -L broken regular
c -L -c %N broken link
c -f missing /proc
c -c '%m|%C' regular dir link /dev/null /
[ -n "$quiet" ] && c -c '%m|%n' "$quiet/file" "$quiet/sub" "$quiet" "$quiet/sub/.." "$scratch/quiet/../quiet/file"
c -c '%x' missing "$(printf 'bad\nname')"

echo "stat differential: $cases cases, $differences differences"
[ "$differences" = 0 ]
