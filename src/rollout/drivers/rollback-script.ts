import { randomBytes } from "node:crypto";
import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The rollback program every target carries beside its releases (docs/action.md, "On-target layout"). */
export const ROLLBACK_SCRIPT_NAME = "shipline-rollback";

// Written with %{ for the shell's ${ so the TypeScript template stays free of substitutions.
const SCRIPT = String.raw`#!/bin/sh
# shipline-rollback: switch this target's "current" back to the previous release of its deploy history.
# Installed by Shipline beside releases/ and rewritten on every deploy. Plain POSIX sh: needs only sh, ls or
# readlink, ln, mv, rm, mkdir, date, uname, cat (and tr for versions with unusual characters). No Node, no network.
# Layout and rules: Shipline's docs/action.md, "On-target layout and offline rollback".
#
#   sh shipline-rollback                 back to the previous entry of shipline-history
#   sh shipline-rollback --to <version>  to a named release kept under releases/
#   sh shipline-rollback --dry-run       say what it would do, change nothing
#   sh shipline-rollback --dir <dir>     act on another target directory (default: the one it lives in)
set -eu
set -f

usage() {
  echo "usage: sh shipline-rollback [--to <version>] [--dry-run] [--dir <target dir>]"
}
die() {
  echo "shipline-rollback: $dir: $*" >&2
  exit 1
}
bad_usage() {
  echo "shipline-rollback: $*" >&2
  usage >&2
  exit 2
}

case $0 in
*/*) dir=%{0%/*} ;;
*) dir=. ;;
esac
to=
dry=0
while [ $# -gt 0 ]; do
  case $1 in
  --to)
    [ $# -ge 2 ] || bad_usage "--to needs a version"
    to=$2
    shift 2
    ;;
  --to=*)
    to=%{1#--to=}
    shift
    ;;
  --dir)
    [ $# -ge 2 ] || bad_usage "--dir needs a directory"
    dir=$2
    shift 2
    ;;
  --dir=*)
    dir=%{1#--dir=}
    shift
    ;;
  --dry-run)
    dry=1
    shift
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  *) bad_usage "unknown argument $1" ;;
  esac
done
dir=$(cd "$dir" 2>/dev/null && pwd -P) || bad_usage "no such directory: $dir"
history=$dir/shipline-history
lock=$dir/.shipline-lock

# The target's lock (docs/action.md): a deploy job and this script never switch current at once. A lock left by
# a process that is gone (same host, no such process in /proc) is taken over.
take_lock() {
  if mkdir "$lock" 2>/dev/null; then
    trap 'rm -rf "$lock"' EXIT
    trap 'exit 130' INT TERM HUP
    printf 'script %s %s %s\n' "$$" "$(uname -n)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$lock/owner" || :
    return 0
  fi
  owner=$(cat "$lock/owner" 2>/dev/null) || owner=
  set -- $owner
  if [ $# -ge 3 ] && [ "$3" = "$(uname -n)" ] && [ -d /proc/self ] && [ ! -d "/proc/$2" ]; then
    echo "shipline-rollback: taking over the lock left by $owner (that process is gone)" >&2
    rm -rf "$lock"
    if mkdir "$lock" 2>/dev/null; then
      trap 'rm -rf "$lock"' EXIT
      trap 'exit 130' INT TERM HUP
      printf 'script %s %s %s\n' "$$" "$(uname -n)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$lock/owner" || :
      return 0
    fi
  fi
  die "another Shipline deploy or rollback is switching this target (%{owner:-owner unknown}); if none is running, remove $lock"
}

# A release folder name: letters, digits and . _ + - only, never . or .. ("-" means no release).
is_name() {
  case $1 in
  '' | . | .. | - | *[!A-Za-z0-9._+-]*) return 1 ;;
  esac
  return 0
}
is_ref() {
  [ "$1" = - ] || is_name "$1"
}
is_kept() {
  is_name "$1" && [ -f "$dir/releases/$1/.shipline.json" ]
}
kept_list() {
  set +f
  k=
  for d in "$dir"/releases/*/; do
    n=%{d%/}
    n=%{n##*/}
    if is_kept "$n"; then k="$k%{k:+, }$n"; fi
  done
  set -f
  echo "%{k:-none}"
}

# The release folder current points at ("-": no current).
read_current() {
  if [ ! -L "$dir/current" ]; then
    [ -e "$dir/current" ] && die "$dir/current is not a symlink; Shipline switches releases by replacing that link. Move it away."
    cur=-
    return 0
  fi
  if command -v readlink >/dev/null 2>&1; then
    link=$(readlink "$dir/current")
  else
    link=$(ls -ld "$dir/current")
    link=%{link#* -> }
  fi
  n=%{link#./}
  n=%{n#releases/}
  n=%{n%/}
  case $link in
  releases/* | ./releases/*) is_name "$n" || die "$dir/current points at $link, outside releases/; Shipline does not manage it." ;;
  *) die "$dir/current points at $link, outside releases/; Shipline does not manage it." ;;
  esac
  cur=$n
}

# The history as a stack of what was current (space separated, oldest first): the undo rule of docs/action.md.
# Kept as " a b c" (each name after one space) with its depth; at most 100 entries (the oldest go first), so a
# history of any length replays in one quick pass.
stack=
depth=0
top() {
  if [ -z "$stack" ]; then t=-; else t=%{stack##* }; fi
}
push() {
  stack="$stack $1"
  depth=$((depth + 1))
  if [ "$depth" -gt 100 ]; then
    stack=%{stack# }
    stack=" %{stack#* }"
    depth=100
  fi
}
pop() {
  if [ -n "$stack" ]; then
    stack=%{stack% *}
    depth=$((depth - 1))
  fi
}
has() {
  for x in $stack; do
    if [ "$x" = "$1" ]; then return 0; fi
  done
  return 1
}
cut_above() {
  s=
  a=
  n=0
  for x in $stack; do
    a="$a $x"
    n=$((n + 1))
    if [ "$x" = "$1" ]; then
      s=$a
      depth=$n
    fi
  done
  stack=$s
}
apply() {
  top
  if [ "$3" != - ] && [ "$3" != "$t" ]; then
    push "$3"
    t=$3
  fi
  case $1 in
  deploy)
    if [ "$2" != - ] && [ "$2" != "$t" ]; then push "$2"; fi
    ;;
  *)
    if [ "$2" = - ]; then
      stack=
      depth=0
    elif has "$2"; then
      cut_above "$2"
    else
      pop
      push "$2"
    fi
    ;;
  esac
}

if [ "$dry" = 0 ]; then take_lock; fi
skipped=0
if [ -f "$history" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
    '' | '#'*) continue ;;
    esac
    set -- $line
    if [ $# -ge 5 ] && is_ref "$3" && is_ref "$4"; then
      case $2 in
      deploy | rollback | restore) apply "$2" "$3" "$4" ;;
      *) skipped=$((skipped + 1)) ;;
      esac
    else
      skipped=$((skipped + 1))
    fi
  done <"$history"
fi
if [ "$skipped" -gt 0 ]; then
  echo "shipline-rollback: warning: skipped $skipped line(s) of $history that do not parse" >&2
fi

read_current
if [ -n "$to" ]; then
  case $to in
  *[!A-Za-z0-9._+-]*) target=$(printf '%s' "$to" | tr -c 'A-Za-z0-9._+-' '_') ;;
  *) target=$to ;;
  esac
  is_kept "$target" || die "$to is not kept here (kept: $(kept_list))"
  [ "$target" != "$cur" ] || die "$to is already the current release"
else
  [ "$cur" != - ] || die "there is no current release to roll back from (kept: $(kept_list))"
  top
  if [ "$t" = - ]; then
    die "there is no deploy history here ($history), so nothing says what was current before $cur (kept: $(kept_list)); name one with --to"
  elif [ "$t" != "$cur" ]; then
    echo "shipline-rollback: note: the history's last entry is $t, but current is $cur (switched outside Shipline?); going back to $t" >&2
    target=$t
  else
    pop
    top
    [ "$t" != - ] || die "the deploy history has no release before $cur (kept: $(kept_list)); name one with --to"
    target=$t
  fi
  is_kept "$target" || die "$target, current before $cur, is no longer kept here (kept: $(kept_list)); name one with --to"
fi

from=$cur
if [ "$dry" = 1 ]; then
  echo "$dir: would switch current -> releases/$target (was $from); nothing changed (--dry-run)"
  exit 0
fi

# Switch atomically: a fresh link renamed over current (mv -T: GNU, busybox; mv -h: BSD, macOS).
tmp=$dir/.current-rollback-$$
rm -f "$tmp"
ln -s "releases/$target" "$tmp" || die "cannot create $tmp"
if mv -T "$tmp" "$dir/current" 2>/dev/null; then
  :
elif [ -L "$tmp" ] && mv -h "$tmp" "$dir/current" 2>/dev/null; then
  :
else
  echo "shipline-rollback: warning: this mv cannot replace a link in one step (no -T or -h); current is missing for an instant" >&2
  { rm -f "$dir/current" && mv "$tmp" "$dir/current"; } || {
    rm -f "$tmp"
    die "could not switch current to releases/$target"
  }
fi
read_current
[ "$cur" = "$target" ] || die "current points at $cur after the switch, not $target"
echo "$dir: current -> releases/$target (was $from)"

entry="$(date -u +%Y-%m-%dT%H:%M:%SZ) rollback $target $from script"
if [ ! -e "$history" ]; then
  printf '%s\n' "# shipline deploy history: <time> <event> <release> <previous> <by>" >>"$history" 2>/dev/null || :
fi
if printf '%s\n' "$entry" >>"$history"; then
  echo "recorded in $history: $entry"
else
  echo "shipline-rollback: $dir: current was switched, but $history could not be written; add this line to it by hand, or the next rollback goes back to $from:" >&2
  echo "$entry" >&2
  exit 1
fi
echo "Restart or reload the service if it does not follow the current link by itself."
`.replaceAll("%{", "${");

/** The script's text (plain POSIX sh). */
export const ROLLBACK_SCRIPT: string = SCRIPT;

/** Writes `<dir>/shipline-rollback` (0755) when it is missing or differs: temp file + rename, never half-written. */
export async function installRollbackScript(dir: string): Promise<boolean> {
  const path = join(dir, ROLLBACK_SCRIPT_NAME);
  const existing = await readFile(path, "utf8").catch(() => undefined);
  if (existing === ROLLBACK_SCRIPT) return false;
  const temp = join(dir, `.${ROLLBACK_SCRIPT_NAME}-${randomBytes(6).toString("hex")}`);
  try {
    await writeFile(temp, ROLLBACK_SCRIPT, { mode: 0o755 });
    await chmod(temp, 0o755);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return true;
}
