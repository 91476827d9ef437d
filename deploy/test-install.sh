#!/usr/bin/env bash
# Checks deploy/install.sh in a throwaway root: everything lands with the right modes, a second run
# changes nothing, an edited clerk.env is never overwritten, and the installed units verify.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
jar="$root/clerk.jar"
echo "not really a jar" > "$jar"

DESTDIR="$root/fs" bash "$here/install.sh" --jar "$jar" --with-temporal-dev --with-reconcile-timer \
  --with-datasette >/dev/null
for f in opt/clerk/clerk.jar usr/local/bin/clerk etc/bash_completion.d/clerk etc/clerk/clerk.env etc/systemd/system/clerk-worker.service \
    etc/systemd/system/temporal-dev.service etc/systemd/system/clerk-reconcile.service \
    etc/systemd/system/clerk-reconcile.timer opt/clerk/docs/reconciliation.md \
    etc/systemd/system/clerk-datasette@.service etc/systemd/system/clerk-datasette-reload@.path \
    etc/systemd/system/clerk-datasette-reload@.service etc/nginx/sites-available/clerk-sites.conf; do
  [ -f "$root/fs/$f" ] || { echo "FAIL: $f not installed" >&2; exit 1; }
done
for d in var/lib/clerk srv/clerk/storage srv/clerk/deploy var/lib/temporal; do
  [ -d "$root/fs/$d" ] || { echo "FAIL: $d not created" >&2; exit 1; }
done
[ "$(stat -c %a "$root/fs/etc/clerk/clerk.env")" = 640 ] || { echo "FAIL: clerk.env is not 640" >&2; exit 1; }
# A web server may reach the bundles: through /srv/clerk, into a group-readable, set-group-ID deploy dir.
[ "$(stat -c %a "$root/fs/srv/clerk")" = 751 ] || { echo "FAIL: /srv/clerk is not 751" >&2; exit 1; }
[ "$(stat -c %a "$root/fs/srv/clerk/deploy")" = 2750 ] || { echo "FAIL: /srv/clerk/deploy is not 2750" >&2; exit 1; }
[ -x "$root/fs/usr/local/bin/clerk" ] || { echo "FAIL: clerk not executable" >&2; exit 1; }

echo "STORAGE_DIR=/data/sites" >> "$root/fs/etc/clerk/clerk.env"
out="$(DESTDIR="$root/fs" bash "$here/install.sh" --jar "$jar" --with-temporal-dev --with-reconcile-timer \
  --with-datasette)"
[ "$out" = "clerk is installed and up to date; nothing changed" ] || { echo "FAIL: second run: $out" >&2; exit 1; }
grep -q "STORAGE_DIR=/data/sites" "$root/fs/etc/clerk/clerk.env" || { echo "FAIL: clerk.env overwritten" >&2; exit 1; }

echo "a new build" > "$jar"
out="$(DESTDIR="$root/fs" bash "$here/install.sh" --jar "$jar")"
[ "$out" = "installed: $root/fs/opt/clerk/clerk.jar" ] || { echo "FAIL: upgrade: $out" >&2; exit 1; }

if command -v systemd-analyze >/dev/null && [ -x /usr/bin/java ]; then
  # The clerk units must verify clean (verify also checks that ExecStart's /usr/bin/java exists; the
  # temporal CLI of temporal-dev.service is not on a build machine, so that unit is not verified here).
  # The Datasette template is verified as an instance; its ExecStart (pipx's datasette) is not on a build
  # machine either, so only that complaint is allowed.
  systemd-analyze verify "$root"/fs/etc/systemd/system/clerk-{worker,reconcile}.service \
    "$root"/fs/etc/systemd/system/clerk-*.timer
  cp "$root/fs/etc/systemd/system/clerk-datasette@.service" "$root/clerk-datasette@alameda.ca.us.service"
  problems="$(systemd-analyze verify "$root/clerk-datasette@alameda.ca.us.service" 2>&1 \
    | grep -v "/usr/local/bin/datasette is not executable" || true)"
  [ -z "$problems" ] || { echo "FAIL: clerk-datasette@.service: $problems" >&2; exit 1; }
fi
echo "install.sh: ok"
