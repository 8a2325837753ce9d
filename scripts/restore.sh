#!/usr/bin/env bash
# Restauration d'une sauvegarde d'appui dans une base PostgreSQL NEUVE. Voir docs/deploiement.md.
#
#   scripts/restore.sh SAUVEGARDE.dump URL_DE_LA_BASE_CIBLE
#
# La base cible est créée si elle n'existe pas ; si elle contient déjà des tables, rien n'est
# fait (on ne restaure jamais par-dessus des données). La restauration est tout ou rien (une
# seule transaction). Si MEDIA_DIR est défini et qu'une archive .media.tar.gz accompagne la
# sauvegarde, les fichiers y sont extraits.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "Usage : scripts/restore.sh SAUVEGARDE.dump postgres://utilisateur@hôte:5432/base_neuve" >&2
  exit 2
fi
dump="$1"
target="$2"
case "$target" in
  postgres://*|postgresql://*) ;;
  *) echo "restore.sh : la cible doit être une URL PostgreSQL (postgres://…)." >&2; exit 2 ;;
esac
if [ ! -r "$dump" ]; then
  echo "restore.sh : sauvegarde introuvable : $dump" >&2
  exit 2
fi
pg_restore --list "$dump" >/dev/null

# The target's name, and the same server's maintenance database to create it from.
read -r dbname admin_url < <(python3 - "$target" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

url = urlsplit(sys.argv[1])
print(unquote(url.path.lstrip("/")), urlunsplit(url._replace(path="/postgres")))
PY
)
if [ -z "$dbname" ]; then
  echo "restore.sh : l'URL cible ne nomme pas de base." >&2
  exit 2
fi

exists="$(psql "$admin_url" -XtAc "SELECT 1 FROM pg_database WHERE datname = '${dbname//\'/\'\'}'")"
if [ "$exists" != "1" ]; then
  psql "$admin_url" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${dbname//\"/\"\"}\""
  echo "Base créée : $dbname"
fi
tables="$(psql "$target" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh : la base $dbname contient déjà $tables tables ; restaurez dans une base neuve." >&2
  exit 1
fi

pg_restore --dbname="$target" --no-owner --no-privileges --exit-on-error --single-transaction \
  "$dump"
psql "$target" -Xq -c "ANALYZE"
echo "Base restaurée : $dbname ($(psql "$target" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") tables)"

media="${dump%.dump}.media.tar.gz"
if [ -n "${MEDIA_DIR:-}" ] && [ -f "$media" ]; then
  mkdir -p "$MEDIA_DIR"
  tar -C "$MEDIA_DIR" -xzf "$media"
  echo "Fichiers restaurés dans $MEDIA_DIR"
fi
