#!/bin/sh
# Prints alertmanager.yml (next to this script) with each placeholder replaced by that environment
# variable, doubled single quotes and all, for YAML's single-quoted strings. Defaults as the
# backend's in docker-compose.yml: Mailpit while SMTP_HOST is unset.
set -eu

SMTP_HOST=${SMTP_HOST:-mailpit}
SMTP_PORT=${SMTP_PORT:-1025}
SMTP_USER=${SMTP_USER:-}
SMTP_PASSWORD=${SMTP_PASSWORD:-}
MAIL_FROM=${MAIL_FROM:-shop@example.com}
ALERT_EMAIL=${ALERT_EMAIL:-${ADMIN_EMAIL:-admin@example.com}}
case "$(printf '%s' "${SMTP_TLS:-false}" | tr '[:upper:]' '[:lower:]')" in
    true | 1 | yes | on) SMTP_REQUIRE_TLS=true ;;
    *) SMTP_REQUIRE_TLS=false ;;
esac
export SMTP_HOST SMTP_PORT SMTP_USER SMTP_PASSWORD MAIL_FROM ALERT_EMAIL SMTP_REQUIRE_TLS

awk '
    {
        line = $0
        out = ""
        while (match(line, /\$\{[A-Z_]+\}/)) {
            value = ENVIRON[substr(line, RSTART + 2, RLENGTH - 3)]
            gsub(/\047/, "\047\047", value)
            out = out substr(line, 1, RSTART - 1) value
            line = substr(line, RSTART + RLENGTH)
        }
        print out line
    }
' "$(dirname "$0")/alertmanager.yml"
