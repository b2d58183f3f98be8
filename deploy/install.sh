#!/bin/bash
# deploy/install.sh ROLE [options]: install hallq on a bare Debian 12 box for one role (docs/deploy.md).
#
#   sudo deploy/install.sh server                                    the hall server box
#   sudo deploy/install.sh kiosk   --server http://10.0.0.2:8080 --token d_…   a self-service kiosk
#   sudo deploy/install.sh counter --server URL --token d_… --window 3        a counter PC
#   sudo deploy/install.sh display --server URL --token d_…                   a lobby TV
#
# Options: --source DIR|WHEEL (default: the hallq tree this script is in), --prefix (default /opt/hallq),
#          --dry-run (print every command instead of running it).
# Idempotent: run it again after an upgrade of the source; existing config, data and tokens are kept.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
role=""
source_pkg="$(dirname "$here")"
prefix=/opt/hallq
server_url="" token="" window="" dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server_url="$2"; shift 2 ;;
    --token) token="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --source) source_pkg="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    server|kiosk|counter|display) role="$1"; shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

run() { if [ "$dry" = 1 ]; then printf '+ %s\n' "$*"; else "$@"; fi; }
write() {  # write FILE MODE: stdin to FILE unless it exists (config is never overwritten)
  if [ -e "$1" ]; then echo "kept existing $1"; cat >/dev/null; return; fi
  if [ "$dry" = 1 ]; then printf '+ write %s (mode %s):\n' "$1" "$2"; sed 's/^/    /'; return; fi
  install -D -m "$2" /dev/stdin "$1"
}
die() { echo "install.sh: $*" >&2; exit 2; }
place() {  # place SRC DEST MODE: a unit or session script, with /opt/hallq in it changed to --prefix
  if [ "$dry" = 1 ]; then printf '+ place %s -> %s (mode %s, prefix %s)\n' "$1" "$2" "$3" "$prefix"; return; fi
  sed "s|/opt/hallq/|$prefix/|g" "$1" | install -D -m "$3" /dev/stdin "$2"
}

case "$role" in
  server) extra=server ;;
  kiosk|counter|display) extra=terminal
    [ -n "$server_url" ] || die "$role needs --server http://SERVER:8080 (the hall server on the LAN)"
    [ -n "$token" ] || die "$role needs --token (hallq device add --kind $role … on the server prints it)"
    if [ "$role" = counter ] && [ -z "$window" ]; then die "counter needs --window N"; fi ;;
  *) die "usage: install.sh server|kiosk|counter|display [options] (see the top of this file)" ;;
esac
[ "$dry" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (sudo)"

# 1. Debian packages: Python, and per role the proxy or the X session with the Qt libraries and fonts
common=(python3-venv ca-certificates)
if [ "$extra" = server ]; then
  pkgs=("${common[@]}" nginx-light openssl postgresql-client sqlite3)
else
  pkgs=("${common[@]}" xserver-xorg-core xserver-xorg-input-libinput xserver-xorg-video-all xinit x11-xserver-utils
        fonts-noto-cjk espeak-ng alsa-utils libusb-1.0-0 gcc python3-dev linux-libc-dev
        libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
        libxcb-render-util0 libxcb-image0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libegl1 libgl1)
fi
run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"

# 2. the account everything runs as (never root); terminals may use the screen, input, sound, serial, printers
if ! id hallq >/dev/null 2>&1; then
  run useradd --system --create-home --home-dir /var/lib/hallq --shell /usr/sbin/nologin hallq
fi
[ "$extra" = terminal ] && run usermod -aG video,input,audio,dialout,lp,tty hallq

# 3. hallq itself, with only this role's extra (a terminal gets no database, the server no Qt)
# Debian's own interpreter (the python3-venv installed above), never a python3 found first on root's PATH: a
# pyenv or conda one under /root is unreadable to the hallq account (the first real install here failed so:
# "runuser: failed to execute /opt/hallq/bin/hallq: Permission denied", its venv pointing into /root/.pyenv)
run /usr/bin/python3 -m venv "$prefix"
run "$prefix/bin/pip" install -q --upgrade pip==25.3
run "$prefix/bin/pip" install -q "${source_pkg}[$extra]"
run install -D -m 644 "$here/../docs/deploy.md" "$prefix/share/doc/deploy.md"

if [ "$extra" = server ]; then
  # 4. data directory, database at head, config copy, secret key; backups; nginx site (enabled once TLS is set)
  run install -d -o hallq -g hallq -m 750 /srv/hallq /var/backups/hallq
  run runuser -u hallq -- "$prefix/bin/hallq" init --dir /srv/hallq
  # backups to the directory made above (the units' ReadWritePaths), not under the data directory; a
  # config already edited elsewhere keeps its own destination
  run sed -i 's|^destination = "var/backups"|destination = "/var/backups/hallq"|' /srv/hallq/var/hall.toml
  write /etc/hallq/server.env 640 <<ENV
# hallq server settings (hallq server --help lists them). Kept across reinstalls.
# HALLQ_DB=postgresql+psycopg://hallq@db.example/hallq     # default: SQLite /srv/hallq/var/hallq.db
HALLQ_FORWARDED_ALLOW_IPS=127.0.0.1
ENV
  for unit in hallq-server.service hallq-public.service hallq-backup.service hallq-backup.timer; do
    place "$here/systemd/$unit" "/etc/systemd/system/$unit" 644
  done
  run install -D -m 644 "$here/nginx/hallq.conf" /etc/nginx/sites-available/hallq
  run systemctl daemon-reload
  run systemctl enable hallq-server.service hallq-public.service hallq-backup.timer
  cat <<NEXT

hallq server installed. Next (docs/deploy.md "Server box"):
  1. sudoedit /srv/hallq/var/hall.toml      halls, windows, services; public_base_url = https://<public name>
  2. sudo systemctl start hallq-server hallq-public hallq-backup.timer && sudo -u hallq $prefix/bin/hallq status --once
  3. TLS for the phone pages: docs/deploy.md "TLS and the public edge"
NEXT
else
  # 4. the terminal file (hall, server, devices), the token, the kiosk session on tty1
  token_file=/etc/hallq/token
  if [ "$dry" = 1 ]; then echo "+ write $token_file (mode 640, root:hallq)"; else
    install -d -m 755 /etc/hallq
    (umask 027; printf '%s\n' "$token" > "$token_file"); chgrp hallq "$token_file"
  fi
  sed -e "s|^url = .*|url = \"$server_url\"|" \
      -e "s|^# token_file = .*|token_file = \"$token_file\"|" \
      ${window:+-e "s|^window = .*|window = $window|"} \
      "$here/../config/terminal-$role.toml" | write /etc/hallq/terminal.toml 644
  write /etc/X11/Xwrapper.config 644 <<XW
# hallq-terminal@.service starts X as the hallq user from a logind session on tty1
allowed_users=anybody
needs_root_rights=auto
XW
  place "$here/kiosk/hallq-session" "$prefix/libexec/hallq-session" 755
  place "$here/kiosk/hallq-xinitrc" "$prefix/libexec/hallq-xinitrc" 755
  place "$here/systemd/hallq-terminal@.service" /etc/systemd/system/hallq-terminal@.service 644
  run systemctl daemon-reload
  run systemctl disable getty@tty1.service
  run systemctl set-default graphical.target
  run systemctl enable "hallq-terminal@$role.service"
  cat <<NEXT

hallq $role installed. Check the devices, then start (docs/deploy.md "Terminals"):
  1. sudoedit /etc/hallq/terminal.toml && sudo -u hallq $prefix/bin/hallq diag --config /etc/hallq/terminal.toml
  2. sudo systemctl start hallq-terminal@$role      (or reboot: it starts at boot on tty1)
NEXT
fi
