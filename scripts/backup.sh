#!/usr/bin/env bash
# Sauvegarde d'appui : la base PostgreSQL (pg_dump, format « custom ») et, s'il existe, le
# dossier des fichiers déposés (MEDIA_DIR). Voir docs/deploiement.md.
#
#   scripts/backup.sh [DOSSIER]        (par défaut BACKUP_DIR, sinon ./sauvegardes)
#
# Variables : DATABASE_URL (sinon lue dans ENV_FILE, par défaut .env), BACKUP_KEEP (nombre de
# sauvegardes gardées, 14 par défaut ; 0 = toutes), MEDIA_DIR (facultatif).
# Le fichier est vérifié (pg_restore --list) et lisible par son seul propriétaire : il contient
# des données personnelles d'élèves.
set -euo pipefail
umask 077

env_file="${ENV_FILE:-.env}"
if [ -z "${DATABASE_URL:-}" ] && [ -f "$env_file" ]; then
  DATABASE_URL="$(grep -E '^DATABASE_URL=' "$env_file" | tail -n 1 | cut -d= -f2- || true)"
fi
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*) ;;
  "") echo "backup.sh : DATABASE_URL n'est pas défini (ni dans $env_file)." >&2; exit 2 ;;
  *) echo "backup.sh : DATABASE_URL doit désigner une base PostgreSQL (postgres://…)." >&2; exit 2 ;;
esac

dest="${1:-${BACKUP_DIR:-./sauvegardes}}"
keep="${BACKUP_KEEP:-14}"
mkdir -p "$dest"
stamp="$(date +%Y%m%d-%H%M%S)"
dump="$dest/appui-$stamp.dump"

# Written under a temporary name, renamed once complete and readable: a cut-off dump is
# never mistaken for a good one.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$dump.partial"
pg_restore --list "$dump.partial" >/dev/null
mv "$dump.partial" "$dump"
echo "Base sauvegardée : $dump ($(du -h "$dump" | cut -f1))"

if [ -n "${MEDIA_DIR:-}" ] && [ -d "$MEDIA_DIR" ]; then
  tar -C "$MEDIA_DIR" -czf "$dest/appui-$stamp.media.tar.gz" .
  echo "Fichiers sauvegardés : $dest/appui-$stamp.media.tar.gz"
fi

if [ "$keep" -gt 0 ] 2>/dev/null; then
  # Oldest first by name (the stamp sorts by date); remove all but the last $keep.
  mapfile -t old < <(ls -1 "$dest"/appui-*.dump 2>/dev/null | sort | head -n -"$keep")
  for file in "${old[@]}"; do
    rm -f -- "$file" "${file%.dump}.media.tar.gz"
    echo "Ancienne sauvegarde supprimée : $file"
  done
fi
