#!/bin/sh
# The TLS certificate nginx starts with. Run by the nginx image's entrypoint before nginx starts
# (from /docker-entrypoint.d/), and by the tests.
#
# The certificate directory is mounted from the host (./certs in docker-compose.yml). When it
# holds no certificate yet, a self-signed one for SHOP_DOMAIN is made, so the shop answers on
# HTTPS from the first start (browsers warn until a real one replaces it: Let's Encrypt through
# the certbot service, or files of your own CA copied in as fullchain.pem, privkey.pem and
# chain.pem). An existing certificate is never touched.
set -eu

dir="${SHOP_CERT_DIR:-/etc/nginx/certs}"
domain="${SHOP_DOMAIN:-localhost}"

mkdir -p "$dir"
if [ ! -s "$dir/fullchain.pem" ] || [ ! -s "$dir/privkey.pem" ]; then
    echo "shop: no certificate in $dir; making a self-signed one for $domain"
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
        -subj "/CN=$domain" \
        -addext "subjectAltName=DNS:$domain,DNS:localhost,IP:127.0.0.1" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
    umask 022
    chmod 644 "$dir/fullchain.pem"
fi
# nginx verifies OCSP answers against chain.pem (certbot writes one); for certificates that
# came without it, the full chain serves.
if [ ! -s "$dir/chain.pem" ]; then
    cp "$dir/fullchain.pem" "$dir/chain.pem"
fi
