#!/usr/bin/env bash
# Makes the certificates the TLS tests use, with EC P-256 keys:
#   ca.pem / ca.key          a test CA
#   server.pem / server.key  localhost (SAN DNS:localhost, IP:127.0.0.1), by the CA
#   wrong.pem / wrong.key    wrong.example only (SAN DNS:wrong.example), by the CA
#   otherip.pem / otherip.key  localhost and 127.0.0.2 (SAN DNS:localhost,
#                            IP:127.0.0.2), by the CA
#   names.pem / names.key    CN=127.0.0.1 but names only (SAN DNS:localhost,
#                            DNS:127.0.0.1, no IP), by the CA
#   self.pem / self.key      localhost, self-signed (not by the CA)
#   client.pem / client.key  a client certificate (clientAuth), by the CA
#   expired.pem / expired.key  localhost, by the CA, valid 2020-01-01 to 2021-01-01
# Usage: make_certs.sh OUTDIR
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
mkdir -p "$out"
cd "$out"

log=$(mktemp)
trap 'rm -f "$log" ./*.csr ./*.ext ./*.srl ca.cnf index.txt* serial* 01.pem' EXIT

run() {
  if ! "$@" >"$log" 2>&1; then
    echo "make_certs.sh: failed: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

days=3650

new_key() {
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
}

# sign NAME SUBJECT EXTENSIONS: a leaf certificate NAME.pem signed by the CA.
sign() {
  local name=$1 subject=$2 extensions=$3
  new_key "$name"
  run openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  printf '%s\n' "$extensions" >"$name.ext"
  run openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key \
    -CAcreateserial -days "$days" -sha256 -extfile "$name.ext" -out "$name.pem"
}

new_key ca
run openssl req -x509 -new -key ca.key -sha256 -days "$days" \
  -subj "/CN=duplex test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem

leaf_server='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth'

sign server "/CN=localhost" "$leaf_server
subjectAltName=DNS:localhost,IP:127.0.0.1"

sign wrong "/CN=wrong.example" "$leaf_server
subjectAltName=DNS:wrong.example"

# For wss://127.0.0.1: the wrong address, and the right one written only as names.
sign otherip "/CN=localhost" "$leaf_server
subjectAltName=DNS:localhost,IP:127.0.0.2"

sign names "/CN=127.0.0.1" "$leaf_server
subjectAltName=DNS:localhost,DNS:127.0.0.1"

sign client "/CN=duplex test client" 'basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'

# A certificate that has expired: `openssl x509 -req` (OpenSSL 3.0) cannot
# back-date, `openssl ca` can (-startdate/-enddate).
new_key expired
run openssl req -new -key expired.key -subj "/CN=localhost" -out expired.csr
printf '%s\n' "$leaf_server" 'subjectAltName=DNS:localhost,IP:127.0.0.1' >expired.ext
printf '%s\n' '[ca]' 'default_ca = test_ca' '[test_ca]' 'database = index.txt' 'new_certs_dir = .' \
  'serial = serial' 'default_md = sha256' 'policy = any' '[any]' 'commonName = supplied' >ca.cnf
: >index.txt
echo 01 >serial
run openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -notext -extfile expired.ext \
  -startdate 20200101000000Z -enddate 20210101000000Z -in expired.csr -out expired.pem

new_key self
run openssl req -x509 -new -key self.key -sha256 -days "$days" \
  -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -addext "basicConstraints=critical,CA:FALSE" \
  -addext "extendedKeyUsage=serverAuth" \
  -out self.pem

chmod 600 ./*.key
