#!/usr/bin/env bash
# Installs clerk as a service: user and group `clerk`, directories, the jar, a `clerk` command, the
# example settings (never over existing ones), the systemd units. Idempotent: running it again changes
# only what differs (a new jar, a changed unit). Runbook: docs/operations.md.
#
#   deploy/install.sh [--jar PATH] [--with-temporal-dev] [--with-reconcile-timer] [--with-datasette]
#
# DESTDIR=/some/root installs into that tree instead of / (for packaging and the test,
# deploy/test-install.sh); users and systemd are then left alone.
#
# Published bundles (/srv/clerk/deploy) belong to group www-data, which the clerk user joins, so a web
# server can read them (CLERK_DEPLOY_GROUP); --with-datasette also installs the per-site Datasette
# units and the nginx configuration (docs/publishing.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/starter/target/clerk.jar"
temporal_dev=no
reconcile_timer=no
datasette=no
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --with-temporal-dev) temporal_dev=yes; shift ;;
    --with-reconcile-timer) reconcile_timer=yes; shift ;;
    --with-datasette) datasette=yes; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
dest="${DESTDIR:-}"
[ -f "$jar" ] || { echo "install.sh: no jar at $jar: build it with ./mvnw -DskipTests package" >&2; exit 1; }

changed=()
# install_file MODE SRC DEST: copies when missing or different, and says so.
install_file() {
  if [ ! -f "$3" ] || ! cmp -s "$2" "$3"; then
    install -D -m "$1" "$2" "$3"
    changed+=("$3")
  fi
}

if [ -z "$dest" ]; then
  getent group clerk >/dev/null || groupadd --system clerk
  getent passwd clerk >/dev/null || useradd --system --gid clerk --home-dir /var/lib/clerk \
    --shell /usr/sbin/nologin --comment "clerk worker" clerk
  # The web server's group: the worker gives what it publishes to it (CLERK_DEPLOY_GROUP=www-data).
  getent group www-data >/dev/null || groupadd --system www-data
  id -nG clerk | tr ' ' '\n' | grep -qx www-data || usermod -a -G www-data clerk
  if [ "$temporal_dev" = yes ]; then
    getent group temporal >/dev/null || groupadd --system temporal
    getent passwd temporal >/dev/null || useradd --system --gid temporal --home-dir /var/lib/temporal \
      --shell /usr/sbin/nologin --comment "Temporal dev server" temporal
  fi
fi
owner() { if [ -z "$dest" ]; then chown "$@"; fi; }

install -d -m 755 "$dest/opt/clerk" "$dest/opt/clerk/docs" "$dest/etc/clerk"
install -d -m 750 "$dest/var/lib/clerk" "$dest/srv/clerk/storage" "$dest/var/log/clerk"
# Others may pass through /srv/clerk (not list it) to the bundles, which group www-data may read;
# the set-group-ID bit keeps new bundles in that group.
install -d -m 751 "$dest/srv/clerk"
install -d -m 2750 "$dest/srv/clerk/deploy"
owner clerk:clerk "$dest/var/lib/clerk" "$dest/srv/clerk/storage" "$dest/var/log/clerk"
owner clerk:www-data "$dest/srv/clerk/deploy"
owner root:clerk "$dest/srv/clerk" "$dest/etc/clerk"

install_file 644 "$jar" "$dest/opt/clerk/clerk.jar"
for doc in "$root"/docs/*.md; do
  install_file 644 "$doc" "$dest/opt/clerk/docs/$(basename "$doc")"
done
install_file 755 "$here/clerk" "$dest/usr/local/bin/clerk"
if [ ! -f "$dest/etc/clerk/clerk.env" ]; then
  install -D -m 640 "$here/clerk.env.example" "$dest/etc/clerk/clerk.env"
  owner root:clerk "$dest/etc/clerk/clerk.env"
  changed+=("$dest/etc/clerk/clerk.env (example: edit it)")
fi

units=(clerk-worker.service)
[ "$temporal_dev" = yes ] && units+=(temporal-dev.service)
[ "$reconcile_timer" = yes ] && units+=(clerk-reconcile.service clerk-reconcile.timer)
[ "$datasette" = yes ] && units+=(clerk-datasette@.service clerk-datasette-reload@.path clerk-datasette-reload@.service)
for unit in "${units[@]}"; do
  install_file 644 "$here/systemd/$unit" "$dest/etc/systemd/system/$unit"
done
if [ "$datasette" = yes ]; then
  install_file 644 "$here/nginx/clerk-sites.conf" "$dest/etc/nginx/sites-available/clerk-sites.conf"
fi
if [ "$temporal_dev" = yes ]; then
  install -d -m 750 "$dest/var/lib/temporal"
  owner temporal:temporal "$dest/var/lib/temporal"
fi

if [ ${#changed[@]} -eq 0 ]; then
  echo "clerk is installed and up to date; nothing changed"
else
  printf 'installed: %s\n' "${changed[@]}"
fi
if [ -z "$dest" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo
  echo "next:"
  echo "  edit /etc/clerk/clerk.env (STORAGE_DIR, DEPLOY_DIR, CLERK_DATABASE_URL, TEMPORAL_ADDRESS)"
  [ "$temporal_dev" = yes ] && echo "  install the temporal CLI to /usr/local/bin/temporal; systemctl enable --now temporal-dev"
  echo "  systemctl enable --now clerk-worker      # or: systemctl restart clerk-worker after an upgrade"
  [ "$reconcile_timer" = yes ] && echo "  systemctl enable --now clerk-reconcile.timer  (with CLERK_RECONCILE_INTERVAL=off)"
  if [ "$datasette" = yes ]; then
    echo "  pipx install datasette (to /usr/local/bin/datasette); per site: systemctl enable --now"
    echo "    clerk-datasette@SITE clerk-datasette-reload@SITE.path; ln -s ../sites-available/clerk-sites.conf"
    echo "    /etc/nginx/sites-enabled/ && nginx -t && systemctl reload nginx   (docs/publishing.md)"
  fi
  echo "  journalctl -u clerk-worker -f ; clerk health"
fi
