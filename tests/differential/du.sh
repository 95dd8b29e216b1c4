#!/usr/bin/env bash
# Differential check of linkbox's du against GNU du: every option alone and
# combined (-a -c -s -S -L -l -x -0 -d, the size units, -h and --si,
# --inodes, -t, --time and its styles, --exclude and -X, --files0-from) over
# a tree holding files of many sizes, sparse files, hard links inside and
# across directories, symbolic links good, dangling and looping, a tmpfs
# mount, odd names, a directory of more than 10,000 entries, one 5,000
# levels deep and unreadable directories; the variables DU_BLOCK_SIZE,
# BLOCK_SIZE, BLOCKSIZE, POSIXLY_CORRECT and TIME_STYLE; and the errors.
# Stdout (bytes), stderr and exit status must be equal.
# Usage: tests/differential/du.sh DIR_WITH_LINKBOX_APPLET_LINKS [GNU_DU]
set -u
ours_dir=$(cd "${1:?usage: du.sh DIR_WITH_LINKBOX_APPLET_LINKS [GNU_DU]}" && pwd)
reference=${2:-/usr/bin/du}
[ -x "$ours_dir/du" ] || { echo "du.sh: no du in $ours_dir" >&2; exit 2; }
[ -x "$reference" ] || { echo "du.sh: no reference du at $reference" >&2; exit 2; }

scratch=$(mktemp -d /tmp/du-differential.XXXXXX)
shm=
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt"
	chmod -R u+rwx "$scratch" 2>/dev/null
	rm -rf "$scratch"
	[ -n "$shm" ] && rm -rf "$shm"
}
trap cleanup EXIT
# An unprivileged user (root's runs below) must get to the fixture and both
# programs.
chmod 755 "$scratch"
# Both are run as "du" through PATH, so messages start alike.
mkdir "$scratch/ref" "$scratch/out"
ln -s "$reference" "$scratch/ref/du"
ln -s "$ours_dir/du" "$scratch/out/du"

export LC_ALL=C
unset TZ POSIXLY_CORRECT BLOCK_SIZE BLOCKSIZE DU_BLOCK_SIZE TIME_STYLE QUOTING_STYLE

# --- the fixture
fixture=$scratch/fixture
mkdir "$fixture" && cd "$fixture" || exit 2
mkdir -p t/sub/deep/x/y t/sub/deep/x/y2 t/other t/empty t/odd t/sizes
for n in 0 1 1023 1024 1025 5000 10239 10240 10241 1048575 1048576; do
	head -c "$n" /dev/zero >"t/sizes/f$n"
done
: >t/f0
printf 'x' >t/f1
head -c 5000 /dev/zero >t/f5000
head -c 100000 /dev/zero >t/f100000
head -c 1500 /dev/zero >t/sub/a
printf 'abc' >t/sub/deep/x/y/z
printf 'late' >t/sub/deep/x/y2/late
# Sparse: 1 MiB with one byte written, and 5 GiB of hole.
truncate -s 1M t/sparse && printf 'y' | dd of=t/sparse conv=notrunc status=none
truncate -s 5G t/hole
# Hard links: in one directory, across directories.
ln t/f5000 t/hl1
ln t/f5000 t/sub/hl2
ln t/sub/a t/other/hl3
# Symbolic links.
ln -s f5000 t/lnf
ln -s sub t/lnd
ln -s nowhere t/dang
ln -s loop t/loop
ln -s loopb t/loopa
ln -s loopa t/loopb
ln -s "$fixture/t/f1" t/abs
ln -s .. t/sub/deep/up
# Odd names.
for name in 'a b' $'n\nl' $'\xff' "it's" $'tab\tx' '-' '*star' '[br]' 'é' $'bad\xfe\xffname'; do
	printf 'odd' >"t/odd/$name"
done
mkdir t/odd/$'dir\nwith newline' t/odd/$'\xfedir'
printf '12345' >t/odd/$'dir\nwith newline/inner'
printf '123456' >t/odd/$'\xfedir/inner'
# A tmpfs mounted in the tree (root), and a link to a directory on /dev/shm:
# other file systems for -x.
mkdir t/mnt
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m linkbox-du-test "t/mnt" 2>/dev/null; then
	mnt=$fixture/t/mnt
	head -c 10000 /dev/zero >t/mnt/file
	mkdir t/mnt/dir && printf 'm' >t/mnt/dir/m
fi
if [ -d /dev/shm ] && shm=$(mktemp -d /dev/shm/du-differential.XXXXXX 2>/dev/null); then
	chmod 755 "$shm"
	head -c 3000 /dev/zero >"$shm/s" && mkdir "$shm/d" && printf 'q' >"$shm/d/q"
	ln -s "$shm" t/shm
fi
# Fixed times, some later than the rest, one before 1970, one far ahead.
find t -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
touch -h -d '2021-06-07 08:09:10.5' t/sub/deep/x/y/z
touch -h -d '1969-12-31 23:59:59.75' 't/odd/a b'
touch -h -d '2300-01-01 00:00:00' t/other/hl3
touch -h -d '2022-02-03 04:05:06' t/sub/deep/x/y2 t/lnd
# More than 10,000 entries: GNU's fts visits them in inode order.
mkdir b && (cd b && seq -f 'n%05g' 0 10050 | xargs touch && mkdir dir1 dir2 && printf 'bb' >dir2/f)
# 5,000 levels deep: a path longer than PATH_MAX.
mkdir deep && (cd deep && mkdir -p "$(printf 'd/%.0s' {1..5000})")
# Unreadable directories: a directory without permissions, one that can be
# read but not searched, one that can be searched but not read.
mkdir -p p/locked/inner p/rnox/sub p/xnor p/ok
printf 'secret' >p/locked/inner/f
printf 'rn' >p/rnox/f && printf 'rn2' >p/rnox/sub/g
printf 'xr' >p/xnor/f
printf 'ok' >p/ok/f
chmod 000 p/locked && chmod 644 p/rnox && chmod 311 p/xnor
chmod -R go+rX t b 2>/dev/null
# A name list for --files0-from, exclusion lists for -X.
printf 't/f1\0t/sub\0t/f5000\0t/sub/hl2\0' >list
printf 't/f1\0\0t/sub\0\0' >list-empty-names
printf 't/f1\0-\0t/f0' >list-dash
printf 't/odd/n\nl\0t/odd/\377\0t/missing\0' >list-odd
printf 't/f1\0t/f1\0t/sub\0t/sub/deep\0' >list-repeat
: >list-none
printf 'f*\n\n  \nsub/deep/x   \n' >exclude-list
printf '*\n' >exclude-all
printf 'nothing\n' >exclude-nothing

# Reading directories and following links moves their access times once,
# under relatime: settle them before any --time=atime case.
for side in ref out; do
	"$scratch/$side/du" -a t b p >/dev/null 2>&1
	"$scratch/$side/du" -aL t b p >/dev/null 2>&1
done

cases=0
differences=0
stdin_file=/dev/null
stdout_filter=
runner=()
# Root reads any directory: the unreadable ones are walked as nobody.
nobody=()
if [ "$(id -u)" = 0 ] && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# compare [VAR=VALUE...] -- ARG...: one case, run through both (as
# ${runner[@]}, with $stdin_file on stdin, stdout through $stdout_filter).
compare() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	cases=$((cases + 1))
	local side what differing=
	for side in ref out; do
		"${runner[@]}" env "${env[@]}" PATH="$scratch/$side:$PATH" du "$@" <"$stdin_file" \
			>"$scratch/$side.stdout" 2>"$scratch/$side.stderr"
		echo $? >"$scratch/$side.status"
		if [ -n "$stdout_filter" ]; then
			"$stdout_filter" <"$scratch/$side.stdout" >"$scratch/$side.filtered"
			mv "$scratch/$side.filtered" "$scratch/$side.stdout"
		fi
	done
	for what in stdout stderr status; do
		cmp -s "$scratch/ref.$what" "$scratch/out.$what" || { differing=$what; break; }
	done
	[ -z "$differing" ] && return
	differences=$((differences + 1))
	echo "DIFFERENCE ($differing): ${runner[*]} ${env[*]} du $(printf '%q ' "$@")"
	diff <(cat -A "$scratch/ref.$differing" | cut -c1-300) <(cat -A "$scratch/out.$differing" | cut -c1-300) | head -20
}
c() { compare -- "$@"; }

# --- selection options crossed with the units
selections=('' -a -s -S -aS -c -sc -l -al -L -aL -x -d0 -d1 '-a -d2' '-S -d1' -a0 -acS -acL -D -aH -aLP -aPL -acl0)
units=('' -b -h --si -k -m --apparent-size -BKB "-B'1" --inodes)
for s in "${selections[@]}"; do
	for u in "${units[@]}"; do
		# shellcheck disable=SC2086 # the words of each are options
		c $s $u t
	done
done
for u in -B1 -BK -B1K -B512 -BMiB '-h --apparent-size' '--si --apparent-size' '-b -h' -BG '--inodes -h'; do
	# shellcheck disable=SC2086
	c -a $u t
	# shellcheck disable=SC2086
	c -sc $u t t/sub
done

# --- several operands: hard links and repeats, in both orders
operand_sets=('t/f5000 t/hl1' 't/hl1 t/f5000' 't/f5000 t/sub' 't/sub t/f5000' 't/sub t/sub' 't t/sub' 't/sub t'
	't/sub/deep t/sub' 't/sub t/sub/deep' 't/other t/sub' 't/f1 t/f1' 't/lnd t/sub' 't/sub t/lnd' 't/sub/.. t'
	't/sub/hl2 t/other/hl3 t/sub')
for o in "${operand_sets[@]}"; do
	for s in '' -a -l -acb -L '-a --inodes'; do
		# shellcheck disable=SC2086
		c $s $o
	done
done
c -s t/f5000 t/sub t/hl1 t/other t
c -aD t/lnd t/sub
c -aH t/sub t/lnd

# --- operand forms
for o in t/ t// t/sub// ./t t/./sub ../fixture/t "$fixture/t/sub" t/lnd t/lnd/ t/lnf t/lnf/ t/f1/ t/dang t/dang/ t/loop \
	t/loopa t/abs t/missing '' - t/odd t/sizes t/shm t/mnt; do
	c -a "$o"
	c -L "$o"
	c -D -sb "$o"
done
c t/f1 missing t/f0
c missing1 t/sub missing2
c t/f1 '' t/f0
c -L t/dang t/f1 t/loop
c -aL t
c -L t/sub/deep
c -aLb t/sub
c t/odd/$'no\nsuch' t/odd/$'\xffgone' "t/odd/it's gone" 't/odd/a b gone' t/odd/$'tab\tgone'
c -a t/odd/$'n\nl' t/odd/$'\xff' t/odd/$'dir\nwith newline'

# --- -h and --si at the edges
for s in '' -c -s; do
	for u in '-b -h' '--apparent-size -h' '--apparent-size --si' '-b --si' -h --si '-h -BK' '--si -h'; do
		# shellcheck disable=SC2086
		c -a $s $u t/sizes t/sparse t/hole t/f100000
	done
done

# --- block sizes, as -B and --block-size, and their errors
for b in 0 -1 x 1Q '' K KB KiB k kB kiB M MB MiB G T P E Z Y 1K 1KB 1KiB 2 512 1000 1024 4096 "'1" "'K" "'1K" "'1KB" \
	1Y 99999999999999999999999 99999999Y human-readable si 1.5 ' 1K' 0x10 010 1e3 -K +1K 1KK 1kb 1Ki; do
	c -ab "-B$b" t/sizes t/hole
	c -s "--block-size=$b" t
done

# --- thresholds
for t in 0 1 1023 1024 1025 4K -4K 5000 -5000 4096 -4096 1M -1M 100K 1G -1 -1K 1KB 8k; do
	for s in -a -ab '-a --inodes' '-acS'; do
		# shellcheck disable=SC2086
		c $s -t "$t" t
	done
	c -a "--threshold=$t" t/sizes
done
for t in x 1Q -0 -00 '' 99999999999999999999999 -99999999999999999999999 1e 0x10 010 ' 5' '+5' 5b 5B 1Y 1MB; do
	c -a -t "$t" t/sizes
	c -s "--threshold=$t" t/sizes
done

# --- --time, --time-style and TIME_STYLE, in several time zones
for kind in '' =atime =access =use =ctime =status =mtime =x = =a =c =at =st =modification; do
	compare TZ=UTC0 -- -a "--time$kind" t
	compare TZ=UTC0 -- -s "--time$kind" --time-style=full-iso t
	compare TZ=UTC0 -- -S "--time$kind" --time-style=+%s t/sub
done
for style in full-iso long-iso iso +%s '+%Y %j %a %b %e %N %z %Z|%%|%' + '+%c' x posix-iso locale full f ''; do
	compare TZ=UTC0 -- --time "--time-style=$style" t
	compare TZ=UTC0 -- --time=ctime -a "--time-style=$style" t/sub
done
# strftime's conversions, flags and widths.
for f in '%-d %_m %^a %#Z %10N %3N %:z %::z %:::z %q %+Y %+4Y %Ez %Oy %P %k %l %u %V %G %g %C %y %h' \
	'%n%t%D %r %R %T %x %X %c %U %W %w %p %I %M %S %F %10F %-10s %_5H %05e %^B %#b %E %O %! %' \
	'%-j %_j %0j %3j %^p %#p %_3a %-Y %010Y %_Y %G %-U'; do
	compare TZ=UTC0 -- -a --time "--time-style=+$f" t/sub t/odd
	compare TZ=Asia/Kolkata -- -s --time "--time-style=+$f" t/other t
done
for tz in UTC0 America/New_York Asia/Kolkata Europe/Amsterdam 'XYZ-3:30' ''; do
	compare "TZ=$tz" -- -a --time --time-style=full-iso t/odd t/other t/sub
	compare "TZ=$tz" -- -a --time --time-style='+%F %T %z %Z' t/odd t/other t/sub
done
for ts in full-iso long-iso iso posix-full-iso posix-long-iso posix-iso posix-posix-iso '+%s' $'+%Y\n%m' locale \
	posix-locale bogus '' + '+%H:%M'; do
	compare TZ=UTC0 "TIME_STYLE=$ts" -- -a --time t/sub
	compare TZ=UTC0 "TIME_STYLE=$ts" -- --time --time-style=iso t/sub
done
c --time-style=full-iso t/sub
c --time-style=bogus t/sub
compare TZ=UTC0 -- --time -ac -0 t/sub t/other
compare TZ=UTC0 -- --time --inodes -h t
compare TZ=UTC0 -- --time -L -a t/sub
compare TZ=UTC0 -- --time=ctime -l -a t

# --- exclusions
for x in '*' 'f*' sub sub/deep t/sub '*/x' x/y '*5000' '[ab]*' '?' 'f1*' '*.no' t . 'deep/*' '\*star' '*star' z y \
	'*/x/*' 'odd/*' '*/' 't/*' '*e*' $'n\nl' $'\xff' 'sizes/f10*' '[!f]*' 'hl?' '**' 'sub/' 'sub//deep'; do
	c -a "--exclude=$x" t
	c -s --exclude="$x" t/sub t/f1 t/sizes
done
c -a --exclude='*1' --exclude='*0' t
c -a -X exclude-list t
c -a --exclude-from=exclude-list --exclude=other t
c -X exclude-all t
c -X exclude-nothing -a t/sub
c -X missing t
c --exclude-from=missing t
c -X missing -X missing2 t
c -X t t/sub
c -X '' t
stdin_file=$fixture/exclude-list
c -a -X - t
stdin_file=/dev/null

# --- --files0-from
for s in '' -ac -sb -L; do
	for f in list list-empty-names list-dash list-odd list-repeat list-none; do
		# shellcheck disable=SC2086
		c $s "--files0-from=$f"
	done
done
c --files0-from=missing
c --files0-from=t
c --files0-from=list t/f1
c --files0-from=list t/f1 t/f0
c --files0-from=list --files0-from=list-dash
c --files0-from=
c --files0-from list
for f in list list-empty-names list-dash list-odd list-repeat list-none; do
	stdin_file=$fixture/$f
	c --files0-from=-
	c -c --files0-from=-
	c -s --files0-from -
	c -a --files0-from=- -X -
done
stdin_file=$fixture/t/f5000
c -b -
c -b --files0-from=-
stdin_file=/dev/null

# --- the variables for units
for v in DU_BLOCK_SIZE BLOCK_SIZE BLOCKSIZE; do
	for b in 1 512 1K 1KB K KB M human-readable si "'1" "'1K" 0 x -1 1Q ''; do
		compare "$v=$b" -- -a t/sizes t/sub
		compare "$v=$b" -- -a --apparent-size t/sizes
		compare "$v=$b" -- -s --inodes t
	done
done
compare DU_BLOCK_SIZE=1 BLOCK_SIZE=1M -- t/sub
compare BLOCK_SIZE=1 BLOCKSIZE=1M -- t/sub
compare DU_BLOCK_SIZE=x BLOCK_SIZE=1 -- t/sub
compare DU_BLOCK_SIZE= BLOCK_SIZE=1 -- t/sub
compare BLOCK_SIZE=x BLOCKSIZE=1 -- t/sub
for p in '' 1 x; do
	compare "POSIXLY_CORRECT=$p" -- -a t/sub
	compare "POSIXLY_CORRECT=$p" -- -a --apparent-size t/sizes
	compare "POSIXLY_CORRECT=$p" -- -k t/sub
	compare "POSIXLY_CORRECT=$p" -- -h t/sub
	compare "POSIXLY_CORRECT=$p" BLOCK_SIZE=1K -- t/sub
	compare "POSIXLY_CORRECT=$p" -- t/sub -a
	compare "POSIXLY_CORRECT=$p" -- --inodes t/sub
done

# --- options and their errors
c -q t
c --bogus t
c --a t
c --ex=x t
c --tim t
c --time atime t
c --count t/f1
c --si=1 t
c --all=x t
c -d
c --max-depth
c -B
c -t
c -X
c --time-style
c --files0-from
c --exclude
for d in x -1 1x '' ' 1' +1 0x1 99999999999999999999999 2147483648 9223372036854775807; do
	c "--max-depth=$d" t
	c -d "$d" t
done
c -s -a t
c -a -s t
c -s -d0 t
c -s -d 1 t
c -s --max-depth=2 t
c -d1 -s t
c -d0 -d1 -s t
c -s -d1 -d0 t
c --inodes -b t/sub
c --inodes --apparent-size -h t/sub
c -b --inodes -s t/sub
c -kmh t/sizes
c -hk t/sizes
c -bk t/sizes
c -kb t/sizes
c -mb t/sizes
c --si -b t/sizes
c -L -P t
c -P -L t
c -H -P t/lnd
c -- -t
c -- -a t/f1
c -B x --help

# --- --help and --version (GNU's closing lines point to GNU's pages, and
# its version names GNU: only the help above them and the program name in
# the version line are compared)
help_body() {
	awk '/^GNU coreutils online help/ { exit } { print }' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
program_of_version() {
	head -n 1 | sed 's/ (.*//'
}
stdout_filter=help_body
c --help
c --help x y
c -d x --help
c --he
c -a --help --bogus
stdout_filter=program_of_version
c --version
c --version x
c --vers -a
stdout_filter=

# --- a directory of more than 10,000 entries, and one 5,000 levels deep
c -a b
c b
c -s b
c --inodes -S b
c -d 1 deep
c -s deep
c deep
c -S --inodes deep
c -ab -d 4000 deep
c -s -x deep b

# --- other file systems
c -x t
c -ax t
c -xs t
c -L -x t
c -aLx t
c -x t/mnt
c -ax t/mnt t
c -aL t/shm
c -aLx t/shm
c -aD t/shm
c -aH -x t/shm

# --- unreadable directories, as an unprivileged user
runner=("${nobody[@]}")
for s in '' -a -s -c -L -b -S --inodes -0 '-d 1' '-t 1' '-a --exclude=locked' '-a --exclude=inner'; do
	# shellcheck disable=SC2086
	c $s p
done
c p/locked
c p/locked/inner
c -a p/rnox
c -a p/xnor
c p/xnor/f
c -a p/rnox/f
c -a p/ok p/locked p/rnox
c -a p/xnor t/sub
runner=()

# Any depth up to SIZE_MAX is valid.
c -d 18446744073709551615 t/sub
c --max-depth=9223372036854775808 t/sub
# A zone named "-00" is shown as -0000.
compare 'TZ=<-00>0' -- -a --time --time-style=full-iso t/sub
compare 'TZ=<-00>0' -- --time '--time-style=+%z' t/sub
# %-N drops the trailing zeros of the nanoseconds.
compare TZ=UTC0 -- -a --time '--time-style=+%-N|%-3N|%-12N' t/sub
# Left out on purpose: with -L, GNU's fts walks by path names and cannot
# stat past PATH_MAX; linkbox walks through descriptors and has no limit
# (tests/du.rs, dereference_all_has_no_path_length_limit).

echo "du differential: $cases cases, $differences differences"
[ "$differences" = 0 ]
