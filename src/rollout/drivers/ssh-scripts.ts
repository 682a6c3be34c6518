// The remote halves of the ssh driver: constant POSIX sh scripts, run as `sh -c '<script>' shipline <args>`, so
// every value (paths, versions, commands) reaches the host as a positional argument and is never parsed as code
// except the user's own restart and health commands, which are run as commands on purpose. The layout they keep
// is the directory driver's (docs/action.md, "On-target layout and offline rollback").

/** Prints the target's state: CURRENT, one META line per kept release, then the deploy history. */
export const INSPECT = String.raw`set -u
cd "$1" 2>/dev/null || { echo "SHIPLINE-NODIR"; exit 0; }
if [ -L current ]; then printf 'CURRENT %s\n' "$(readlink current)"
elif [ -e current ]; then echo "CURRENT-NOT-LINK"
else echo "CURRENT-NONE"; fi
for m in releases/*/.shipline.json; do
  [ -f "$m" ] || continue
  n=${"$"}{m#releases/}; n=${"$"}{n%/.shipline.json}
  printf 'META %s ' "$n"; tr -d '\n\r' < "$m"; echo
done
echo "HISTORY"
cat shipline-history 2>/dev/null || true
`;

/**
 * Receives one artifact on stdin into releases/<incoming>/.upload/<file>, removing unfinished installs an earlier
 * run left behind. Args: dir incoming file.
 */
export const UPLOAD = String.raw`set -eu
umask 022
mkdir -p "$1/releases/$2/.upload"
for d in "$1"/releases/.incoming-*; do if [ -e "$d" ] && [ "$d" != "$1/releases/$2" ]; then rm -rf "$d"; fi; done
cat > "$1/releases/$2/.upload/$3"
`;

/**
 * Checks every uploaded artifact's sha256 on the host, unpacks them into the incoming folder, writes
 * .shipline.json last and renames the folder to releases/<name>. Any failure removes the incoming folder.
 * Args: dir incoming name meta-json, then (sha256 file kind) per artifact.
 */
export const INSTALL = String.raw`set -eu
dir=$1; inc=$2; name=$3; meta=$4; shift 4
cd "$dir/releases"
trap 'cd "$dir/releases" && rm -rf "./$inc"' EXIT
cd "./$inc"
sum256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else openssl dgst -sha256 -r "$1" | cut -d' ' -f1; fi
}
i=0
for a in "$@"; do
  case $((i % 3)) in
  0) sum=$a ;;
  1) file=$a ;;
  2)
    got=$(sum256 "./.upload/$file")
    if [ "$got" != "$sum" ]; then
      echo "sha256 of $file on this host is $got, expected $sum: the copy is damaged; nothing was installed" >&2
      exit 3
    fi ;;
  esac
  i=$((i + 1))
done
i=0
for a in "$@"; do
  case $((i % 3)) in
  1) file=$a ;;
  2)
    case $a in
    tar) tar -xf "./.upload/$file" --no-same-owner --no-same-permissions -C . ;;
    zip) unzip -q -o "./.upload/$file" -d . ;;
    deb) dpkg-deb -x "./.upload/$file" . ;;
    *) cp "./.upload/$file" "./$file" ;;
    esac ;;
  esac
  i=$((i + 1))
done
rm -rf ./.upload
printf '%s\n' "$meta" > ./.shipline.json
cd ..
rm -rf "./$name"
mv "./$inc" "./$name"
trap - EXIT
`;

/**
 * Points current at releases/<name> (or removes it for "-") by renaming a fresh link over it, appends the history
 * line, and rewrites the rollback program from stdin (temp file + rename).
 * Args: dir name event previous time header.
 */
export const SWITCH = String.raw`set -eu
cd "$1"
if [ "$2" = - ]; then rm -f current
else
  [ -f "releases/$2/.shipline.json" ] || { echo "release $2 is not kept in $1; cannot switch to it" >&2; exit 4; }
  tmp=".current-$$"
  rm -f "$tmp"
  ln -s "releases/$2" "$tmp"
  mv -Tf "$tmp" current 2>/dev/null || mv -hf "$tmp" current
fi
[ -e shipline-history ] || printf '%s' "$6" > shipline-history
printf '%s %s %s %s ssh\n' "$5" "$3" "$2" "$4" >> shipline-history
cat > .shipline-rollback.tmp
chmod 0755 .shipline-rollback.tmp
mv -f .shipline-rollback.tmp shipline-rollback
`;

/**
 * Runs the restart command and then the health check (retried) in <dir>/current, with SHIPLINE_* variables.
 * Args: dir version previous stage environment target region mode restart health retries interval.
 */
export const HOOKS = String.raw`set -eu
cd "$1/current"
export SHIPLINE_DIR="$1" SHIPLINE_VERSION="$2" SHIPLINE_PREVIOUS_VERSION="$3" SHIPLINE_STAGE="$4"
export SHIPLINE_ENVIRONMENT="$5" SHIPLINE_TARGET="$6" SHIPLINE_REGION="$7" SHIPLINE_MODE="$8"
restart=$9; health=${"$"}{10}; retries=${"$"}{11}; interval=${"$"}{12}
if [ -n "$restart" ]; then
  if ! sh -c "$restart"; then echo "the restart command failed" >&2; exit 5; fi
fi
if [ -n "$health" ]; then
  n=1
  until sh -c "$health"; do
    if [ "$n" -ge "$retries" ]; then echo "the health check failed $n times" >&2; exit 6; fi
    n=$((n + 1))
    sleep "$interval"
  done
fi
`;

/** Removes pruned releases. Args: dir names... */
export const PRUNE = String.raw`set -eu
cd "$1/releases"
shift
for n in "$@"; do rm -rf "./$n"; done
`;

/**
 * Takes the target's lock (docs/action.md, "The lock"): `mkdir <dir>/.shipline-lock`, owner line inside. When it
 * is held, prints `LOCKED <owner line>` on stderr and exits 7. Args: dir owner-line.
 */
export const LOCK = String.raw`set -eu
mkdir -p "$1"
if mkdir "$1/.shipline-lock" 2>/dev/null; then
  printf '%s\n' "$2" > "$1/.shipline-lock/owner"
  exit 0
fi
printf 'LOCKED %s\n' "$(cat "$1/.shipline-lock/owner" 2>/dev/null || true)" >&2
exit 7
`;

/** Releases the target's lock if this run holds it. Args: dir owner-line. */
export const UNLOCK = String.raw`set -u
if [ "$(cat "$1/.shipline-lock/owner" 2>/dev/null || true)" = "$2" ]; then rm -rf "$1/.shipline-lock"; fi
`;

/** Removes a lock whose owner line is exactly the one given (a stale lock of a run that is gone). Args: dir owner. */
export const BREAK_LOCK = UNLOCK;
