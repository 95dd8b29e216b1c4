#!/bin/bash
# Differential check: every case runs once with GNU ln and once with
# linkbox's ln, in the same fresh directory, and compares stdout, stderr,
# exit status and the resulting tree (names, types, link counts, symlink
# targets, sizes, which names share an inode).
#
# Usage: tests/differential/ln.sh LINKBOX_BIN_DIR   (a directory holding an
# `ln` link to linkbox). The reference is GNU ln ($REFERENCE_LN, default
# /usr/bin/ln). Prints `ln differential: N cases, M differences`, each
# difference shown, and exits 1 on any difference.
set -u
export LC_ALL=C
unset POSIXLY_CORRECT VERSION_CONTROL SIMPLE_BACKUP_SUFFIX QUOTING_STYLE

[ $# -eq 1 ] && [ -x "$1/ln" ] || { echo "usage: $0 LINKBOX_BIN_DIR (holding an 'ln' link)" >&2; exit 2; }
ours=$(cd "$1" && pwd)
reference=${REFERENCE_LN:-/usr/bin/ln}
[ -x "$reference" ] || { echo "$0: no reference ln at $reference" >&2; exit 2; }

scratch=$(mktemp -d /tmp/ln-differential.XXXXXX)
shm=/dev/shm/ln-differential.$$
trap 'rm -rf "$scratch" "$shm"' EXIT
mkdir "$scratch/gnu-bin"
ln -s "$reference" "$scratch/gnu-bin/ln"
work=$scratch/work
base_path=$PATH

cases=0
differences=0

# The tree under the current directory, one line per name.
snapshot() {
    find . -mindepth 1 -printf '%i\t%p\t%y\t%n\t%s\t%l\n' | LC_ALL=C sort -t "$(printf '\t')" -k2,2 |
        awk -F '\t' '{ if (!($1 in first)) first[$1] = $2
                       size = ($3 == "f") ? $5 : "-"
                       print $2 " " $3 " links=" $4 " size=" size " -> " $6 " inode-of=" first[$1] }'
}

# run_side BIN_DIR SETUP COMMAND: results in $scratch/out.{stdout,stderr,status,tree}
run_side() {
    rm -rf "$work" "$shm"
    mkdir "$work" "$shm"
    (cd "$work" && export SHM="$shm" && eval "$2") >/dev/null 2>&1
    (cd "$work" && export SHM="$shm" PATH="$1:$base_path" && eval "$3") >"$scratch/out.stdout" 2>"$scratch/out.stderr" </dev/null
    echo $? >"$scratch/out.status"
    (cd "$work" && snapshot) >"$scratch/out.tree"
}

# c SETUP COMMAND: one case. SETUP runs with the reference ln first in
# PATH; COMMAND with the ln under test first.
c() {
    cases=$((cases + 1))
    run_side "$scratch/gnu-bin" "$1" "$2"
    for part in stdout stderr status tree; do mv "$scratch/out.$part" "$scratch/gnu.$part"; done
    run_side "$ours" "$1" "$2"
    local part differ=
    for part in stdout stderr status tree; do
        if ! cmp -s "$scratch/gnu.$part" "$scratch/out.$part"; then
            [ -z "$differ" ] && printf '\n--- case %d: setup: %s\n--- command: %s\n' "$cases" "$1" "$2"
            differ=1
            echo "  $part differs (< GNU, > linkbox):"
            diff "$scratch/gnu.$part" "$scratch/out.$part" | sed 's/^/    /'
        fi
    done
    [ -n "$differ" ] && differences=$((differences + 1))
}

files='touch a b c; mkdir d e'
links="$files; ln -s a sa; ln -s d sd; ln -s nowhere dangling; ln -s . dot"

# --- operand forms
c "$files" 'ln a new'
c "$files" 'ln a'
c "$files" 'cd d && ln ../a'
c "$files" 'ln -v a b c d'
c "$files" 'ln -v -t d a b c'
c "$files" 'ln --target-directory=d -v a'
c "$files" 'ln -v a d/'
c "$files" 'ln -v a d//'
c "$files" 'ln -v a ./d'
c "$files" 'ln -sv /tmp/x'
c "$files" 'ln -sv /tmp/x/'
c "$files" 'ln -s /'
c "$files" 'ln -sv / d'
c "$files" 'ln -sv . d'
c "$files" 'ln -sv .. d'
c "$files" 'ln -sv a/ x'
c "$files" 'ln -v d/../a e'
# --- every option
c "$files" 'ln -s a s; ln -sv b s2'
c "$files" 'ln --symbolic a s'
c "$files" 'ln --sym a s'
c "$files" 'ln --s a s'
c "$files" 'ln --no a b'
c "$files" 'ln -f a b'
c "$files" 'ln --force -v a b'
c "$files" 'ln -fv a new'
c "$links" 'ln -sfv a sa'
c "$links" 'ln -sf b sd'
c "$links" 'ln -sfn b sd'
c "$links" 'ln -sfv --no-dereference b sd'
c "$links" 'ln -sn b sd'
c "$links" 'ln -sfT b sd'
c "$links" 'ln -fT b d'
c "$links" 'ln -T a d'
c "$links" 'ln -T a new'
c "$links" 'ln --no-target-directory -v a newer'
c "$links" 'ln a b c sd'
c "$links" 'ln -n a b c sd'
c "$links" 'ln -n a sd'
c "$links" 'ln -L sa hl; ln -P sa hp; ln sa hd'
c "$links" 'ln --logical dangling h'
c "$links" 'ln --physical dangling h'
c "$links" 'ln -LP dangling h; ln -PL sa h2'
c "$links" 'ln -sL a s; ln -sP a s2'
c "$links" 'ln -v d x'
c "$links" 'ln -d d x'
c "$links" 'ln -F d x'
c "$links" 'ln --directory d x'
c "$links" 'ln -dv a x'
c "$links" 'ln d/ x'
c "$links" 'ln -s --relative -v a d/x'
c "$links" 'ln -r a x'
c "$links" 'ln -rs a x'
c "$links" 'ln -vb a b'
c "$links" 'ln -vb a b; ln -vb c b'
c "$links" 'ln --backup -v a b'
c "$links" 'ln --backup=numbered -v a b; ln --backup=t -v c b; ln --backup=t -v a b'
c "$links" 'ln --backup=existing -v a b; touch c.~4~; ln --backup=nil -v a c; ln --backup=nil -v b c'
c "$links" 'ln --backup=simple -v a b; ln --backup=never -v c b'
c "$links" 'ln --backup=none -v a b'
c "$links" 'ln --backup=off -fv a b'
c "$links" 'ln --backup=nu -v a b; ln --backup=s -v a c'
c "$links" 'ln --backup= -v a b'
c "$links" 'ln --backup=n a b'
c "$links" 'ln --backup=foo a b'
c "$links" 'ln --backup=foo a new'
c "$links" "ln --backup=\"it's\" a b"
c "$links" 'ln -b --backup=t -b -v a b'
c "$links" 'ln -bsv a b'
c "$links" 'ln -bsv a sa'
c "$links" 'ln -bfv a b'
c "$links" 'ln -S .bak -v a b'
c "$links" 'ln --suffix=.old -v a b'
c "$links" 'ln --suffix=/ -v a b'
c "$links" 'ln --suffix=x/ -v a b'
c "$links" 'ln -S "" -v a b'
c "$links" 'ln -Sx -v a b; ln -S -x -v a c'
c "$links" 'VERSION_CONTROL=numbered ln -bv a b'
c "$links" 'VERSION_CONTROL=t ln --backup=simple -v a b'
c "$links" 'VERSION_CONTROL=bad ln -bv a b'
c "$links" 'VERSION_CONTROL=bad ln -v a new'
c "$links" 'VERSION_CONTROL= ln -bv a b'
c "$links" 'VERSION_CONTROL=simple SIMPLE_BACKUP_SUFFIX=.sv ln -bv a b'
c "$links" 'SIMPLE_BACKUP_SUFFIX=a/b ln -bv a b'
c "$links" 'SIMPLE_BACKUP_SUFFIX=.sv ln -S .opt -v a b'
c "$links" 'ln -bv a b.~1~ && ln --backup=t -v a b'
c "$links" 'touch b.~9~ b.~10~ b.~x~ b.~01~; ln --backup=t -v a b'
c "$links" 'touch b.~99~; ln --backup=t -v a b'
c "$links" 'ln --backup=t -v a b c d; ln --backup=t -v a b c d'
c "$links" 'ln -vbt d a b; ln -vbt d a b'
c "$links" 'ln -v a b 2>&1'
c "$links" 'ln -v a b c d 2>&1'
c "$links" 'ln -v a nope c d 2>&1'
c "$links" 'ln --verbose -s a x'
# --- interactive
c "$links" 'echo y | ln -i a b'
c "$links" 'echo yes | ln -iv a b'
c "$links" 'echo Y | ln -i a b'
c "$links" 'echo n | ln -i a b'
c "$links" 'echo | ln -i a b'
c "$links" 'ln -i a b </dev/null'
c "$links" 'ln -i a new </dev/null'
c "$links" 'printf "y\nn\n" | ln -iv a b c d'
c "$links" 'touch d/a d/b; printf "n\ny\n" | ln -iv a b d'
c "$links" 'echo y | ln -fi a b'
c "$links" 'echo n | ln -if a b'
c "$links" 'echo y | ln -ib a b'
c "$links" 'echo y | ln -isv a sa'
c "$links" 'echo y | ln -i a a'
c "$links" 'echo y | ln -i a d'
c "$links" 'echo y | ln -i --interactive -s d sd'
c "$links" 'echo y | ln -ins d sd'
c "$links" 'echo y >answer; ln -i a b <answer; echo y | ln -i --backup=t a b'
c "$links" 'touch d/a d/b; cd d && printf "y\ny\n" | ln -iv ../a b .'
# --- same file, existing, directories
c "$links" 'ln a a'
c "$links" 'ln -f a a'
c "$links" 'ln -f a ./a'
c "$links" 'ln -f a d/../a'
c "$links" 'ln a b2; ln -f a b2'
c "$links" 'ln a d/a; ln -fv a d/a'
c "$links" 'ln a d/a; ln -fv a d'
c "$links" 'ln -sf a a'
c "$links" 'ln -sf nonex nonex'
c "$links" 'ln -sfv a ./sa'
c "$links" 'ln -sf sa sa'
c "$links" 'ln -b a a'
c "$links" 'ln -bf a a'
c "$links" 'ln -sb a a'
c "$links" 'ln -sbf a a'
c "$links" 'ln -f a d'
c "$links" 'ln -f a .'
c "$links" 'ln -sfT a d'
c "$links" 'ln -fT a dot'
c "$links" 'touch d/d; ln -f a d/d'
c "$links" 'mkdir d/a; ln -f a d'
c "$links" 'mkdir d/a; ln a d'
c "$links" 'mkdir d/a; ln -s a d'
c "$links" 'mkdir -p x/y; ln -f x/y x'
c "$links" 'ln a b'
c "$links" 'ln -s a b'
c "$links" 'ln a sa'
c "$links" 'ln -s a dangling'
c "$links" 'ln -sf a dangling'
c "$links" 'ln -f dangling b'
c "$links" 'mkdir p q r; touch p/f q/f; ln -f p/f q/f r'
c "$links" 'mkdir p q r; touch p/f q/f; ln -fv p/f q/f r 2>&1'
c "$links" 'mkdir p q r; touch p/f q/f; ln -bfv p/f q/f r'
c "$links" 'mkdir p q r; touch p/f q/f; ln --backup=t -fv p/f q/f r'
c "$links" 'mkdir p q r; touch p/f q/f; ln -sfv p/f q/f r'
c "$links" 'mkdir p r; touch p/f; ln -fv p/f p/f r'
c "$links" 'ln -Lf sa a'
c "$links" 'ln -Pf sa sa'
c "$links" 'ln -f sa a; ln -Lfv sa b'
c "$links" 'ln -fv a sa'
c "$links" 'ln -sf a d/a; ln -vbt d a b; ln -vbt d a b'
c "$links" 'mkdir -p x/y; touch x/y/b x/y/b.~3~; ln --backup=t -v a x/y/b; ln --backup=existing -v a x/y/b'
c "$links" 'ln -sfn a sd; ln -sf b d; ls d'
# --- output errors
c "$links" 'ln -v a x >/dev/full'
c "$links" 'ln a x >/dev/full'
c "$links" 'ln -v a nope x d >/dev/full'
c "$links" '(sleep 0.2; ln -v a b c d; echo "status $?" >&2) | true'
c "$links" '(sleep 0.2; ln -v a nope c d; echo "status $?" >&2) | true'
c "$links" 'ln -f a b/'
c "$links" 'ln -sfv a sd/'
c "$links" 'ln -sfnv a sd/'
c "$links" 'ln -sfTv a sd/'
c "$links" 'ln -sfTv a dot/'
c "$links" 'echo y | ln -i a "x y"; echo y | ln -i a "$(printf "b\nc")"; touch "x y"; echo y | ln -iv a "x y"'
c "$links" 'ln --backup=t -sv a sd; ln --backup=t -sv a sd'
c "$links" 'ln -bnsv a sd; ln -bnsv b sd'
c "$links" 'ln -bnsv a dangling; ln -bLv sa dangling'
c "$links" 'ln -s x/y/z zz 2>/dev/null; mkdir -p x/y/z; ln -srfv a zz/a; ln -srfv b zz/a'
c "$links" 'ln -vs a b c d e 2>&1; ln -vfs a b c d e 2>&1'
# --- missing things, bad operands
c "$links" 'ln nope x'
c "$links" 'ln -L nope x'
c "$links" 'ln -s nope x'
c "$links" 'ln -v a b nope c d'
c "$links" 'ln a nope/x'
c "$links" 'ln -s a nope/x'
c "$links" 'ln a nope/'
c "$links" 'ln -s a nope/'
c "$links" 'ln a/ x'
c "$links" 'ln a b c'
c "$links" 'ln a b nope'
c "$links" 'ln a b sa'
c "$links" 'ln -t nope a'
c "$links" 'ln -t a b'
c "$links" 'ln -t sd -v a'
c "$links" 'ln -n -t sd -v a'
c "$links" 'ln -t d -t d a'
c "$links" 'ln -t nope -z'
c "$links" 'ln -z -t nope'
c "$links" 'ln -t nope --help'
c "$links" 'ln -t d'
c "$links" 'ln'
c "$links" 'ln -T a'
c "$links" 'ln -T a b c'
c "$links" 'ln -T -t d a b'
c "$links" 'ln -T -t d a'
c "$links" 'ln -z'
c "$links" 'ln -z a b'
c "$links" 'ln --bogus a b'
c "$links" 'ln --force=1 a b'
c "$links" 'ln -S'
c "$links" 'ln --suffix'
c "$links" 'ln -t'
c "$links" 'ln --target-directory'
c "$links" 'ln -bz'
c "$links" 'ln -bf a b; ls'
c "$links" 'ln -s "" x'
c "$links" 'ln "" x'
c "$links" 'ln -s a ""'
c "$links" 'ln a ""'
c "$links" 'ln -- -a x'
c "$links" 'ln -sf -- a -b'
c "$links" 'POSIXLY_CORRECT=1 ln a x -s'
c "$links" 'ln a x -s'
c "$links" "ln -s a \"\$(printf '%0300d' 0)\""
c "$links" "ln -sv \"\$(printf '%04100d' 0)\" x"
c "$links" "touch \"\$(printf '%0254d' 0)\"; ln --backup=t -fv a \"\$(printf '%0254d' 0)\""
c "$links" "touch \"\$(printf '%0254d' 0)\"; ln -bfv a \"\$(printf '%0254d' 0)\""
c "$links" "ln -v a \"\$(printf 'x%.0s' \$(seq 300))\""
c "$links" 'chmod 0 d; ln -v a d; chmod 755 d'
c "$links" 'mkdir -p x/y; chmod 0 x; ln -v a x/y/z; chmod 755 x'
c "$links" 'ln -s loop1 loop2; ln -s loop2 loop1; ln -v a loop1'
c "$links" 'ln -s loop1 loop2; ln -s loop2 loop1; ln -v a b loop1'
c "$links" 'ln -s loop1 loop2; ln -s loop2 loop1; ln -srv a loop1/x'
# --- another filesystem (tmpfs), when there is one
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" != "$(stat -f -c %T /tmp)" ]; then
    c "$links; touch \$SHM/f" 'ln "$SHM/f" x'
    c "$links; touch \$SHM/f" 'ln -v "$SHM/f" a d 2>&1'
    c "$links; touch \$SHM/f" 'ln -fv "$SHM/f" a'
    c "$links; touch \$SHM/f" 'ln -bfv "$SHM/f" a'
    c "$links; touch \$SHM/f" 'ln -Lv "$SHM/f" "$SHM/g"; ln -sv "$SHM/f" x'
fi
# --- not root: permissions, protected_hardlinks (the backup then cannot be
# a second link to the old file)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    nobody='setpriv --reuid=65534 --regid=65534 --clear-groups'
    c "$links" "$nobody ln -v a x"
    c "$links" "$nobody ln -sfv a b"
    c "$links; mkdir w; chmod 777 w; touch w/b; chmod 600 a w/b" "$nobody ln -v a w/x"
    c "$links; mkdir w; chmod 777 w; touch w/b; chmod 600 w/b" "cd w && $nobody ln -bsfv ../a b"
    c "$links; mkdir w; chmod 777 w; touch w/b; chmod 600 w/b" "cd w && $nobody ln --backup=t -sfv ../a b"
    c "$links; mkdir w; chmod 777 w; touch w/b; chmod 600 w/b" "cd w && $nobody ln -sfv ../a b"
    c "$links; mkdir w; chmod 1777 w; touch w/b" "cd w && $nobody ln -sfv ../a b"
    c "$links; mkdir w; chmod 777 w; touch w/b; chmod 600 w/b; mkdir w/b~" "cd w && $nobody ln -bsfv ../a b"
    c "$links; mkdir w; chmod 777 w; touch w/b w/b.~1~; chmod 700 w" "$nobody ln --backup=existing -sfv ../a w/b"
    c "$links; mkdir w; touch w/b; chmod 333 w" "$nobody ln --backup=existing -sfv ../a w/b; chmod 755 w"
    c "$links" "echo y | $nobody ln -i a b"
fi
# --- help (GNU's closing lines point to GNU's web pages: not compared)
# Help up to GNU's closing pointers to its web pages, which are not ours.
help_body() {
    awk '/^GNU coreutils online help/ { exit } { print }' | awk 'NF { for (; n; n--) print ""; print; next } { n++ }'
}
c "$files" 'ln --help | help_body'
c "$files" 'ln --help -z | help_body'
c "$files" 'ln -z --help'
c "$files" 'ln --version >/dev/null'
c "$files" 'ln --he a b | help_body'
c "$links" 'ln -s a /sys/linkbox-x; ln /etc/hostname /sys/linkbox-x; ln -sf a /proc/self/x'
# --- relative
c "$links" 'mkdir -p x/y/z; ln -srv a x/y/z/l'
c "$links" 'mkdir -p x/y/z; ln -srv "$PWD/a" x/l'
c "$links" 'mkdir -p x/y/z; ln -srv ../work/a x/y/../l'
c "$links" 'mkdir -p x/y/z; ln -s x/y/z zz; ln -srv a zz/l; ln -srv a zz/../l2'
c "$links" 'mkdir -p x/y/z; ln -srv x/y/z/nonex/../../q x/y/l'
c "$links" 'ln -srv a d/../a2; ln -srv d d/self; ln -srv a a3'
c "$links" 'mkdir x; ln -srv / x/root; ln -srv . x/dot; ln -srv /tmp x/tmp'
c "$links" 'ln -srv sd/../a x; ln -srv sa y'
c "$links" 'ln -sr a -t d -v; ln -sr -v d/../b c e'
c "$links" 'ln -srfv b sa'
c "$links" 'ln -srf a a'
c "$links" 'ln -srv nope/x/../y e/l'
c "$links" 'ln -srv "" x'
c "$links" 'ln -srv a nope/x'
c "$links" 'mkdir -p x/y; ln -s ../../x/y x/y/up; ln -srv a x/y/up/l'
c "$links" 'ln -srv "$(printf "x/%.0s" $(seq 2100))y" l 2>&1 | cut -c1-120'
c "$links" 'ln -srv "$(printf "x/%.0s" $(seq 2000))y" l 2>&1 | cut -c1-120'
# --- odd names
c "$files" "touch 'a b'; ln -v 'a b' 'c d'"
c "$files" "touch \"it's\"; ln -v \"it's\" 'x\"y'"
c "$files" 'touch "$(printf "new\nline")"; ln -v "$(printf "new\nline")" x; ln "$(printf "new\nline")" x'
c "$files" 'touch "$(printf "\377")"; ln -sv "$(printf "\377")" d; ln "$(printf "\377")" d'
c "$files" 'ln -v "$(printf "\377")" z'
c "$files" 'touch "t	ab"; ln -bv "t	ab" b; ln -sv "t	ab" "x:y"'
c "$files" 'mkdir "sp ace"; ln -v a b "sp ace"; ln "sp ace" x'
c "$files" 'touch "é"; ln -v "é" "ü"'

echo
echo "ln differential: $cases cases, $differences differences"
[ "$differences" -eq 0 ]
