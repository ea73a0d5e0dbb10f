#!/bin/sh
# The certbot service (docker-compose.yml, profile `letsencrypt`): a Let's Encrypt certificate for
# SHOP_DOMAIN by the http-01 challenge, which nginx answers from the shared webroot on port 80.
# certonly --keep-until-expiring asks for one the first time and renews it once it is due (30
# days before it expires); each run that got a new one copies it into the certificate folder
# nginx reads (./certs), and nginx reloads within a minute. Runs every 12 hours.
set -eu

: "${SHOP_DOMAIN:?set SHOP_DOMAIN in .env}"
if [ -n "${LETSENCRYPT_EMAIL:-}" ]; then
    account="--email $LETSENCRYPT_EMAIL"
else
    account="--register-unsafely-without-email"
fi

cat >/usr/local/bin/shop-deploy-certificate <<'HOOK'
#!/bin/sh
# certbot's deploy hook: RENEWED_LINEAGE is /etc/letsencrypt/live/<domain>.
set -eu
for name in fullchain privkey chain; do
    cp -L "$RENEWED_LINEAGE/$name.pem" "/certs/$name.pem.new"
done
chmod 600 /certs/privkey.pem.new
for name in fullchain privkey chain; do
    mv "/certs/$name.pem.new" "/certs/$name.pem"
done
echo "certbot: new certificate copied into ./certs; nginx reloads within a minute"
HOOK
chmod 755 /usr/local/bin/shop-deploy-certificate

while :; do
    # shellcheck disable=SC2086 # $account is two words on purpose
    if certbot certonly --webroot --webroot-path /var/www/acme --domain "$SHOP_DOMAIN" \
        $account --agree-tos --no-eff-email --non-interactive --keep-until-expiring \
        --deploy-hook /usr/local/bin/shop-deploy-certificate; then
        date -u >/etc/letsencrypt/shop-last-run-ok
    else
        echo "certbot: no certificate this time; trying again in 12 hours (see above why)"
    fi
    sleep 43200
done
