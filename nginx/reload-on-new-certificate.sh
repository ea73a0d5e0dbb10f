#!/bin/sh
# Run by the nginx image's entrypoint before nginx starts (from /docker-entrypoint.d/): leaves a
# loop behind that reloads nginx within a minute of the certificate changing (a first Let's
# Encrypt certificate, a renewal, files copied in by hand), so no one has to.
set -eu

dir="${SHOP_CERT_DIR:-/etc/nginx/certs}"

fingerprint() {
    cat "$dir/fullchain.pem" "$dir/privkey.pem" 2>/dev/null | cksum
}

(
    last=$(fingerprint)
    while sleep 60; do
        now=$(fingerprint)
        if [ "$now" != "$last" ]; then
            last=$now
            echo "shop: the certificate in $dir changed; reloading nginx"
            nginx -s reload || echo "shop: reload refused; nginx keeps the previous certificate"
        fi
    done
) &
