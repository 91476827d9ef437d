#!/usr/bin/env bash
# Test-only certificates for TemporalTlsIntegrationTest: a CA, a server certificate for 127.0.0.1 and
# localhost, and a client certificate, both signed by the CA; private keys in PKCS#8 PEM, valid for 100
# years. Not secrets and never used outside the tests: run this script to make new ones.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 -subj "/CN=clerk test CA" 2>/dev/null
sign() { # name, extensions
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=clerk test $1" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 36500 \
    -extfile <(printf '%s\n' "$2") 2>/dev/null
  rm "$1.csr"
}
sign server "subjectAltName=IP:127.0.0.1,DNS:localhost"$'\n'"extendedKeyUsage=serverAuth"
sign client "extendedKeyUsage=clientAuth"
# A second CA that signed nothing here: a client that trusts it must refuse the server.
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 36500 -subj "/CN=other CA" 2>/dev/null
rm -f ca.key other-ca.key ca.srl
