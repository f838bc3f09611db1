#!/bin/bash
# End-to-end test of the Debian package on this machine:
#
#   tests/deploy/package-test.sh PATH/samskap_VERSION_ARCH.deb
#   tests/deploy/package-test.sh --binary build/release/samskap
#
# (--binary first builds the package with scripts/package.sh.) Installs the
# package, checks its files, owners, modes, user and unit, runs the installed
# binary the way samskap.service does (as the samskap user, in
# /var/lib/samskap, with the unit's umask and file limit) and checks /healthz,
# the database it creates and a clean stop on SIGTERM; when nginx is installed,
# checks the example nginx site with `nginx -t` and serves through it over
# HTTPS with a throwaway certificate. Then upgrades to a higher version built
# from the same binary (the database and an administrator's change to the
# conffile must survive), removes (data kept) and purges (data, configuration
# and user gone).
#
# Needs root, dpkg-dev, binutils, curl and util-linux (setpriv); systemd
# (systemd-analyze) and nginx-light with openssl are used when present.
# Refuses to run where Samskap is already installed. Listens on loopback
# only, and removes everything it made when it exits.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
unit_path=/lib/systemd/system/samskap.service
conffile=/etc/samskap/samskap.toml
datadir=/var/lib/samskap
export DEBIAN_FRONTEND=noninteractive

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "ok   $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $*" >&2
}
# check DESCRIPTION COMMAND…: passes when the command succeeds.
check() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
# check_eq DESCRIPTION ACTUAL EXPECTED
check_eq() {
  if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}
summary() {
  echo "package-test: $passed passed, $failed failed"
}
# fatal MESSAGE: a step the rest depends on failed.
fatal() {
  fail "$*"
  echo "package-test: stopping here" >&2
  summary
  exit 1
}

usage() {
  echo "usage: $0 PACKAGE.deb | --binary BINARY" >&2
  exit 2
}

deb=
binary=
case ${1:-} in
  --binary)
    [[ $# -eq 2 ]] || usage
    binary=$2
    ;;
  -* | '') usage ;;
  *)
    [[ $# -eq 1 ]] || usage
    deb=$1
    ;;
esac

# --- Preconditions -----------------------------------------------------------

[[ $(id -u) -eq 0 ]] || {
  echo "package-test: must run as root (it installs and purges the package)" >&2
  exit 1
}
for tool in dpkg dpkg-deb dpkg-shlibdeps curl setpriv strip readelf; do
  command -v "$tool" >/dev/null || {
    echo "package-test: $tool is missing (apt-get install dpkg-dev binutils curl util-linux)" >&2
    exit 1
  }
done
# dpkg's state of the samskap package: empty or not-installed when unknown.
pkg_status() { dpkg-query -W -f='${db:Status-Status}' samskap 2>/dev/null || true; }
if [[ ! $(pkg_status) =~ ^(|not-installed)$ ]] ||
  getent passwd samskap >/dev/null || getent group samskap >/dev/null ||
  [[ -e $datadir || -e /etc/samskap ]]; then
  echo "package-test: Samskap (the package, its user or its directories) is already on this" >&2
  echo "  machine; this test would install over it and purge it. Remove it first." >&2
  exit 1
fi

work=$(mktemp -d /tmp/samskap-package-test.XXXXXX)
chmod 0755 "$work"
server_pid=
nginx_pid=
installed=no

# Waits up to $2 seconds for child process $1 to end; its exit code is in
# $exit_code. Returns 1 on timeout.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2)) state
  while ((SECONDS < deadline)); do
    state=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || echo gone)
    if [[ $state == Z || $state == gone ]]; then
      exit_code=0
      wait "$pid" || exit_code=$?
      return 0
    fi
    sleep 0.2
  done
  return 1
}

cleanup() {
  local rc=$?
  set +e
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null
    wait_exit "$server_pid" 10 || { kill -KILL "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  fi
  if [[ -n $nginx_pid ]]; then
    kill -QUIT "$nginx_pid" 2>/dev/null
    wait_exit "$nginx_pid" 10 || { kill -KILL "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; }
  fi
  if [[ $installed == yes ]]; then
    dpkg -P samskap >"$work/cleanup-purge.log" 2>&1 || cat "$work/cleanup-purge.log" >&2
  fi
  # Leftovers of a purge that failed; none of these existed before the test.
  deb-systemd-helper purge samskap.service >/dev/null 2>&1
  deb-systemd-helper unmask samskap.service >/dev/null 2>&1
  getent passwd samskap >/dev/null && userdel samskap
  getent group samskap >/dev/null && groupdel samskap
  rm -rf "$datadir" /etc/samskap "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The packages ------------------------------------------------------------

if [[ -n $binary ]]; then
  [[ -f $binary && -x $binary ]] || fatal "'$binary' is not an executable file"
  # Both packages come from this copy, even if the binary is rebuilt meanwhile.
  cp "$binary" "$work/samskap" || fatal "cannot copy $binary"
  binary=$work/samskap
  version=$("$binary" version 2>/dev/null | awk '{print $2}')
  dpkg --validate-version "${version:-x}" 2>/dev/null || version=0.0.0
  deb=$(bash "$root/scripts/package.sh" "$version" "$binary" "$work/v1" 2>"$work/package1.log") ||
    { cat "$work/package1.log" >&2; fatal "scripts/package.sh $version failed"; }
  pass "scripts/package.sh built $(basename "$deb")"
else
  [[ -f $deb ]] || fatal "'$deb' is not a file"
  version=$(dpkg-deb -f "$deb" Version)
  # The upgrade is built from the binary inside the package.
  dpkg-deb -x "$deb" "$work/extracted" || fatal "cannot extract $deb"
  binary=$work/extracted/usr/bin/samskap
fi
upgrade_version=$version+upgradetest1
check "upgrade version $upgrade_version sorts after $version" \
  dpkg --compare-versions "$upgrade_version" gt "$version"

depends=$(dpkg-deb -f "$deb" Depends)
echo "     Depends: $depends"
check "Depends names adduser" grep -qE '(^|, )adduser($|[ ,])' <<<"$depends"
check "Depends names libc6 with a version" grep -qE '(^|, )libc6 \(>= ' <<<"$depends"
check "the package ships no /var/lib/samskap (postinst makes it)" \
  bash -c "! dpkg-deb -c '$deb' | grep -q ' \./var/'"
check_eq "conffiles list" "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" "$conffile"

# --- Install -----------------------------------------------------------------

installed=yes
if ! dpkg -i "$deb" >"$work/install.log" 2>&1; then
  if grep -q 'dependency problems' "$work/install.log"; then
    echo "     installing missing dependencies with apt-get"
    apt-get install -f -y --no-install-recommends >"$work/apt.log" 2>&1 ||
      { cat "$work/install.log" "$work/apt.log" >&2; fatal "apt-get install -f failed"; }
  else
    cat "$work/install.log" >&2
    fatal "dpkg -i $(basename "$deb") failed"
  fi
fi
check_eq "dpkg -i: package installed" \
  "$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' samskap)" "ii $version"

# owner:group mode of a path, e.g. "root:samskap 640"
perms() { stat -c '%U:%G %a' "$1" 2>/dev/null || echo missing; }

check_eq "/usr/bin/samskap owner and mode" "$(perms /usr/bin/samskap)" "root:root 755"
check "/usr/bin/samskap is stripped" bash -c "! readelf -S /usr/bin/samskap | grep -qE '\\.(symtab|debug_info)'"
check "/usr/bin/samskap runs (samskap version)" /usr/bin/samskap version
check_eq "$conffile owner and mode" "$(perms "$conffile")" "root:samskap 640"
check_eq "/etc/samskap owner and mode" "$(perms /etc/samskap)" "root:root 755"
check_eq "$unit_path owner and mode" "$(perms "$unit_path")" "root:root 644"
check_eq "/usr/share/doc/samskap/copyright" "$(perms /usr/share/doc/samskap/copyright)" "root:root 644"
check "copyright names the Samskap team" grep -q 'Copyright the Samskap team' /usr/share/doc/samskap/copyright
check "README.Debian points to docs/deploy.md" grep -q 'docs/deploy.md' /usr/share/doc/samskap/README.Debian
check "examples/nginx.conf shipped" test -s /usr/share/doc/samskap/examples/nginx.conf
check_eq "$datadir owner and mode" "$(perms "$datadir")" "samskap:samskap 750"
check "$datadir is not owned by the package" bash -c "! dpkg -L samskap | grep -qx '$datadir'"

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd samskap) || true
if [[ -n ${uid:-} ]]; then
  pass "user samskap exists"
  check "samskap is a system user (uid $uid < 1000)" test "$uid" -lt 1000
  check_eq "samskap's home" "$home" "$datadir"
  check_eq "samskap's shell" "$shell" /usr/sbin/nologin
  check_eq "samskap's primary group" "$(getent group "$gid" | cut -d: -f1)" samskap
else
  fail "user samskap exists"
fi

for script in postinst prerm postrm; do
  check "$script is POSIX sh (dash -n) with set -e" \
    bash -c "dash -n /var/lib/dpkg/info/samskap.$script && grep -qx 'set -e' /var/lib/dpkg/info/samskap.$script"
done
check "unit enabled (multi-user.target.wants/samskap.service)" \
  test "$(readlink /etc/systemd/system/multi-user.target.wants/samskap.service)" = "$unit_path"

if command -v systemd-analyze >/dev/null; then
  # It exits with 0 on settings it ignores, so any line about our unit fails.
  if systemd-analyze verify "$unit_path" >"$work/verify.log" 2>&1 &&
    ! grep -q 'samskap\.service' "$work/verify.log"; then
    pass "systemd-analyze verify $unit_path (no warnings about it)"
    if [[ -s $work/verify.log ]]; then sed 's/^/     /' "$work/verify.log"; fi
  else
    sed 's/^/     /' "$work/verify.log" >&2
    fail "systemd-analyze verify $unit_path"
  fi
else
  echo "skip systemd-analyze verify (systemd is not installed)"
fi

# --- Run the installed binary as the unit would --------------------------------

unit_value() { sed -n "s/^$1=//p" "$unit_path" | tail -n 1; }
unit_user=$(unit_value User)
unit_group=$(unit_value Group)
unit_dir=$(unit_value WorkingDirectory)
unit_umask=$(unit_value UMask)
unit_nofile=$(unit_value LimitNOFILE)
read -ra unit_cmd <<<"$(unit_value ExecStart)"
check_eq "unit runs as" "$unit_user:$unit_group" "samskap:samskap"
check_eq "unit's working directory" "$unit_dir" "$datadir"
check_eq "unit's ExecStart uses the conffile" \
  "$(grep -c -- "--config $conffile" <<<"${unit_cmd[*]}")" 1

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# start_server PORT LOG: the unit's command line plus --listen, as the unit's
# user and group, in its working directory, with its umask and file limit and
# an empty environment.
start_server() {
  (
    cd "$unit_dir"
    umask "${unit_umask:-0022}"
    # The unit's LimitNOFILE, or this machine's hard limit when that is lower
    # (containers).
    local nofile=${unit_nofile:-1024} hard
    hard=$(ulimit -Hn)
    [[ $hard == unlimited || $hard -ge $nofile ]] || nofile=$hard
    ulimit -n "$nofile"
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      setpriv --reuid="$unit_user" --regid="$unit_group" --init-groups --no-new-privs \
      --inh-caps=-all --bounding-set=-all \
      "${unit_cmd[@]}" --listen "127.0.0.1:$1"
  ) >"$2" 2>&1 &
  server_pid=$!
}

# wait_http URL SECONDS: until the URL answers 200 or the server exits.
wait_http() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    [[ -d /proc/$server_pid ]] && ! grep -q '^State:.*Z' "/proc/$server_pid/status" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# run_and_check LABEL: starts the server, checks /healthz and /readyz, then
# runs $after_start (if set) and stops the server with SIGTERM.
run_and_check() {
  local label=$1 port log
  port=$(free_port) || fatal "no free port on 127.0.0.1"
  log=$work/serve-$label.log
  start_server "$port" "$log"
  if wait_http "http://127.0.0.1:$port/healthz" 60; then
    pass "$label: /healthz answers 200 as user samskap on 127.0.0.1:$port"
    check_eq "$label: /readyz" \
      "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/readyz")" 200
    check_eq "$label: server runs as" "$(ps -o user= -p "$server_pid")" samskap
    if [[ -n ${after_start:-} ]]; then "$after_start" "$port"; fi
  else
    sed 's/^/     /' "$log" >&2
    fail "$label: /healthz did not answer within 60 s"
  fi
  kill -TERM "$server_pid" 2>/dev/null || true
  if wait_exit "$server_pid" 35; then
    check_eq "$label: exit code after SIGTERM" "$exit_code" 0
  else
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    fail "$label: did not stop within 35 s of SIGTERM"
  fi
  server_pid=
}

# --- nginx in front (when nginx is installed) --------------------------------

nginx_checks() {
  local app_port=$1 dir=$work/nginx site=/usr/share/doc/samskap/examples/nginx.conf
  if ! command -v nginx >/dev/null || ! command -v openssl >/dev/null; then
    echo "skip nginx checks (apt-get install nginx-light openssl)"
    return 0
  fi
  mkdir -p "$dir/tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=samskap.example.no \
    -addext subjectAltName=DNS:samskap.example.no \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 ||
    { cat "$dir/openssl.log" >&2; fail "openssl: throwaway certificate"; return 0; }
  local temps=
  for t in client_body proxy fastcgi uwsgi scgi; do temps+="${t}_temp_path $dir/tmp/$t; "; done
  # nginx.conf with the site as shipped, only the certificate paths replaced.
  sed -e "s|/etc/ssl/certs/samskap.example.no.pem|$dir/cert.pem|" \
    -e "s|/etc/ssl/private/samskap.example.no.key|$dir/key.pem|" "$site" >"$dir/site.conf"
  cat >"$dir/nginx.conf" <<EOF
pid $dir/nginx.pid;
error_log $dir/error.log;
worker_processes 1;
events { worker_connections 64; }
http { access_log off; $temps include $dir/site.conf; }
EOF
  if nginx -t -q -p "$dir" -c "$dir/nginx.conf" >"$dir/t.log" 2>&1; then
    pass "nginx -t on the example site"
  else
    sed 's/^/     /' "$dir/t.log" >&2
    fail "nginx -t on the example site"
    return 0
  fi
  # The same site on free loopback ports, in front of the running server.
  local http_port https_port
  if ! http_port=$(free_port) || ! https_port=$(free_port) || [[ $http_port == "$https_port" ]]; then
    fail "no free ports for nginx"
    return 0
  fi
  sed -i -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|listen 443 ssl|listen 127.0.0.1:$https_port ssl|" \
    -e '/listen \[::\]/d' \
    -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$app_port;|" "$dir/site.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/run.log" 2>&1 &
  nginx_pid=$!
  local https=https://samskap.example.no:$https_port
  local curl_tls=(--resolve "samskap.example.no:$https_port:127.0.0.1" --cacert "$dir/cert.pem" --max-time 5)
  local up=no
  for _ in $(seq 1 50); do
    if curl -fsS -o /dev/null "${curl_tls[@]}" "$https/healthz" 2>/dev/null; then
      up=yes
      break
    fi
    sleep 0.2
  done
  if [[ $up == yes ]]; then
    pass "nginx: /healthz through HTTPS"
    check_eq "nginx: HTTP version to the browser" \
      "$(curl -s -o /dev/null -w '%{http_version}' --http2 "${curl_tls[@]}" "$https/healthz")" 2
    check "nginx: Strict-Transport-Security header" \
      bash -c "curl -s -D - -o /dev/null $(printf '%q ' "${curl_tls[@]}") '$https/healthz' | grep -qi '^strict-transport-security: max-age=63072000'"
    check_eq "nginx: plain HTTP redirects to HTTPS" \
      "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 5 -H 'Host: samskap.example.no' "http://127.0.0.1:$http_port/kunnskap?q=1")" \
      "301 https://samskap.example.no/kunnskap?q=1"
    # A body above the app's 1 MiB but below nginx's 2m: the app's own 413 page
    # (it carries the app's X-Request-Id).
    head -c $((1024 * 1024 + 4096)) /dev/zero | tr '\0' a >"$dir/big"
    curl -s -D "$dir/413.headers" -o /dev/null "${curl_tls[@]}" -X POST \
      -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$dir/big" "$https/logg-inn" || true
    check "nginx: a 1 MiB + 4 KiB body reaches the app, which answers 413 itself" \
      bash -c "head -n 1 '$dir/413.headers' | grep -q ' 413' && grep -qi '^x-request-id:' '$dir/413.headers'"
    check_eq "nginx: an event-stream path reaches the app" \
      "$(curl -s -o /dev/null -w '%{http_code}' "${curl_tls[@]}" -H 'Accept: text/event-stream' "$https/w/INGEN/hendelser")" 404
  else
    sed 's/^/     /' "$dir/run.log" "$dir/error.log" 2>/dev/null >&2
    fail "nginx: /healthz through HTTPS"
  fi
  kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait_exit "$nginx_pid" 15 || { kill -KILL "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  nginx_pid=
}

after_start=nginx_checks
run_and_check first-run
after_start=

db=$datadir/samskap.db
check_eq "$db owner and mode (UMask=0027)" "$(perms "$db")" "samskap:samskap 640"
check "no file in $datadir owned by root" bash -c "[ -z \"\$(find '$datadir' -user root)\" ]"

# --- Upgrade -----------------------------------------------------------------

admin_line="# changed by the administrator (package-test)"
echo "$admin_line" >>"$conffile"
db_sum=$(md5sum <"$db" 2>/dev/null || echo missing)
uid_before=$(id -u samskap)
deb2=$(bash "$root/scripts/package.sh" "$upgrade_version" "$binary" "$work/v2" 2>"$work/package2.log") ||
  { cat "$work/package2.log" >&2; fatal "scripts/package.sh $upgrade_version failed"; }
if dpkg -i --force-confold "$deb2" >"$work/upgrade.log" 2>&1; then
  pass "dpkg -i --force-confold: upgrade to $upgrade_version"
else
  cat "$work/upgrade.log" >&2
  fatal "dpkg -i: upgrade to $upgrade_version failed"
fi
check_eq "upgraded package installed" \
  "$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' samskap)" "ii $upgrade_version"
check "administrator's line in $conffile kept" grep -qxF "$admin_line" "$conffile"
check_eq "$conffile owner and mode after upgrade" "$(perms "$conffile")" "root:samskap 640"
check_eq "database unchanged by the upgrade" "$(md5sum <"$db" 2>/dev/null)" "$db_sum"
check_eq "$datadir owner and mode after upgrade" "$(perms "$datadir")" "samskap:samskap 750"
check_eq "user samskap kept its uid" "$(id -u samskap)" "$uid_before"
run_and_check after-upgrade
check_eq "$db still owned by samskap" "$(perms "$db")" "samskap:samskap 640"

# --- Remove and purge --------------------------------------------------------

if dpkg -r samskap >"$work/remove.log" 2>&1; then pass "dpkg -r samskap"; else
  cat "$work/remove.log" >&2
  fail "dpkg -r samskap"
fi
check_eq "after remove: package state" "$(dpkg-query -W -f='${db:Status-Abbrev}' samskap)" "rc "
check "after remove: /usr/bin/samskap gone" test ! -e /usr/bin/samskap
check "after remove: unit file gone" test ! -e "$unit_path"
check "after remove: database kept" test -s "$db"
check_eq "after remove: $datadir owner and mode" "$(perms "$datadir")" "samskap:samskap 750"
check "after remove: $conffile kept" grep -qxF "$admin_line" "$conffile"
check "after remove: user samskap kept" getent passwd samskap
check "after remove: unit masked (its enablement is left until purge)" \
  test "$(readlink /etc/systemd/system/samskap.service)" = /dev/null

if dpkg -P samskap >"$work/purge.log" 2>&1; then pass "dpkg -P samskap"; else
  cat "$work/purge.log" >&2
  fail "dpkg -P samskap"
fi
installed=no
check "after purge: package unknown to dpkg" [ -z "$(pkg_status | sed 's/^not-installed$//')" ]
check "after purge: $datadir gone" test ! -e "$datadir"
check "after purge: /etc/samskap gone" test ! -e /etc/samskap
check "after purge: user samskap gone" bash -c '! getent passwd samskap'
check "after purge: group samskap gone" bash -c '! getent group samskap'
check "after purge: no enablement or mask left" bash -c \
  '! ls /etc/systemd/system/samskap.service /etc/systemd/system/*.wants/samskap.service \
     /var/lib/systemd/deb-systemd-helper-enabled/samskap.service.dsh-also \
     /var/lib/systemd/deb-systemd-helper-masked/samskap.service 2>/dev/null | grep -q .'

summary
if ((failed > 0)); then
  echo "package-test: FAILED (see the FAIL lines above)" >&2
  exit 1
fi
