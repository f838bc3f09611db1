#!/bin/bash
# Builds the Debian package of Samskap from a built binary:
#
#   scripts/package.sh VERSION BINARY OUTDIR
#
# writes OUTDIR/samskap_VERSION_ARCH.deb (ARCH from dpkg, amd64 here) and
# prints its path on stdout. Needs dpkg-dev (dpkg-shlibdeps) and binutils
# (strip); runs as any user (dpkg-deb --root-owner-group makes every file
# root's). Set SAMSKAP_MAINTAINER to override the Maintainer field.
#
# The package holds /usr/bin/samskap (stripped), the conffile
# /etc/samskap/samskap.toml, /lib/systemd/system/samskap.service and
# /usr/share/doc/samskap/. Its postinst creates the samskap user and
# /var/lib/samskap; see packaging/ for the unit and the configuration.
set -euo pipefail

die() {
  echo "package.sh: $*" >&2
  exit 1
}

[[ $# -eq 3 ]] || die "usage: scripts/package.sh VERSION BINARY OUTDIR"
version=$1
binary=$2
outdir=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

dpkg --validate-version "$version" 2>/dev/null ||
  die "'$version' is not a Debian version (e.g. 0.1.0 or 0.1.0+git20250101)"
[[ -f $binary && -x $binary ]] || die "'$binary' is not an executable file"
for tool in dpkg-deb dpkg-shlibdeps strip objdump; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install dpkg-dev binutils)"
done
for f in packaging/samskap.service packaging/samskap.toml docs/deploy/nginx.conf; do
  [[ -f $root/$f ]] || die "$root/$f is missing"
done
mkdir -p "$outdir"
arch=$(dpkg --print-architecture)
maintainer=${SAMSKAP_MAINTAINER:-Samskap team <samskap@example.no>}

work=$(mktemp -d "${TMPDIR:-/tmp}/samskap-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022
pkg=$work/root
install -d -m 0755 "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/etc/samskap" "$pkg/lib/systemd/system" \
  "$pkg/usr/share/doc/samskap/examples"

# The binary, without symbols and debug information.
strip --strip-unneeded --remove-section=.comment -o "$pkg/usr/bin/samskap" "$binary"
chmod 0755 "$pkg/usr/bin/samskap"

install -m 0644 "$root/packaging/samskap.toml" "$pkg/etc/samskap/samskap.toml"
install -m 0644 "$root/packaging/samskap.service" "$pkg/lib/systemd/system/samskap.service"
install -m 0644 "$root/docs/deploy/nginx.conf" "$pkg/usr/share/doc/samskap/examples/nginx.conf"

copyright=$pkg/usr/share/doc/samskap/copyright
cat >"$copyright" <<'TXT'
Samskap

Copyright the Samskap team

The licence of Samskap itself has not been chosen yet. The libraries the
binary links are separate Debian packages under their own licences (see their
/usr/share/doc/*/copyright).

Bundled into /usr/bin/samskap from npm (the browser's scripts): htmx.org
(0BSD), Chart.js (MIT) with @kurkle/color (MIT). Their licences follow.
TXT
# The licence texts of the bundled front-end packages, when npm ci has run.
for lic in htmx.org/LICENSE chart.js/LICENSE.md @kurkle/color/LICENSE.md; do
  if [[ -f $root/node_modules/$lic ]]; then
    printf '\n--- %s ---\n\n' "${lic%/*}" >>"$copyright"
    cat "$root/node_modules/$lic" >>"$copyright"
  else
    echo "package.sh: warning: node_modules/$lic is missing (npm ci); not in the copyright file" >&2
  fi
done

cat >"$pkg/usr/share/doc/samskap/README.Debian" <<'TXT'
Samskap for Debian
==================

The full guide to running Samskap is docs/deploy.md in the Samskap source.
In short:

- The service: samskap.service runs `samskap serve` as the system user
  samskap, enabled and started on installation (when systemd runs).
    systemctl status samskap
    journalctl -u samskap          # its log, including the access log
- Configuration: /etc/samskap/samskap.toml (root:samskap, 0640); every
  setting is described there. Secrets such as SAMSKAP_SMTP_PASSWORD go in
  /etc/default/samskap (root:root, 0600), which the unit reads if present.
  After a change: systemctl restart samskap
- Data: /var/lib/samskap (samskap:samskap, 0750) holds the SQLite database
  by default. Upgrades keep it; the new binary migrates the database when it
  starts. `apt purge samskap` deletes it together with /etc/samskap and the
  samskap user; a PostgreSQL database is never touched.
- First run: on an empty database the service writes a one-time link (valid
  24 hours) to its log, where the first organisation and administrator are
  created:
    journalctl -u samskap | grep -i http
- Command line, as the samskap user so that files stay its own:
    runuser -u samskap -- samskap --config /etc/samskap/samskap.toml admin ...
- HTTPS: put nginx in front; an example site is in
  /usr/share/doc/samskap/examples/nginx.conf. Then set public_url,
  trusted_proxies and secure_cookies = true in samskap.toml.
- Several nodes: use PostgreSQL (database = "postgresql://..."), run the
  package on each machine (or each node on its own listen port) and list
  every node in nginx's upstream block.
- The unit is hardened (read-only system, no capabilities); it cannot bind
  ports below 1024. Change it with `systemctl edit samskap`.
TXT
chmod 0644 "$pkg/usr/share/doc/samskap/copyright" "$pkg/usr/share/doc/samskap/README.Debian"

echo /etc/samskap/samskap.toml >"$pkg/DEBIAN/conffiles"

# Depends: from the binary's shared libraries. dpkg-shlibdeps needs to run
# in a source tree, so give it a stub debian/control.
shlibs=$work/shlibs
mkdir -p "$shlibs/debian"
printf 'Source: samskap\n\nPackage: samskap\nArchitecture: any\n' >"$shlibs/debian/control"
if deps=$(cd "$shlibs" && dpkg-shlibdeps -O --warnings=0 -e"$pkg/usr/bin/samskap" 2>"$work/shlibdeps.log"); then
  deps=${deps#shlibs:Depends=}
else
  # Fallback: the package that holds each NEEDED library, without versions.
  echo "package.sh: dpkg-shlibdeps failed, mapping libraries with dpkg -S:" >&2
  sed 's/^/  /' "$work/shlibdeps.log" >&2
  deps=$(objdump -p "$pkg/usr/bin/samskap" | awk '$1 == "NEEDED" {print $2}' | while read -r lib; do
    path=$(ldd "$pkg/usr/bin/samskap" | awk -v l="$lib" '$1 == l {print $3}')
    [[ -n $path ]] || die "cannot find $lib"
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null) ||
      die "$lib ($path) belongs to no Debian package"
    echo "${owner%%:*}"
  done | sort -u | paste -sd, | sed 's/,/, /g')
fi
[[ -n $deps ]] || die "no shared-library dependencies found"
deps="$deps, adduser"

installed_size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<TXT
Package: samskap
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $deps
Section: web
Priority: optional
Description: change work and co-creation in municipal health and care
 Samskap helps the people who lead change in Norwegian municipal health and
 care services: a knowledge base on the stages of change, change initiatives,
 anonymous readiness check-ins, live co-creation workshops answered from
 phones, and analysis of motivational-interviewing conversations.
 .
 One binary serving server-rendered pages over SQLite or PostgreSQL, run by
 systemd as the samskap user; put nginx in front for HTTPS.
TXT

# Maintainer scripts.
cat >"$pkg/DEBIAN/postinst" <<'TXT'
#!/bin/sh
# postinst of samskap: the system user, the data directory, the
# configuration's owner, and the service.
set -e

unit=samskap.service

# Applies owner and mode to a path unless the administrator has set a
# dpkg-statoverride for it.
set_perms() {
  if ! dpkg-statoverride --list "$3" >/dev/null 2>&1; then
    chown "$1" "$3"
    chmod "$2" "$3"
  fi
}

if [ "$1" = configure ]; then
  if ! getent group samskap >/dev/null; then
    addgroup --system --quiet samskap
  fi
  if ! getent passwd samskap >/dev/null; then
    adduser --system --quiet --ingroup samskap --home /var/lib/samskap \
      --no-create-home --shell /usr/sbin/nologin samskap
  fi
  mkdir -p /var/lib/samskap
  set_perms samskap:samskap 0750 /var/lib/samskap
  # The service reads its configuration through the group.
  set_perms root:samskap 0640 /etc/samskap/samskap.toml
fi

if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] ||
  [ "$1" = abort-remove ]; then
  # Undo the mask set by postrm on removal, then enable the unit unless the
  # administrator disabled it (was-enabled is true on a first installation).
  deb-systemd-helper unmask "$unit" >/dev/null || true
  if deb-systemd-helper --quiet was-enabled "$unit"; then
    deb-systemd-helper enable "$unit" >/dev/null || true
  else
    deb-systemd-helper update-state "$unit" >/dev/null || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    if [ -n "$2" ]; then
      # Upgrade: restart only if it runs; the new binary migrates the
      # database as it starts.
      deb-systemd-invoke try-restart "$unit" >/dev/null || true
    else
      deb-systemd-invoke start "$unit" >/dev/null || true
    fi
  fi
fi

exit 0
TXT

cat >"$pkg/DEBIAN/prerm" <<'TXT'
#!/bin/sh
# prerm of samskap: stop the service before the package is removed (an
# upgrade restarts it in postinst instead).
set -e

if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  deb-systemd-invoke stop samskap.service >/dev/null || true
fi

exit 0
TXT

cat >"$pkg/DEBIAN/postrm" <<'TXT'
#!/bin/sh
# postrm of samskap: remove keeps the data and the configuration; purge
# deletes /var/lib/samskap (the SQLite database), /etc/samskap and the
# samskap user and group. A PostgreSQL database is not touched.
set -e

unit=samskap.service

case "$1" in
  remove)
    if [ -d /run/systemd/system ]; then
      systemctl --system daemon-reload >/dev/null || true
    fi
    # The unit file is gone: keep its leftover enablement from acting.
    if [ -x /usr/bin/deb-systemd-helper ]; then
      deb-systemd-helper mask "$unit" >/dev/null || true
    fi
    ;;
  purge)
    if [ -x /usr/bin/deb-systemd-helper ]; then
      deb-systemd-helper purge "$unit" >/dev/null || true
      deb-systemd-helper unmask "$unit" >/dev/null || true
    fi
    rm -rf /var/lib/samskap /etc/samskap
    if getent passwd samskap >/dev/null; then
      if command -v deluser >/dev/null; then
        deluser --system --quiet samskap || true
      else
        userdel samskap || true
      fi
    fi
    if getent group samskap >/dev/null; then
      if command -v delgroup >/dev/null; then
        delgroup --system --quiet samskap || true
      else
        groupdel samskap || true
      fi
    fi
    ;;
esac

exit 0
TXT
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm" "$pkg/DEBIAN/postrm"

(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"

deb=$outdir/samskap_${version}_${arch}.deb
dpkg-deb --build --root-owner-group -Zxz "$pkg" "$deb" >/dev/null
echo "package.sh: built $deb (Depends: $deps)" >&2
echo "$deb"
